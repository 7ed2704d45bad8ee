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
	 * Latency sampling (read-only after the start barrier):
	 * LB_SAMPLE_AUTO picks each worker's interval from its warm-up pace,
	 * LB_SAMPLE_OFF disables it, any other value is the interval.
	 */
	uint32_t sample_every;
	double ns_per_cycle; /* cycle counter calibration */
	double sample_cost_ns; /* what one sample costs, measured */
	unsigned int read_pct; /* rwmix: percent of operations that read */
	unsigned int nworkers; /* threads x coroutines */
	struct lb_wl_opts wl_opts; /* offload */
	void *wl; /* the workload's own state, from its setup() */

	/* Protected by the lock under test: a plain increment. */
	uint64_t counter lb_cacheline_aligned;
	/* rwmix: a second plain counter, written with ->counter (same lock). */
	uint64_t copy;
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
	struct lb_hist *hist;
	uint64_t t_start; /* when the loop started, for the warm-up pace */
	struct lb_worker_snap start, end;
	uint64_t ops_total; /* including warm-up */
} lb_cacheline_aligned;

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

/* Record one timed acquisition of @cycles (the rare path of LB_TIMED). */
void lb_worker_sample(struct lb_worker *w, uint64_t cycles);

#define LB_SAMPLE_AUTO 0u
#define LB_SAMPLE_OFF UINT32_MAX

/*
 * LB_TIMED(w, countdown, acquire): run @acquire (a lock call); every
 * w->sample_every-th time in the measured window, time it with the cycle
 * counter.  @countdown is the loop's local copy of the interval, reloaded
 * from w->sample_every after each phase change: the common path costs a
 * test and a branch on a register, no memory access, no call.
 */
#define LB_TIMED(w, countdown, acquire)                               \
	do {                                                          \
		if (lb_unlikely((countdown) && --(countdown) == 0)) { \
			uint64_t lb_t0_ = lb_cycles();                \
			acquire;                                      \
			lb_worker_sample((w), lb_cycles() - lb_t0_);  \
			(countdown) = (w)->sample_every;              \
		} else {                                              \
			acquire;                                      \
		}                                                     \
	} while (0)

struct lb_workload {
	const char *name;
	const char *summary;
	/* The measured loop for lb_locks[lock_index], NULL if it has none. */
	void (*(*loop_for)(unsigned int lock_index))(struct lb_worker *w);
	/*
	 * What a method must offer to have a loop, for the error message when
	 * it lacks it ("reader/writer mode"); NULL if every method has one.
	 */
	const char *needs;
	bool uses_read_pct; /* honours --read-pct (run->read_pct) */
	bool uses_offload_opts; /* honours --offload-mode/--offload-work */
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

#endif /* LB_WORKLOADS_WORKLOAD_H */
