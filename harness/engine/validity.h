/* SPDX-License-Identifier: MIT */
/*
 * validity.h - the validity gate: is a repetition a measurement of the lock,
 * or of the machine it shared?
 *
 * Every repetition that ran and passed its checks is judged against what
 * was measured while it ran (struct lb_rep_result): the wall time of the
 * window against the duration asked, the workers' CPU time against what
 * the thread count and the method imply, the CPU that other processes used
 * (from /proc/stat), the involuntary context switches of the workers and
 * the migrations of pinned threads.  A repetition that fails is kept in the
 * result file, marked invalid with one line per failed criterion, left out
 * of the summary and run again (--retries N).
 *
 * The criteria, and the named thresholds (`--gate KEY=VAL,...`):
 *
 *   wall        the window may overshoot the duration asked by this
 *               fraction (0.10).  The window is a sleep of the runner's
 *               main thread: past 10% the runner itself did not get a CPU
 *               in time.  Not applied when the run is not time-bound
 *               (duration 0: an operation count).
 *   cpu_high    the workers' CPU time may exceed threads x wall by this
 *               fraction (0.10) plus LB_GATE_CPU_SLACK_S per thread (their
 *               snapshots are taken when each sees the phase change, not
 *               exactly at the window's edges).  Always applied: more is
 *               an accounting error.
 *   cpu_low     for methods whose waiters spin (LB_SPINS without
 *               LB_SLEEPS) and runs that are not oversubscribed, every
 *               worker thread is busy all the time: CPU/wall must be at
 *               least this fraction (0.80) of the thread count.  So must
 *               a single worker thread of any method that does not
 *               delegate, in a workload without threads of its own: it has
 *               nobody to wait for.  Less means that the threads waited
 *               for a CPU (other processes, the hypervisor's steal, a
 *               stopped process).  Applied to --ops runs too: their
 *               workers stop together.
 *   other_cpu   other processes may use the PUs the run leaves free
 *               (online PUs minus the PUs its threads run on) plus this
 *               many CPUs (0.25), plus two /proc/stat ticks over the
 *               window (LB_GATE_TICK_SLACK_S: its counts are in 10 ms
 *               ticks).  More and they took CPU time the threads needed.
 *   ivcsw       involuntary context switches per worker thread per second
 *               of window (LB_GATE_IVCSW: 100), plus LB_GATE_IVCSW_SLACK
 *               per thread over the window.  A thread alone on its PU
 *               is preempted only by kernel threads and interrupts, a few
 *               times a second; a competing task makes the scheduler
 *               switch every few milliseconds (hundreds per second).  Not
 *               applied when oversubscribed (switching is the point) or
 *               when the workload runs threads of its own beside the
 *               workers (acquire's event loop, offload's pool), which
 *               preempt them by design.
 *   migrations  migrations of pinned worker threads in the window (0): a
 *               pinned thread moves only if somebody changed its affinity
 *               or took its CPU offline.  From se.nr_migrations in
 *               /proc/thread-self/sched; not applied when the kernel does
 *               not show it (CONFIG_SCHED_DEBUG) or threads are not pinned.
 *
 * Every threshold takes `off` (the criterion is not applied); `--no-gate`
 * turns the gate off (every repetition is valid, as before the gate).
 *
 * Thresholds are chosen to hold on a 2-vCPU virtual machine shared with
 * builds as on a 1024-thread NUMA host: nothing scales with the machine's
 * size except through the thread count and the free PUs.
 */
#ifndef LB_HARNESS_VALIDITY_H
#define LB_HARNESS_VALIDITY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/config/gate.h"
#include "harness/engine/runner.h"

/*
 * Fixed allowances: snapshot skew per thread, /proc/stat tick rounding,
 * switches per thread at the window's edges (the runner's own thread
 * waking to open and close it).
 */
#define LB_GATE_CPU_SLACK_S 0.002
#define LB_GATE_TICK_SLACK_S 0.02
#define LB_GATE_IVCSW_SLACK 2.0

/* What the judge needs to know about the run besides its figures. */
struct lb_gate_run {
	unsigned int nthreads; /* worker threads */
	unsigned int pus_used; /* distinct PUs they run on */
	unsigned int online_pus; /* what /proc/stat covers */
	bool oversubscribed;
	bool pinned; /* every worker thread bound to one PU */
	bool spins; /* LB_SPINS without LB_SLEEPS */
	/* One worker thread, no helper, no delegation: nothing to wait for. */
	bool never_waits;
	bool helpers; /* the workload runs threads beside the workers */
	uint64_t duration_ns; /* asked; 0 = not time-bound */
};

#define LB_VERDICT_MAX 6
#define LB_VERDICT_LEN 128

/* Valid when n == 0; otherwise one short line per failed criterion. */
struct lb_verdict {
	unsigned int n;
	char reason[LB_VERDICT_MAX][LB_VERDICT_LEN];
};

/*
 * lb_gate_judge - judge one repetition that ran and passed its checks.
 * Pure: reads only its arguments.  Returns true when valid (@v->n == 0).
 */
bool lb_gate_judge(const struct lb_gate *g, const struct lb_gate_run *run,
		   const struct lb_rep_result *res, struct lb_verdict *v);

/*
 * Per-record helpers for the engine and the report (struct lb_run_record
 * in harness/report.h; records without verdicts have every repetition
 * valid).
 */
struct lb_run_record;
/* Repetition @i passed the gate (or was not judged). */
bool lb_record_rep_valid(const struct lb_run_record *rec, unsigned int i);
unsigned int lb_record_nvalid(const struct lb_run_record *rec);
/*
 * Repetition @i goes into the summary: valid ones, or every one when none
 * is valid (the run is then flagged "valid": false, never silently).
 */
bool lb_record_rep_counts(const struct lb_run_record *rec, unsigned int i);
/* Add "valid" and, when invalid, "invalid": [reasons] to @rep. */
void lb_record_rep_json(const struct lb_run_record *rec, unsigned int i,
			json_t *rep);
/* Add "valid", "valid_reps" and "invalid_reps" to @run. */
void lb_record_run_json(const struct lb_run_record *rec, json_t *run);
/*
 * "2/5 valid " when the run has fewer valid repetitions than it asked, ""
 * otherwise; in @buf.
 */
const char *lb_record_valid_state(const struct lb_run_record *rec, char *buf,
				  size_t len);

/*
 * The judge's view of @rec's configuration: from its placement, method and
 * workload, with @online_pus the CPUs /proc/stat covers.
 */
void lb_record_gate_run(const struct lb_run_record *rec,
			unsigned int online_pus, struct lb_gate_run *run);

#endif /* LB_HARNESS_VALIDITY_H */
