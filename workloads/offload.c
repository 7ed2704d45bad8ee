/* SPDX-License-Identifier: MIT */
/*
 * offload.c - coroutines hand blocking work to a thread pool and continue.
 *
 * Each worker is a coroutine on its thread's event loop (method `tpool`,
 * which runs in coroutine mode; --coroutines K per thread).  One operation:
 * hand "blocking work" to the pool, get the completion back, then --think
 * of the coroutine's own work in the loop.  The work is --cs of busy work,
 * or with --offload-work sleep a sleep of --cs (a blocking system call).
 * --offload-mode says how:
 *   submit_co      lb_threadpool_submit_co(): completion through the
 *                  submitting context's bottom half, which resumes us
 *   run_in_worker  lb_co_run_in_worker(): the block runs on a worker with
 *                  our locals, and the worker wakes us directly
 *   inline         a plain blocking call in the event-loop thread: the
 *                  baseline every hand-off must beat to be worth it (it
 *                  blocks every other coroutine of the thread meanwhile)
 * The pool (runtime/threadpool.h, up to 64 workers, created per repetition
 * by setup()) is separate from tpool's own single-worker pool, which this
 * workload does not use.
 *
 * Figures: hand-off round trip, from just before the hand-off to the
 * coroutine running again with the result (latency_ns: p50/p90/p99/max),
 * and throughput (ops).  Check: the work increments the atomic counter on
 * the worker, the coroutine increments the plain counter... atomically too
 * (coroutines of several threads), after checking the result; equal counts
 * mean every hand-off ran once and came back once with its result.
 */
#include <string.h>

#include "runtime/atomics.h"
#include "runtime/clock.h"
#include "runtime/threadpool.h"
#include "workloads/delay.h"
#include "workloads/samples.h"
#include "workloads/workload.h"

#define OFFLOAD_POOL_MAX 64
#define OFFLOAD_RESULT 12345

const char *const lb_offload_mode_names[3] = {
	[LB_OFFLOAD_SUBMIT_CO] = "submit_co",
	[LB_OFFLOAD_RUN_IN_WORKER] = "run_in_worker",
	[LB_OFFLOAD_INLINE] = "inline",
};

struct off_state {
	struct lb_threadpool *pool;
	struct lb_samples *samples; /* per worker */
};

/* The blocking work; on a pool worker, or inline. */
static long off_work(void *arg)
{
	struct lb_run *run = arg;

	if (run->wl_opts.offload_sleep)
		lb_sleep_ns(run->wl_opts.cs_ns);
	else
		lb_delay(run->cs_iters);
	lb_fetch_add_relaxed(&run->acounter, 1);
	return OFFLOAD_RESULT;
}

/* run_in_worker: the block works on the coroutine's locals in place. */
struct off_locals {
	struct lb_run *run;
	long result;
};

static void off_block(void *arg)
{
	struct off_locals *l = arg;

	l->result = off_work(l->run);
}

static long off_handoff(struct lb_run *run, struct off_state *st)
{
	struct off_locals l = { .run = run };

	switch (run->wl_opts.offload_mode) {
	case LB_OFFLOAD_SUBMIT_CO:
		return lb_threadpool_submit_co(st->pool, off_work, run);
	case LB_OFFLOAD_RUN_IN_WORKER:
		if (lb_co_run_in_worker(st->pool, off_block, &l))
			return -1;
		return l.result;
	default:
		return off_work(run);
	}
}

static void offload_loop(struct lb_worker *w)
{
	struct lb_run *run = w->run;
	struct off_state *st = run->wl;
	struct lb_samples *s = &st->samples[w->index];
	const uint64_t think = run->think_iters;
	unsigned int seen = LB_PHASE_WARMUP;
	uint32_t countdown = 0;
	uint64_t ops = 0, t0, t1;

	while (!lb_loop_stop(w, &seen, ops, &countdown)) {
		t0 = lb_now_ns();
		if (off_handoff(run, st) == OFFLOAD_RESULT)
			lb_fetch_add_relaxed(&run->counter, 1);
		t1 = lb_now_ns();
		if (seen == LB_PHASE_MEASURE)
			lb_samples_add(s, t1 - t0);
		lb_delay(think);
		ops++;
	}
}

static void (*offload_loop_for(unsigned int lock_index))(struct lb_worker *w)
{
	return lock_index < lb_nlocks &&
			       !strcmp(lb_locks[lock_index]->name, "tpool") ?
		       offload_loop :
		       NULL;
}

static int off_setup(struct lb_run *run, char *err, size_t errlen)
{
	struct off_state *st = lb_xzalloc(sizeof(*st));
	struct lb_threadpool_cfg cfg = { .max_threads = OFFLOAD_POOL_MAX };

	st->pool = lb_threadpool_new(&cfg);
	st->samples = lb_samples_new(run->nworkers);
	run->wl = st;
	return 0;
}

static void off_teardown(struct lb_run *run, struct lb_wl_figures *fig)
{
	struct off_state *st = run->wl;

	/* The loops ended with every completion delivered. */
	lb_threadpool_free(st->pool);
	lb_samples_finish(st->samples, run->nworkers, fig);
	free(st);
	run->wl = NULL;
}

const struct lb_workload lb_workload_offload = {
	.name = "offload",
	.summary = "coroutines hand --cs of blocking work to a thread pool "
		   "(--offload-mode); hand-off round trip and throughput",
	.loop_for = offload_loop_for,
	.needs = "thread-pool hand-off",
	.uses_offload_opts = true,
	.setup = off_setup,
	.teardown = off_teardown,
};
