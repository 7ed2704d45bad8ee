/* SPDX-License-Identifier: MIT */
/*
 * workload.h - what a worker thread runs, and the start/stop protocol all
 * workloads share.
 *
 * Protocol (one repetition)
 *   1. The runner creates the workers; each pins itself and waits on the
 *      start barrier (pthread_barrier_wait orders everything the runner
 *      wrote before it: lock initialisation, nodes, parameters).
 *   2. Workers loop from the barrier on.  The runner moves run->phase from
 *      LB_PHASE_WARMUP to LB_PHASE_MEASURE and then to LB_PHASE_STOP with
 *      release stores; workers read it with a relaxed load once per
 *      operation (a read-shared line: no bouncing) and call
 *      lb_worker_phase() on a change, which snapshots their counters.
 *      Ordering between the phase word and the figures is not needed: the
 *      figures are read by the runner only after pthread_join().
 *   2a. Ticks.  In the measured window the runner also bumps a tick count
 *      in the phase word's upper bits (bits 2 and up; the phase is bits
 *      0-1) every run->tick_ns (10 ms by default).  A worker that sees a
 *      tick records its operation count for the window that just ended
 *      (the throughput timeline) and arms a short burst of latency
 *      samples.  Both ride on the phase check every loop already makes,
 *      so they cost nothing per operation; a worker asleep in the lock
 *      sees the tick when it wakes, which is exactly when its count can
 *      have changed.
 *   3. Every operation in flight when STOP is seen completes normally, so a
 *      sleeping lock's queue drains and nobody is left blocked.
 *
 * Per-thread figures live in the worker's own cache-line-aligned struct and
 * are written once per phase change, never per operation: the loop keeps
 * its count in a local ("avoid cache-line bouncing", as perf bench says).
 */
#ifndef LB_WORKLOADS_WORKLOAD_H
#define LB_WORKLOADS_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>

#include "locks/lock.h"
#include "runtime/compiler.h"
#include "runtime/atomics.h"
#include "runtime/clock.h"
#include "runtime/futex.h"

struct lb_hist;

enum lb_phase {
	LB_PHASE_WARMUP = 0,
	LB_PHASE_MEASURE = 1,
	LB_PHASE_STOP = 2,
};

#define LB_PHASE_BITS 2
#define LB_PHASE_MASK ((1u << LB_PHASE_BITS) - 1)

/* The phase in a phase word (the tick count is above it). */
static inline unsigned int lb_phase_of(unsigned int word)
{
	return word & LB_PHASE_MASK;
}

/* The tick count in a phase word: 0 at the start of the window. */
static inline unsigned int lb_tick_of(unsigned int word)
{
	return word >> LB_PHASE_BITS;
}

/*
 * Hand-off timing (results/README.md "handoff"): a sampled acquisition
 * asks the holders to time their release; the one that releases right
 * before it acquires gives the hand-off time.  Lives on the same cache
 * line as the data the lock protects, which the holder has just written:
 * the check costs a load from its own L1 and a branch.
 *
 *   want        waiting sampled acquisitions; atomic (relaxed: a hint, a
 *               missed request only loses a hand-off sample, see below)
 *   release_ts  under the lock: cycle count taken by the last holder that
 *               saw want != 0, just before its unlock
 *   release_seq under the lock: the protected counter's value then
 *
 * An acquirer holds the lock when it reads release_*, so they were written
 * by an earlier holder and published by the lock's own release/acquire.
 * release_seq == counter proves no critical section ran between that
 * release and this acquisition (every section increments the counter), so
 * the release was the immediately preceding one; release_ts > t0 proves
 * this thread was already waiting when it happened: a hand-off.
 */
struct lb_handoff {
	uint64_t release_ts;
	uint64_t release_seq;
	uint32_t want;
};

/* The holder's side, inside the critical section, after the increment. */
static inline void lb_handoff_release(struct lb_handoff *ho,
				      const uint64_t *counter)
{
	if (lb_unlikely(lb_load_relaxed(&ho->want))) {
		ho->release_seq = *counter;
		ho->release_ts = lb_cycles();
	}
}

/*
 * Beside each lock of a striped run (--locks, bql), on the cache line after
 * the lock's own: seq counts its critical sections (the hand-off check's
 * "no section in between", see struct lb_handoff), under that lock.
 */
struct lb_lock_rec {
	uint64_t seq;
	struct lb_handoff ho;
};

/* The record of the lock at @lock (run->lock_stride apart, see runner). */
static inline struct lb_lock_rec *lb_lock_rec(void *lock, size_t lock_size)
{
	size_t off =
		(lock_size + LB_CACHELINE - 1) / LB_CACHELINE * LB_CACHELINE;

	return (struct lb_lock_rec *)((char *)lock + off);
}

/*
 * An object of the bql workload (and of counter with --locks N): the
 * protected counter, followed by run->cs_lines cache lines of its own data;
 * objects are run->object_stride bytes apart, each on its own lines.
 */
struct lb_object {
	uint64_t counter;
};

struct lb_worker;

/* Options of the offload workload (--offload-mode, --offload-work). */
enum lb_offload_mode {
	LB_OFFLOAD_SUBMIT_CO = 0, /* lb_threadpool_submit_co() */
	LB_OFFLOAD_RUN_IN_WORKER = 1, /* lb_co_run_in_worker() */
	LB_OFFLOAD_INLINE = 2, /* a plain blocking call in the loop thread */
};

/* What --offload-mode takes, indexed by enum lb_offload_mode. */
extern const char *const lb_offload_mode_names[3];

struct lb_wl_opts {
	unsigned int offload_mode; /* enum lb_offload_mode */
	bool offload_sleep; /* the work sleeps --cs instead of spinning */
	uint64_t cs_ns; /* --cs, for work that sleeps */
};

/*
 * Figures some workloads add to a repetition (results/README.md): latency
 * percentiles of their operations and the progress of an event loop.
 */
struct lb_wl_figures {
	uint64_t lat_n; /* samples kept; 0: no latency figures */
	uint64_t lat_p50, lat_p90, lat_p99, lat_max; /* ns */
	bool has_loop; /* loop_* are valid */
	uint64_t loop_iters; /* event-loop iterations in the window */
	double loop_per_sec;
	uint64_t loop_kicks; /* contention callbacks (wake-ups of the loop) */
};

/* Shared by every worker of one repetition. */
struct lb_run {
	/* Written by the runner (release), read by workers (relaxed). */
	unsigned int phase lb_cacheline_aligned;

	/* Read-only after the start barrier. */
	const struct lb_lock_ops *ops lb_cacheline_aligned;
	void (*loop)(struct lb_worker *w); /* the measured loop */
	void *lock;
	uint64_t cs_iters; /* lb_delay iterations inside the section */
	uint64_t think_iters; /* lb_delay iterations after unlock */
	/*
	 * --think-dist exp: LB_THINK_TABLE think times drawn uniformly from
	 * this table (the exponential distribution's quantiles, mean
	 * think_iters); NULL for a fixed think time.
	 */
	const uint64_t *think_table;
	/* Test-only slowdown: lb_spin() turns added to the section. */
	uint64_t test_spin;
	/* --cs-lines: shared cache lines written in the critical section. */
	unsigned int cs_lines;
	uint64_t *lines; /* cs_lines x LB_CACHELINE bytes, under the lock */
	/*
	 * Striping (--locks, --objects, --pick): nlocks locks lock_stride
	 * bytes apart from ->locks (->lock is the first), nobjects objects
	 * object_stride bytes apart; object i is guarded by lock
	 * i % nlocks.  An operation picks its object from pick_table
	 * (LB_PICK_TABLE entries, the distribution's quantiles) or, when it
	 * is NULL, uniformly.  nobjects == 0: the single-lock loops.
	 */
	unsigned int nlocks, nobjects;
	size_t lock_stride, object_stride;
	void *locks;
	char *objects;
	const uint32_t *pick_table;
	unsigned int depth; /* --depth: nested acquisitions, recursive only */
	/*
	 * Ticks (see the protocol above): tick_ns apart, and each worker
	 * keeps nwindows window counts (ticks past the last window add to
	 * it).
	 */
	uint64_t tick_ns;
	unsigned int nwindows;
	bool handoff; /* the workload times hand-offs (workers' ->handoff) */
	/*
	 * Latency sampling (read-only after the start barrier):
	 * LB_SAMPLE_AUTO picks each worker's interval from its warm-up pace,
	 * LB_SAMPLE_OFF disables it, any other value is the interval.
	 */
	uint32_t sample_every;
	double ns_per_cycle; /* cycle counter calibration */
	unsigned int read_pct; /* rwmix: percent of operations that read */
	unsigned int nworkers; /* threads x coroutines */
	struct lb_wl_opts wl_opts; /* offload */
	void *wl; /* the workload's own state, from its setup() */

	/* Protected by the lock under test: a plain increment. */
	uint64_t counter lb_cacheline_aligned;
	/* rwmix: a second plain counter, written with ->counter (same lock). */
	uint64_t copy;
	struct lb_handoff ho; /* hand-offs of ->lock, with ->counter */
	/* Incremented atomically after unlock: the reference count. */
	uint64_t acounter lb_cacheline_aligned;
	/* rwmix: reads that saw counter != copy, added atomically at the end. */
	uint64_t torn_reads lb_cacheline_aligned;
};

/* Figures a worker snapshots at a phase change. */
struct lb_worker_snap {
	uint64_t ops;
	struct rusage ru;
	struct lb_futex_stats futex;
	int64_t migrations; /* lb_thread_migrations() */
};

/*
 * One per worker (a thread, or a coroutine in a thread's event loop),
 * written only by that worker until its thread is joined.
 */
struct lb_worker {
	struct lb_run *run;
	void *node; /* node_size bytes, LB_PAD_SIZE aligned, or NULL */
	unsigned int index;
	/*
	 * Snapshots the thread's CPU time and futex counts.  With coroutines
	 * only the thread's first worker does, so that they are not counted K
	 * times; the others snapshot their operation count only.
	 */
	bool leader;
	bool measured; /* saw LB_PHASE_MEASURE */
	/*
	 * Acquisition latency: every sample_every-th acquisition in the
	 * measured window is timed into hist (NULL: sampling is off).
	 * sample_every is 0 until the window opens.
	 */
	uint32_t sample_every;
	uint32_t measured_every; /* the interval used in the window */
	/*
	 * Auto sampling takes bursts: after each tick, burst_left samples
	 * every sample_every acquisitions, then none until the next tick
	 * (0: sampling continuously, --sample-every N).
	 */
	uint32_t burst_left;
	struct lb_hist *hist;
	struct lb_hist *handoff; /* hand-off times, when run->handoff */
	/*
	 * The throughput timeline: timeline[k] is the operation count (since
	 * the loop started) at the end of window k; written by the worker
	 * (relaxed atomic stores: the runner reads them during the window to
	 * follow the progress of --ops).  last_tick: windows recorded.
	 */
	uint64_t *timeline;
	unsigned int last_tick;
	/*
	 * Operations since the loop started, published at each tick (relaxed
	 * store; the runner adds them up to end an --ops window).
	 */
	uint64_t progress;
	uint64_t t_start; /* when the loop started, for the warm-up pace */
	struct lb_worker_snap start, end;
	uint64_t ops_total; /* including warm-up */
} lb_cacheline_aligned;

/*
 * The calling thread's migrations between CPUs so far (se.nr_migrations in
 * /proc/thread-self/sched), -1 when the kernel does not show them
 * (workloads/migrations.c).
 */
int64_t lb_thread_migrations(void);

/*
 * Called by a worker loop when it sees a new phase, with its operation
 * count so far.  Returns true when the loop must stop.
 */
bool lb_worker_phase(struct lb_worker *w, unsigned int phase, uint64_t ops);

/*
 * The check every measured loop starts an iteration with: one relaxed load
 * of the phase word; on a change, snapshot (lb_worker_phase) and reload the
 * sampling countdown.  Returns true when the loop must stop.
 */
static inline bool lb_loop_stop(struct lb_worker *w, unsigned int *seen,
				uint64_t ops, uint32_t *countdown)
{
	unsigned int phase = lb_load_relaxed(&w->run->phase);

	if (lb_likely(phase == *seen))
		return false;
	if (lb_worker_phase(w, phase, ops))
		return true;
	*seen = phase;
	*countdown = w->sample_every;
	return false;
}

#define LB_THINK_TABLE 256

/* A worker's private generator (xorshift64): no shared state. */
static inline uint64_t lb_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* This operation's think time, in delay ticks. */
static inline uint64_t lb_think_ticks(const struct lb_run *run, uint64_t *rng)
{
	if (lb_likely(!run->think_table))
		return run->think_iters;
	return run->think_table[lb_rand(rng) % LB_THINK_TABLE];
}

/* Write the critical section's shared cache lines (--cs-lines). */
static inline void lb_touch_lines(uint64_t *lines, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		lines[i * (LB_CACHELINE / sizeof(*lines))]++;
}

/*
 * Fill @table with the exponential distribution's quantiles for mean
 * @mean: entry i is -mean * ln(1 - (i + 0.5) / LB_THINK_TABLE), so a
 * uniform pick from it is an exponential draw (to 1/256 resolution) at the
 * cost of a table load instead of a logarithm.
 */
void lb_think_table_fill(uint64_t *table, uint64_t mean);

/*
 * Record one timed acquisition of @cycles (the rare path of LB_TIMED);
 * returns the countdown to the next sample (0: none until the next tick).
 */
uint32_t lb_worker_sample(struct lb_worker *w, uint64_t cycles);
/*
 * The hand-off side of a timed acquisition, under the lock: @t0 is when
 * the acquisition started, @t1 when it returned (cycles).
 */
void lb_worker_handoff(struct lb_worker *w, struct lb_handoff *ho,
		       const uint64_t *counter, uint64_t t0, uint64_t t1);

#define LB_SAMPLE_AUTO 0u
#define LB_SAMPLE_OFF UINT32_MAX

/*
 * LB_TIMED(w, countdown, acquire): run @acquire (a lock call); when the
 * loop's countdown runs out, time it with the cycle counter.  @countdown
 * is the loop's local copy of the interval, set after each phase change or
 * tick and by each sample: the common path costs a test and a branch on a
 * register, no memory access, no call — and between bursts the register
 * is 0, so not even the decrement runs.
 */
#define LB_TIMED(w, countdown, acquire)                                      \
	do {                                                                 \
		if (lb_unlikely((countdown) && --(countdown) == 0)) {        \
			uint64_t lb_t0_ = lb_cycles();                       \
			acquire;                                             \
			(countdown) =                                        \
				lb_worker_sample((w), lb_cycles() - lb_t0_); \
		} else {                                                     \
			acquire;                                             \
		}                                                            \
	} while (0)

/*
 * LB_TIMED_HANDOFF(w, countdown, acquire, ho, counter): LB_TIMED that also
 * asks for the hand-off time (struct lb_handoff) of the sampled
 * acquisition.  The critical section must call lb_handoff_release(ho,
 * counter) after incrementing *counter and before the unlock.
 */
#define LB_TIMED_HANDOFF(w, countdown, acquire, ho, counter)                  \
	do {                                                                  \
		if (lb_unlikely((countdown) && --(countdown) == 0)) {         \
			uint64_t lb_t0_, lb_t1_;                              \
			lb_fetch_add_relaxed(&(ho)->want, 1);                 \
			lb_t0_ = lb_cycles();                                 \
			acquire;                                              \
			lb_t1_ = lb_cycles();                                 \
			lb_fetch_add_relaxed(&(ho)->want, (uint32_t)-1);      \
			lb_worker_handoff((w), (ho), (counter), lb_t0_,       \
					  lb_t1_);                            \
			(countdown) = lb_worker_sample((w), lb_t1_ - lb_t0_); \
		} else {                                                      \
			acquire;                                              \
		}                                                             \
	} while (0)

/*
 * The operations of a plugin (--lock-lib, locks/plugin.c) as locals of
 * the loops generated for plugins: loaded once per repetition (run->ops
 * is read-only after the start barrier), so each operation costs one
 * indirect call where a built-in method's is inlined.
 */
#define LB_PLUGIN_OPS(run)                             \
	void (*const lb_plug_lock)(void *, void *)     \
		lb_unused = (run)->ops->lock;          \
	void (*const lb_plug_unlock)(void *, void *)   \
		lb_unused = (run)->ops->unlock;        \
	void (*const lb_plug_rdlock)(void *, void *)   \
		lb_unused = (run)->ops->rdlock;        \
	void (*const lb_plug_rdunlock)(void *, void *) \
		lb_unused = (run)->ops->rdunlock;

#define LB_PICK_TABLE 4096

/* The object an operation works on (striping, bql). */
static inline unsigned int lb_pick(const struct lb_run *run, uint64_t *rng)
{
	uint64_t r = lb_rand(rng);

	if (run->pick_table)
		return run->pick_table[r % LB_PICK_TABLE];
	/* [0, nobjects) by a multiply, not a division (Lemire's reduction). */
	return (unsigned int)(((r >> 32) * run->nobjects) >> 32);
}

/*
 * The lock that guards object @o of @nobjects: o mod @nlocks, without a
 * division in the two layouts bql compares (one big lock, a lock per
 * object).  The arguments are the loop's constants (locals: a store
 * through an object pointer could alias run's fields), so the branches
 * predict perfectly.
 */
static inline unsigned int lb_lock_of(unsigned int nlocks,
				      unsigned int nobjects, unsigned int o)
{
	if (nlocks == 1)
		return 0;
	if (nlocks == nobjects)
		return o;
	return o % nlocks;
}

/*
 * Fill @table with the Zipf distribution's quantiles over @n objects with
 * exponent @s (object k has weight 1 / (k + 1)^s): a uniform pick from it
 * is a Zipf draw to 1/LB_PICK_TABLE resolution.
 */
void lb_pick_table_fill(uint32_t *table, unsigned int n, double s);

struct lb_workload {
	const char *name;
	const char *summary;
	/* The measured loop for lb_locks[lock_index], NULL if it has none. */
	void (*(*loop_for)(unsigned int lock_index))(struct lb_worker *w);
	/*
	 * The loop for runs with objects (--locks N > 1, bql) or nesting
	 * (--depth > 1); NULL if the workload or method has none.
	 */
	void (*(*general_loop_for)(unsigned int lock_index))(
		struct lb_worker *w);
	/*
	 * What a method must offer to have a loop, for the error message when
	 * it lacks it ("reader/writer mode"); NULL if every method has one.
	 */
	const char *needs;
	bool uses_read_pct; /* honours --read-pct (run->read_pct) */
	bool uses_offload_opts; /* honours --offload-mode/--offload-work */
	bool uses_locks; /* honours --locks, --pick (striping) */
	bool uses_objects; /* honours --objects (bql) */
	bool uses_depth; /* honours --depth (recursive methods) */
	bool times_handoff; /* its loops time hand-offs */
	/*
	 * Optional, around each repetition: setup() after the lock is
	 * initialised and before the workers start (0, or -1 with a message);
	 * teardown() after they are joined, before the lock is destroyed and
	 * the event contexts freed; it fills the extra figures.
	 */
	int (*setup)(struct lb_run *run, char *err, size_t errlen);
	void (*teardown)(struct lb_run *run, struct lb_wl_figures *fig);
};

extern const struct lb_workload *const lb_workloads[];
extern const unsigned int lb_nworkloads;
const struct lb_workload *lb_workload_find(const char *name);

extern const struct lb_workload lb_workload_counter;
extern const struct lb_workload lb_workload_rwmix;
extern const struct lb_workload lb_workload_acquire;
extern const struct lb_workload lb_workload_offload;
extern const struct lb_workload lb_workload_bql;

#endif /* LB_WORKLOADS_WORKLOAD_H */
