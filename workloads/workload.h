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
#include "runtime/futex.h"

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
	struct lb_worker_snap start, end;
	uint64_t ops_total; /* including warm-up */
} lb_cacheline_aligned;

/*
 * Called by a worker loop when it sees a new phase, with its operation
 * count so far.  Returns true when the loop must stop.
 */
bool lb_worker_phase(struct lb_worker *w, unsigned int phase, uint64_t ops);

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
