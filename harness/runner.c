/* SPDX-License-Identifier: MIT */
/*
 * runner.c - one repetition: start the workers on a gate, drive the phases,
 * stop, join, and turn the workers' snapshots into figures.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness/hist.h"
#include "harness/options.h"
#include "harness/runner.h"
#include "harness/signals.h"
#include "harness/slowdown.h"
#include "harness/stats.h"
#include "runtime/atomics.h"
#include "runtime/clock.h"
#include "runtime/evloop.h"
#include "runtime/futex.h"

#define WORKER_STACK (256 * 1024)

enum { GATE_WAIT = 0, GATE_GO = 1, GATE_ABORT = 2 };

struct rep_ctx {
	const struct lb_rep_cfg *cfg;
	struct lb_run *run;
	/* Start gate: workers count themselves ready, then wait for GO. */
	unsigned int ready;
	uint32_t gate;
	unsigned int pin_failures;
	char pin_error[256]; /* first failure, written under the CAS win */
};

/* One per worker thread. */
struct worker_slot {
	struct rep_ctx *ctx;
	unsigned int index; /* thread index, placement[index] */
	struct lb_worker *workers; /* max(coroutines, 1) of them */
	struct lb_evctx *ev; /* coroutine mode; freed after join */
	pthread_t thread;
	bool started;
};

static void worker_pin(struct worker_slot *s)
{
	struct rep_ctx *ctx = s->ctx;
	char err[256];

	if (!lb_pin_self(ctx->cfg->topo, &ctx->cfg->placement[s->index], err,
			 sizeof(err)))
		return;
	/* The first failure names itself; others only count. */
	if (lb_fetch_add_relaxed(&ctx->pin_failures, 1) == 0)
		snprintf(ctx->pin_error, sizeof(ctx->pin_error), "%s", err);
}

static void coroutine_entry(void *arg)
{
	struct lb_worker *w = arg;

	w->t_start = lb_now_ns();
	w->run->loop(w);
}

/*
 * Run the thread's workers as coroutines on its own event context until all
 * have seen LB_PHASE_STOP.  The context outlives the thread (the runner
 * frees it after every thread is joined), because another thread may still
 * be inside lb_co_wake() for one of our coroutines when they finish.
 */
static void run_coroutines(struct worker_slot *s, unsigned int k)
{
	void **args = lb_xzalloc(k * sizeof(*args));
	unsigned int i;

	for (i = 0; i < k; i++)
		args[i] = &s->workers[i];
	lb_evctx_run_coroutines(s->ev, coroutine_entry, args, k);
	free(args);
}

static void *worker_main(void *arg)
{
	struct worker_slot *s = arg;
	struct rep_ctx *ctx = s->ctx;
	uint32_t gate;

	worker_pin(s);
	/* Release: our pin result is visible to the runner's acquire. */
	lb_fetch_add_release(&ctx->ready, 1);
	while ((gate = lb_load_acquire(&ctx->gate)) == GATE_WAIT)
		lb_futex_wait(&ctx->gate, GATE_WAIT, NULL);
	if (gate != GATE_GO)
		return NULL;
	if (ctx->cfg->coroutines)
		run_coroutines(s, ctx->cfg->coroutines);
	else
		coroutine_entry(&s->workers[0]);
	return NULL;
}

static int start_workers(struct rep_ctx *ctx, struct worker_slot *slots,
			 unsigned int n, char *err, size_t errlen)
{
	pthread_attr_t attr;
	sigset_t block, saved;
	unsigned int i;
	int rc = 0;

	lb_check_pthread(pthread_attr_init(&attr));
	lb_check_pthread(pthread_attr_setstacksize(&attr, WORKER_STACK));
	/*
	 * Workers inherit a mask that blocks SIGINT and SIGTERM, so that the
	 * runner's thread takes them and its sleep is cut short.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &saved);
	for (i = 0; i < n; i++) {
		int e = pthread_create(&slots[i].thread, &attr, worker_main,
				       &slots[i]);

		if (e) {
			snprintf(err, errlen,
				 "cannot create worker thread %u of %u: %s",
				 i + 1, n, strerror(e));
			rc = -1;
			break;
		}
		slots[i].started = true;
	}
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	/* Wait for every started worker to be pinned and at the gate. */
	while (lb_load_acquire(&ctx->ready) < i)
		lb_sleep_ns(100000);
	if (!rc && ctx->pin_failures) {
		snprintf(err, errlen, "%s", ctx->pin_error);
		rc = -1;
	}
	lb_store_release(&ctx->gate, rc ? GATE_ABORT : GATE_GO);
	lb_futex_wake(&ctx->gate, (int)n);
	return rc;
}

/* Join every started worker; false if some did not stop in time. */
static bool join_workers(struct worker_slot *slots, unsigned int n,
			 uint64_t timeout_ns, unsigned int *stuck)
{
	struct timespec deadline;
	unsigned int i;

	clock_gettime(CLOCK_REALTIME, &deadline);
	timeout_ns += (uint64_t)deadline.tv_nsec;
	deadline.tv_sec += (time_t)(timeout_ns / 1000000000ull);
	deadline.tv_nsec = (long)(timeout_ns % 1000000000ull);
	*stuck = 0;
	for (i = 0; i < n; i++) {
		if (!slots[i].started)
			continue;
		if (pthread_timedjoin_np(slots[i].thread, NULL, &deadline))
			(*stuck)++;
	}
	return *stuck == 0;
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void collect(const struct lb_rep_cfg *cfg, struct rep_ctx *ctx,
		    struct lb_worker *workers, struct lb_rep_result *res)
{
	unsigned int i, n = lb_rep_workers(cfg);
	uint64_t lo = UINT64_MAX, hi = 0;

	res->thread_ops = lb_xzalloc(n * sizeof(*res->thread_ops));
	res->nthreads = n;
	for (i = 0; i < n; i++) {
		/* Non-leader coroutines snapshot only their count. */
		const struct lb_worker_snap *a = &workers[i].start;
		const struct lb_worker_snap *b = &workers[i].end;
		uint64_t ops = b->ops - a->ops;

		res->thread_ops[i] = ops;
		res->ops += ops;
		lo = ops < lo ? ops : lo;
		hi = ops > hi ? ops : hi;
		res->cpu_user_s += tv_s(b->ru.ru_utime) - tv_s(a->ru.ru_utime);
		res->cpu_sys_s += tv_s(b->ru.ru_stime) - tv_s(a->ru.ru_stime);
		res->vcsw += (uint64_t)(b->ru.ru_nvcsw - a->ru.ru_nvcsw);
		res->ivcsw += (uint64_t)(b->ru.ru_nivcsw - a->ru.ru_nivcsw);
		res->futex_waits += b->futex.waits - a->futex.waits;
		res->futex_wakes += b->futex.wakes - a->futex.wakes;
	}
	res->ops_per_sec = (double)res->ops * 1e9 / (double)res->elapsed_ns;
	res->jain = lb_jain(res->thread_ops, n);
	res->min_share = res->ops ? (double)lo * n / (double)res->ops : NAN;
	res->max_share = res->ops ? (double)hi * n / (double)res->ops : NAN;
	res->counter = ctx->run->counter;
	res->acounter = ctx->run->acounter;
	res->torn_reads = ctx->run->torn_reads;
	/*
	 * No operation in the window is a figure (throughput 0: a fair
	 * spinlock whose next owner was preempted for the whole window), not
	 * a broken lock; only the counters judge correctness.
	 */
	res->ok = res->counter == res->acounter && !res->torn_reads;
	if (res->counter != res->acounter)
		snprintf(res->failure, sizeof(res->failure),
			 "mutual exclusion broken: protected counter %llu, "
			 "atomic counter %llu (%lld lost updates)",
			 (unsigned long long)res->counter,
			 (unsigned long long)res->acounter,
			 (long long)(res->acounter - res->counter));
	else if (res->torn_reads)
		snprintf(res->failure, sizeof(res->failure),
			 "reader/writer exclusion broken: %llu reads saw a "
			 "writer inside (counter != copy)",
			 (unsigned long long)res->torn_reads);
}

/* Warm-up, measure, stop; returns the measured window. */
static uint64_t drive_phases(const struct lb_rep_cfg *cfg, struct lb_run *run,
			     struct lb_rep_result *res)
{
	struct lb_machine_sample m0, m1;
	uint64_t t0, t1;

	if (cfg->warmup_ns && !lb_sleep_interruptible(cfg->warmup_ns)) {
		lb_store_release(&run->phase, LB_PHASE_STOP);
		return 0;
	}
	lb_machine_sample(&m0);
	t0 = lb_now_ns();
	lb_store_release(&run->phase, LB_PHASE_MEASURE);
	lb_sleep_interruptible(cfg->duration_ns);
	lb_store_release(&run->phase, LB_PHASE_STOP);
	t1 = lb_now_ns();
	lb_machine_sample(&m1);
	lb_machine_state(&m0, &m1, &res->machine);
	return t1 - t0;
}

static struct lb_run *run_new(const struct lb_rep_cfg *cfg)
{
	struct lb_run *run = lb_xaligned_zalloc(LB_PAD_SIZE, sizeof(*run));

	run->ops = cfg->ops;
	run->loop = cfg->workload->loop_for(cfg->lock_index);
	lb_bug_on(!run->loop);
	run->lock = lb_xaligned_zalloc(LB_PAD_SIZE, cfg->ops->lock_size);
	run->cs_iters = cfg->cs_iters;
	run->sample_every = cfg->sample_every;
	run->ns_per_cycle = cfg->ns_per_cycle > 0 ? cfg->ns_per_cycle : 1.0;
	run->sample_cost_ns = cfg->sample_cost_ns;
	run->think_iters = cfg->think_iters;
	run->read_pct = cfg->read_pct;
	run->nworkers = lb_rep_workers(cfg);
	run->wl_opts = cfg->wl_opts;
	run->cs_lines = cfg->cs_lines;
	if (cfg->cs_lines)
		run->lines = lb_xaligned_zalloc(LB_PAD_SIZE,
						cfg->cs_lines * LB_CACHELINE);
	if (cfg->think_exp && cfg->think_iters) {
		uint64_t *t = lb_xzalloc(LB_THINK_TABLE * sizeof(*t));

		lb_think_table_fill(t, cfg->think_iters);
		run->think_table = t;
	}
	return run;
}

static void run_free(struct lb_run *run)
{
	free(run->lines);
	free((void *)run->think_table);
	free(run->lock);
	free(run);
}

static struct lb_worker *workers_new(const struct lb_rep_cfg *cfg,
				     struct lb_run *run)
{
	unsigned int i, n = lb_rep_workers(cfg);
	unsigned int k = cfg->coroutines ? cfg->coroutines : 1;
	struct lb_worker *w = lb_xaligned_zalloc(LB_PAD_SIZE, n * sizeof(*w));

	for (i = 0; i < n; i++) {
		w[i].run = run;
		w[i].index = i;
		w[i].leader = i % k == 0;
		if (cfg->sample_every != LB_SAMPLE_OFF)
			w[i].hist = lb_xzalloc(sizeof(*w[i].hist));
		if (cfg->ops->node_size)
			w[i].node = lb_xaligned_zalloc(LB_PAD_SIZE,
						       cfg->ops->node_size);
	}
	return w;
}

static struct worker_slot *slots_new(const struct lb_rep_cfg *cfg,
				     struct rep_ctx *ctx,
				     struct lb_worker *workers)
{
	unsigned int i, k = cfg->coroutines ? cfg->coroutines : 1;
	struct worker_slot *slots;

	slots = lb_xzalloc(cfg->nthreads * sizeof(*slots));
	for (i = 0; i < cfg->nthreads; i++) {
		slots[i].ctx = ctx;
		slots[i].index = i;
		slots[i].workers = &workers[i * k];
		if (cfg->coroutines)
			slots[i].ev = lb_evctx_new();
	}
	return slots;
}

static void slots_free(const struct lb_rep_cfg *cfg, struct worker_slot *slots,
		       struct lb_worker *workers)
{
	unsigned int i;

	for (i = 0; i < lb_rep_workers(cfg); i++) {
		free(workers[i].node);
		free(workers[i].hist);
	}
	for (i = 0; i < cfg->nthreads; i++)
		if (slots[i].ev)
			lb_evctx_free(slots[i].ev);
	free(workers);
	free(slots);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Merge the workers' histograms; note the median sampling interval. */
static void collect_latency(const struct lb_rep_cfg *cfg,
			    struct lb_worker *workers,
			    struct lb_rep_result *res)
{
	unsigned int i, n = lb_rep_workers(cfg);
	uint32_t *every;

	if (cfg->sample_every == LB_SAMPLE_OFF)
		return;
	res->latency = lb_xzalloc(sizeof(*res->latency));
	every = lb_xzalloc(n * sizeof(*every));
	for (i = 0; i < n; i++) {
		lb_hist_merge(res->latency, workers[i].hist);
		every[i] = workers[i].measured_every;
	}
	qsort(every, n, sizeof(*every), cmp_u32);
	res->sample_every = every[n / 2];
	free(every);
}

int lb_run_rep(const struct lb_rep_cfg *cfg, struct lb_rep_result *res)
{
	struct rep_ctx ctx = { .cfg = cfg };
	struct worker_slot *slots;
	struct lb_worker *workers;
	unsigned int stuck;
	uint64_t extra_cs_iters;
	int e, rc = LB_REP_RAN;

	memset(res, 0, sizeof(*res));
	extra_cs_iters = lb_test_slowdown_iters(cfg); /* 0 except in tests */
	ctx.run = run_new(cfg);
	ctx.run->cs_iters += extra_cs_iters;
	e = cfg->ops->init(ctx.run->lock, &cfg->lock_cfg);
	if (e) {
		snprintf(res->failure, sizeof(res->failure),
			 "%s: init failed: %s", cfg->ops->name, strerror(-e));
		run_free(ctx.run);
		return LB_REP_SETUP;
	}
	/* The workload's own state (threads, pools) around the workers. */
	if (cfg->workload->setup &&
	    cfg->workload->setup(ctx.run, res->failure, sizeof(res->failure))) {
		cfg->ops->destroy(ctx.run->lock);
		run_free(ctx.run);
		return LB_REP_SETUP;
	}
	workers = workers_new(cfg, ctx.run);
	slots = slots_new(cfg, &ctx, workers);
	if (start_workers(&ctx, slots, cfg->nthreads, res->failure,
			  sizeof(res->failure))) {
		join_workers(slots, cfg->nthreads, UINT64_MAX / 4, &stuck);
		if (cfg->workload->teardown)
			cfg->workload->teardown(ctx.run, &res->fig);
		rc = LB_REP_SETUP;
		goto out;
	}
	res->elapsed_ns = drive_phases(cfg, ctx.run, res);
	if (!join_workers(slots, cfg->nthreads, cfg->stall_timeout_ns,
			  &stuck)) {
		char d[32];

		snprintf(res->failure, sizeof(res->failure),
			 "stalled: %u of %u workers did not stop within %s "
			 "after the run ended (deadlock or livelock?)",
			 stuck, cfg->nthreads,
			 lb_format_duration(cfg->stall_timeout_ns, d,
					    sizeof(d)));
		/* Threads still own the lock and nodes: leak them. */
		return LB_REP_STALLED;
	}
	/* Before the lock is destroyed and the event contexts freed. */
	if (cfg->workload->teardown)
		cfg->workload->teardown(ctx.run, &res->fig);
	if (lb_interrupted()) {
		/* Abandoned: its figures are not kept. */
		snprintf(res->failure, sizeof(res->failure),
			 "interrupted by signal %d", lb_interrupted());
		rc = LB_REP_INTERRUPTED;
		goto out;
	}
	collect(cfg, &ctx, workers, res);
	collect_latency(cfg, workers, res);
	cfg->ops->destroy(ctx.run->lock);
out:
	slots_free(cfg, slots, workers);
	run_free(ctx.run);
	return rc;
}

unsigned int lb_rep_workers(const struct lb_rep_cfg *cfg)
{
	return cfg->nthreads * (cfg->coroutines ? cfg->coroutines : 1);
}

double lb_sample_cost_ns(double ns_per_cycle)
{
	struct lb_hist *h = lb_xzalloc(sizeof(*h));
	uint64_t t0, t1, c0;
	unsigned int i;

	t0 = lb_now_ns();
	for (i = 0; i < 100000; i++) {
		c0 = lb_cycles();
		lb_hist_add(h, (uint64_t)((double)(lb_cycles() - c0) *
					  ns_per_cycle));
	}
	t1 = lb_now_ns();
	free(h);
	return (double)(t1 - t0) / 100000.0;
}

void lb_rep_result_free(struct lb_rep_result *res)
{
	free(res->latency);
	res->latency = NULL;
	free(res->thread_ops);
	res->thread_ops = NULL;
}
