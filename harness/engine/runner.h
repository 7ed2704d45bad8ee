/* SPDX-License-Identifier: MIT */
/* runner.h - run one repetition of one configuration. */
#ifndef LB_HARNESS_RUNNER_H
#define LB_HARNESS_RUNNER_H

#include <stdbool.h>
#include <stdint.h>

#include "harness/config/knobs.h"
#include "harness/machine/host.h"
#include "harness/machine/topo.h"
#include "locks/lock.h"
#include "workloads/workload.h"

/*
 * One repetition: its configuration as planned (knobs: what the command
 * line or the sweep spec said), and what the engine derived from it for
 * this machine.
 */
struct lb_rep_cfg {
	struct lb_config knobs;
	unsigned int lock_index; /* of knobs.ops in lb_locks[] */
	const struct lb_topo *topo;
	const struct lb_placement *placement; /* knobs.nthreads entries */
	/* knobs.cs_ns and think_ns in lb_delay iterations */
	uint64_t cs_iters, think_iters;
	struct lb_lock_cfg lock_cfg;
	double ns_per_cycle; /* cycle counter calibration */
	/*
	 * Test-only: busy iterations added to each critical section
	 * (LOCKBENCH_TEST_SLOWDOWN, slowdown.h); 0 otherwise.  Set by the
	 * caller, so that the runner never calls the slowdown, which runs
	 * probe repetitions of its own.
	 */
	uint64_t extra_cs_iters;
};

struct lb_rep_result {
	bool ok; /* ran and every check passed */
	/*
	 * Acquisition latency in the window, all workers merged (NULL when
	 * sampling is off), and the median worker's sampling interval.
	 */
	struct lb_hist *latency;
	uint32_t sample_every;
	/* Hand-off times (NULL: the workload does not time them). */
	struct lb_hist *handoff;
	/*
	 * Throughput timeline: nwindows windows; window_end_ns[k] is when
	 * window k ended (from the start of the window), timeline[w *
	 * nwindows + k] worker w's operations in it.  NULL: none.
	 */
	unsigned int nwindows;
	uint64_t *window_end_ns;
	uint64_t *timeline;
	char failure[512]; /* why not, when !ok */
	uint64_t elapsed_ns; /* measured window, from the clock */
	uint64_t ops; /* operations in the window, all threads */
	/* Per worker (threads x coroutines), worker w on thread w / K. */
	uint64_t *thread_ops;
	unsigned int nthreads; /* entries of thread_ops: the workers */
	double ops_per_sec, jain, min_share, max_share;
	double cpu_user_s, cpu_sys_s; /* workers, in the window */
	uint64_t vcsw, ivcsw; /* context switches, in the window */
	/* Migrations of the worker threads in the window, -1 if unknown. */
	int64_t migrations;
	uint64_t futex_waits, futex_wakes;
	/* Spin phases of lock slow paths (runtime/futex.h), in the window. */
	uint64_t spins, spin_iters, spin_then_slept;
	uint64_t counter, acounter; /* whole run, warm-up included */
	uint64_t torn_reads; /* rwmix: reads that saw a writer inside */
	struct lb_machine_state machine;
	struct lb_wl_figures fig; /* the workload's extra figures, if any */
};

/*
 * What lb_run_rep() returns.  SETUP, STALLED and CRASHED mean the
 * configuration could not be measured (res->failure says why, in one line);
 * the caller records the failure and goes on with the next configuration.
 */
enum lb_rep_status {
	LB_REP_RAN = 0, /* figures valid if res->ok, else check failed */
	LB_REP_SETUP = -1, /* could not start (threads, pinning, init) */
	LB_REP_STALLED = -2, /* workers stuck: which and where in failure */
	LB_REP_INTERRUPTED = -3, /* SIGINT/SIGTERM: abandoned, not kept */
	LB_REP_CRASHED = -4, /* the worker process died (signal, exit) */
};

/*
 * lb_run_rep - run one repetition of @cfg and fill @res (released with
 * lb_rep_result_free() whatever the return value).
 *
 * Process isolation: the repetition runs in a child process forked for it,
 * which sends @res back through a pipe, so that a lock that deadlocks,
 * livelocks or crashes takes only the child with it.  The parent waits
 * with a deadline; stuck workers are named with where they are stuck
 * (LB_REP_STALLED), a child killed by a signal gives LB_REP_CRASHED with
 * the signal and the child's last stderr line, and SIGINT/SIGTERM kill the
 * child (LB_REP_INTERRUPTED).  LOCKBENCH_ISOLATE=0 in the environment runs
 * the repetition in-process instead (for debuggers); a stall then leaves
 * the stuck threads behind.
 *
 * Must be called from the main thread while the process has no other
 * thread (fork() copies only the caller; every worker thread of a
 * repetition lives and dies in its child), with lb_signals_install() done.
 */
int lb_run_rep(const struct lb_rep_cfg *cfg, struct lb_rep_result *res);
/* Workers in one repetition: threads x max(coroutines, 1). */
unsigned int lb_rep_workers(const struct lb_rep_cfg *cfg);
void lb_rep_result_free(struct lb_rep_result *res);

#endif /* LB_HARNESS_RUNNER_H */
