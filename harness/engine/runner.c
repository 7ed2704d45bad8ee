/* SPDX-License-Identifier: MIT */
/*
 * runner.c - one repetition: start the workers on a gate, drive the phases,
 * stop, join, and turn the workers' snapshots into figures; and the process
 * isolation around it (a child process per repetition, see runner.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/hist.h"
#include "harness/util/options.h"
#include "harness/engine/runner.h"
#include "harness/util/signals.h"
#include "harness/analysis/stats.h"
#include "runtime/atomics.h"
#include "runtime/clock.h"
#include "runtime/evloop.h"
#include "runtime/futex.h"

#define WORKER_STACK (256 * 1024)

enum { GATE_WAIT = 0, GATE_GO = 1, GATE_ABORT = 2 };

/*
 * What the repetition is doing, published in a page shared with the parent
 * (isolated mode only) so that a parent that has to kill a child which never
 * reported can say where it was.
 */
enum rep_stage {
	STAGE_FORKED,
	STAGE_INIT,
	STAGE_SETUP,
	STAGE_START,
	STAGE_WARMUP,
	STAGE_MEASURE,
	STAGE_JOIN,
	STAGE_TEARDOWN,
	STAGE_REPORT,
};

static const char *const stage_names[] = {
	[STAGE_FORKED] = "starting",
	[STAGE_INIT] = "initialising the lock",
	[STAGE_SETUP] = "setting up the workload",
	[STAGE_START] = "starting the worker threads",
	[STAGE_WARMUP] = "in the warm-up",
	[STAGE_MEASURE] = "in the measured window",
	[STAGE_JOIN] = "stopping the worker threads",
	[STAGE_TEARDOWN] = "tearing down the workload",
	[STAGE_REPORT] = "sending its result",
};

struct iso_shared {
	uint32_t stage; /* enum rep_stage; written by the child's main thread */
};

/* In the child of an isolated repetition; NULL in-process. */
static struct iso_shared *iso_shared;

static void set_stage(enum rep_stage stage)
{
	if (iso_shared)
		lb_store_relaxed(&iso_shared->stage, (uint32_t)stage);
}

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
	pid_t tid; /* kernel thread id, set before the thread is ready */
	bool started;
	bool joined;
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

	s->tid = (pid_t)syscall(SYS_gettid);
	worker_pin(s);
	/* Release: our pin result and tid are visible to the runner. */
	lb_fetch_add_release(&ctx->ready, 1);
	while ((gate = lb_load_acquire(&ctx->gate)) == GATE_WAIT)
		lb_futex_wait(&ctx->gate, GATE_WAIT, NULL);
	if (gate != GATE_GO)
		return NULL;
	if (ctx->cfg->knobs.coroutines)
		run_coroutines(s, ctx->cfg->knobs.coroutines);
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
				 "cannot create worker thread %u of %u: %s%s",
				 i + 1, n, strerror(e),
				 e == EAGAIN ? " (process limit RLIMIT_NPROC, "
					       "or no memory for its stack)" :
					       "");
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
		else
			slots[i].joined = true;
	}
	return *stuck == 0;
}

static const struct {
	long nr;
	const char *name;
} syscall_names[] = {
	{ SYS_futex, "futex" },
#ifdef SYS_nanosleep
	{ SYS_nanosleep, "nanosleep" },
#endif
	{ SYS_clock_nanosleep, "clock_nanosleep" },
	{ SYS_ppoll, "ppoll" },
#ifdef SYS_poll
	{ SYS_poll, "poll" },
#endif
	{ SYS_epoll_pwait, "epoll_pwait" },
#ifdef SYS_epoll_wait
	{ SYS_epoll_wait, "epoll_wait" },
#endif
	{ SYS_read, "read" },
	{ SYS_sched_yield, "sched_yield" },
};

static bool addr_in(unsigned long addr, const void *base, size_t size)
{
	return base && addr >= (unsigned long)base &&
	       addr - (unsigned long)base < size;
}

/*
 * Where a stuck worker thread is, from the kernel's view of it
 * (/proc/self/task/TID/syscall: "running", "-1 sp pc" for a thread in user
 * space, or the system call's number and arguments).  A futex wait on the
 * lock's memory or on the thread's queue node is a wait in lock().
 */
static void thread_where(const struct rep_ctx *ctx, const struct worker_slot *s,
			 char *buf, size_t len)
{
	const struct lb_lock_ops *ops = ctx->cfg->knobs.ops;
	unsigned int i,
		k = ctx->cfg->knobs.coroutines ? ctx->cfg->knobs.coroutines : 1;
	char path[64], line[256];
	unsigned long addr = 0;
	long nr = -2;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)s->tid);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(line, sizeof(line), f))
			nr = -2;
		else if (!strncmp(line, "running", 7))
			nr = -1;
		else if (sscanf(line, "%ld %lx", &nr, &addr) < 1)
			nr = -2;
		fclose(f);
	}
	if (nr == -2) {
		snprintf(buf, len, "stuck (where is unknown)");
		return;
	}
	if (nr == -1) {
		snprintf(buf, len, "running in user space (spinning?)");
		return;
	}
	if (nr == SYS_futex) {
		if (addr_in(addr, ctx->run->lock, ops->lock_size)) {
			snprintf(buf, len,
				 "stuck in lock() (futex wait on the lock "
				 "word)");
			return;
		}
		for (i = 0; i < k; i++) {
			if (addr_in(addr, s->workers[i].node, ops->node_size)) {
				snprintf(buf, len,
					 "stuck in lock() (futex wait on its "
					 "queue node)");
				return;
			}
		}
		snprintf(buf, len, "stuck in a futex wait (not on the lock)");
		return;
	}
	for (i = 0; i < LB_ARRAY_SIZE(syscall_names); i++) {
		if (syscall_names[i].nr == nr) {
			snprintf(buf, len, "stuck in %s()",
				 syscall_names[i].name);
			return;
		}
	}
	snprintf(buf, len, "stuck in system call %ld", nr);
}

/* One stuck thread: where, and how far it had come. */
static void stuck_desc(const struct rep_ctx *ctx, const struct worker_slot *s,
		       char *buf, size_t len)
{
	const struct lb_worker *w = &s->workers[0];
	char where[96];

	thread_where(ctx, s, where, sizeof(where));
	/* The thread is stuck: these were written long ago, if ever. */
	if (lb_load_relaxed(&w->measured))
		snprintf(buf, len,
			 "%s in the measured window (after more than %llu "
			 "operations)",
			 where,
			 (unsigned long long)lb_load_relaxed(&w->start.ops));
	else
		snprintf(buf, len, "%s in the warm-up", where);
}

/*
 * The failure line of a stall: which worker threads are stuck and where,
 * consecutive threads stuck in the same place in one item.
 */
static void describe_stall(const struct rep_ctx *ctx,
			   const struct worker_slot *slots, unsigned int n,
			   unsigned int stuck, char *buf, size_t len)
{
	const struct lb_rep_cfg *cfg = ctx->cfg;
	char d[32], cur[160], next[160];
	unsigned int i, j;
	size_t used;

	used = (size_t)snprintf(
		buf, len,
		"stalled: %u of %u worker threads did not stop within %s after "
		"the run ended (deadlock or livelock?):",
		stuck, n,
		lb_format_duration(cfg->knobs.stall_ns, d, sizeof(d)));
	for (i = 0; i < n && used < len; i = j) {
		j = i + 1;
		if (!slots[i].started || slots[i].joined)
			continue;
		stuck_desc(ctx, &slots[i], cur, sizeof(cur));
		for (; j < n && slots[j].started && !slots[j].joined; j++) {
			stuck_desc(ctx, &slots[j], next, sizeof(next));
			if (strcmp(cur, next))
				break;
		}
		if (j == i + 1)
			used += (size_t)snprintf(buf + used, len - used,
						 " thread %u %s;", i, cur);
		else
			used += (size_t)snprintf(buf + used, len - used,
						 " threads %u-%u %s;", i, j - 1,
						 cur);
	}
	if (used < len && cfg->knobs.workload == &lb_workload_counter) {
		unsigned long long ops = lb_load_relaxed(&ctx->run->acounter);

		snprintf(buf + used, len - used,
			 " %llu operation%s completed in all", ops,
			 ops == 1 ? "" : "s");
	} else if (used < len && buf[used - 1] == ';')
		buf[used - 1] = '\0';
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* The protected counters: the run's, or the sum over the objects. */
static uint64_t protected_count(const struct lb_run *run)
{
	uint64_t sum = run->counter;
	unsigned int i;

	for (i = 0; i < run->nobjects; i++)
		sum += ((const struct lb_object *)(run->objects +
						   i * run->object_stride))
			       ->counter;
	return sum;
}

/*
 * Per-window operation counts from the workers' cumulative timelines
 * (res->window_end_ns was filled by drive_phases()).
 */
static void collect_timeline(const struct lb_worker *workers, unsigned int n,
			     struct lb_rep_result *res)
{
	unsigned int i, k, nw = res->nwindows;

	if (!nw || !workers[0].timeline) {
		free(res->window_end_ns);
		res->window_end_ns = NULL;
		res->nwindows = 0;
		return;
	}
	res->timeline = lb_xzalloc((size_t)n * nw * sizeof(*res->timeline));
	for (i = 0; i < n; i++) {
		uint64_t prev = workers[i].start.ops;

		for (k = 0; k < nw; k++) {
			/* The last window: to the worker's stop. */
			uint64_t c = k + 1 < nw ? workers[i].timeline[k] :
						  workers[i].end.ops;

			c = c < prev ? prev : c;
			res->timeline[(size_t)i * nw + k] = c - prev;
			prev = c;
		}
	}
}

static void collect(const struct lb_rep_cfg *cfg, struct rep_ctx *ctx,
		    struct lb_worker *workers, struct lb_rep_result *res)
{
	unsigned int i, n = lb_rep_workers(cfg);
	uint64_t lo = UINT64_MAX, hi = 0;

	res->thread_ops = lb_xzalloc(n * sizeof(*res->thread_ops));
	res->nthreads = n;
	res->migrations = 0;
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
		/* Leaders only (one per thread); -1 once one is unknown. */
		if (workers[i].leader && res->migrations >= 0)
			res->migrations =
				a->migrations < 0 || b->migrations < 0 ?
					-1 :
					res->migrations + b->migrations -
						a->migrations;
		res->futex_waits += b->futex.waits - a->futex.waits;
		res->futex_wakes += b->futex.wakes - a->futex.wakes;
		res->spins += b->futex.spins - a->futex.spins;
		res->spin_iters += b->futex.spin_iters - a->futex.spin_iters;
		res->spin_then_slept +=
			b->futex.spin_then_slept - a->futex.spin_then_slept;
	}
	collect_timeline(workers, n, res);
	res->ops_per_sec = (double)res->ops * 1e9 / (double)res->elapsed_ns;
	res->jain = lb_jain(res->thread_ops, n);
	res->min_share = res->ops ? (double)lo * n / (double)res->ops : NAN;
	res->max_share = res->ops ? (double)hi * n / (double)res->ops : NAN;
	res->counter = protected_count(ctx->run);
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

/* Sleep until @deadline (CLOCK_MONOTONIC ns); false on a stop signal. */
static bool sleep_until(uint64_t deadline)
{
	uint64_t now = lb_now_ns();

	return deadline <= now ? !lb_interrupted() :
				 lb_sleep_interruptible(deadline - now);
}

/* Operations in the window so far, as of the workers' last ticks. */
static uint64_t window_progress(const struct lb_worker *workers, unsigned int n)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		sum += lb_load_relaxed(&workers[i].progress);
	return sum;
}

/*
 * --ops: when, from the pace so far, the target will be reached (0: not
 * before @next).  Called just after a tick was published: the workers'
 * counts are those they published at the tick before (@t_ref), so the
 * prediction starts from there.  Overshoot is bounded by what the workers
 * do in about a tick after the prediction is possible (two ticks in).
 */
static uint64_t ops_deadline(const struct lb_rep_cfg *cfg,
			     const struct lb_worker *workers, uint64_t t0,
			     uint64_t t_ref, uint64_t next)
{
	uint64_t done = window_progress(workers, lb_rep_workers(cfg));
	double rate, at;

	if (!done || t_ref <= t0)
		return 0;
	if (done >= cfg->knobs.ops_target)
		return 1; /* already there: stop now */
	rate = (double)done / (double)(t_ref - t0);
	at = (double)t_ref + (double)(cfg->knobs.ops_target - done) / rate;
	return at <= (double)next ? (uint64_t)at : 0;
}

/*
 * Warm-up, measure (ticking every run->tick_ns, see workload.h), stop;
 * returns the measured window and fills res->window_end_ns.
 */
static uint64_t drive_phases(const struct lb_rep_cfg *cfg, struct lb_run *run,
			     const struct lb_worker *workers,
			     struct lb_rep_result *res)
{
	struct lb_machine_sample m0, m1;
	uint64_t t0, t1, end, t_prev, t_ref;
	unsigned int tick = 0, nw = run->nwindows;

	set_stage(STAGE_WARMUP);
	if (cfg->knobs.warmup_ns &&
	    !lb_sleep_interruptible(cfg->knobs.warmup_ns)) {
		lb_store_release(&run->phase, LB_PHASE_STOP);
		return 0;
	}
	lb_machine_sample(&m0);
	set_stage(STAGE_MEASURE);
	res->nwindows = nw;
	res->window_end_ns = lb_xzalloc(nw * sizeof(*res->window_end_ns));
	t0 = lb_now_ns();
	lb_store_release(&run->phase, LB_PHASE_MEASURE);
	end = t0 + cfg->knobs.duration_ns;
	t_prev = t_ref = t0;
	for (;;) {
		uint64_t next = t0 + (tick + 1) * run->tick_ns, stop = 0;

		if (cfg->knobs.ops_target && tick > 1)
			stop = ops_deadline(cfg, workers, t0, t_ref, next);
		if (stop || next >= end) {
			sleep_until(stop ? stop : end);
			break;
		}
		if (!sleep_until(next))
			break;
		t_ref = t_prev;
		t_prev = lb_now_ns();
		tick++;
		if (tick < nw)
			res->window_end_ns[tick - 1] = t_prev - t0;
		lb_store_release(&run->phase,
				 LB_PHASE_MEASURE | tick << LB_PHASE_BITS);
	}
	lb_store_release(&run->phase, LB_PHASE_STOP);
	t1 = lb_now_ns();
	/* The windows that had a tick, and the last one, to the stop. */
	if (tick + 1 < nw)
		res->nwindows = nw = tick + 1;
	res->window_end_ns[nw - 1] = t1 - t0;
	lb_machine_sample(&m1);
	lb_machine_state(&m0, &m1, &res->machine);
	return t1 - t0;
}

/*
 * Ticks and windows: 10 ms, widened (doubled) until a repetition has at
 * most MAX_WINDOWS windows and MAX_TIMELINE counts in all.  With --ops the
 * duration is only a limit and the stop is predicted from the ticks: the
 * tick is 1 ms (the runner's wake-ups then cost about 0.5% of a CPU on
 * this kind of VM) and windows past MAX_WINDOWS add to the last.
 */
#define TICK_NS 10000000ull
#define TICK_OPS_NS 1000000ull
#define MAX_WINDOWS 1000u
#define MAX_TIMELINE (1u << 18)

static void plan_ticks(const struct lb_rep_cfg *cfg, struct lb_run *run)
{
	uint64_t tick = cfg->knobs.ops_target ? TICK_OPS_NS : TICK_NS, n;
	unsigned int workers = lb_rep_workers(cfg);

	for (;;) {
		n = cfg->knobs.duration_ns / tick + 1;
		if (cfg->knobs.ops_target ||
		    (n <= MAX_WINDOWS && n * workers <= MAX_TIMELINE))
			break;
		tick *= 2;
	}
	if (n > MAX_WINDOWS)
		n = MAX_WINDOWS;
	while (n > 1 && n * workers > MAX_TIMELINE)
		n /= 2;
	run->tick_ns = tick;
	run->nwindows = (unsigned int)n;
}

/* Striping and bql: the locks and the objects they guard. */
static void run_objects(const struct lb_rep_cfg *cfg, struct lb_run *run)
{
	size_t lsz = cfg->knobs.ops->lock_size;

	run->nlocks = cfg->knobs.nlocks ? cfg->knobs.nlocks : 1;
	/* The lock, its struct lb_lock_rec on the next line, padded. */
	lsz = (lsz + LB_CACHELINE - 1) / LB_CACHELINE * LB_CACHELINE +
	      LB_CACHELINE;
	run->lock_stride = (lsz + LB_PAD_SIZE - 1) / LB_PAD_SIZE * LB_PAD_SIZE;
	run->locks =
		lb_xaligned_zalloc(LB_PAD_SIZE, run->nlocks * run->lock_stride);
	run->lock = run->locks;
	run->nobjects = cfg->knobs.nobjects;
	if (!run->nobjects)
		return;
	run->object_stride = (1 + (size_t)cfg->knobs.cs_lines) * LB_CACHELINE;
	run->objects = lb_xaligned_zalloc(LB_PAD_SIZE,
					  run->nobjects * run->object_stride);
	if (cfg->knobs.pick_zipf > 0) {
		uint32_t *t = lb_xzalloc(LB_PICK_TABLE * sizeof(*t));

		lb_pick_table_fill(t, run->nobjects, cfg->knobs.pick_zipf);
		run->pick_table = t;
	}
}

/* Every lock of the run (--locks); on failure the ones done are undone. */
static int locks_init(const struct lb_rep_cfg *cfg, struct lb_run *run)
{
	unsigned int i;
	int e;

	for (i = 0; i < run->nlocks; i++) {
		e = cfg->knobs.ops->init((char *)run->locks +
						 i * run->lock_stride,
					 &cfg->lock_cfg);
		if (e) {
			while (i--)
				cfg->knobs.ops->destroy((char *)run->locks +
							i * run->lock_stride);
			return e;
		}
	}
	return 0;
}

static void locks_destroy(const struct lb_rep_cfg *cfg, struct lb_run *run)
{
	unsigned int i;

	for (i = 0; i < run->nlocks; i++)
		cfg->knobs.ops->destroy((char *)run->locks +
					i * run->lock_stride);
}

static struct lb_run *run_new(const struct lb_rep_cfg *cfg)
{
	struct lb_run *run = lb_xaligned_zalloc(LB_PAD_SIZE, sizeof(*run));

	run->ops = cfg->knobs.ops;
	if (cfg->knobs.nobjects || cfg->knobs.depth > 1)
		run->loop =
			cfg->knobs.workload->general_loop_for(cfg->lock_index);
	else
		run->loop = cfg->knobs.workload->loop_for(cfg->lock_index);
	lb_bug_on(!run->loop);
	run_objects(cfg, run);
	plan_ticks(cfg, run);
	run->depth = cfg->knobs.depth ? cfg->knobs.depth : 1;
	run->handoff = cfg->knobs.workload->times_handoff &&
		       cfg->knobs.sample_every != LB_SAMPLE_OFF;
	run->cs_iters = cfg->cs_iters;
	run->sample_every = cfg->knobs.sample_every;
	run->ns_per_cycle = cfg->ns_per_cycle > 0 ? cfg->ns_per_cycle : 1.0;
	run->think_iters = cfg->think_iters;
	run->read_pct = cfg->knobs.read_pct;
	run->nworkers = lb_rep_workers(cfg);
	run->wl_opts = cfg->knobs.wl_opts;
	run->cs_lines = cfg->knobs.cs_lines;
	if (cfg->knobs.cs_lines)
		run->lines = lb_xaligned_zalloc(
			LB_PAD_SIZE, cfg->knobs.cs_lines * LB_CACHELINE);
	if (cfg->knobs.think_exp && cfg->think_iters) {
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
	free(run->locks);
	free(run->objects);
	free((void *)run->pick_table);
	free(run);
}

static struct lb_worker *workers_new(const struct lb_rep_cfg *cfg,
				     struct lb_run *run)
{
	unsigned int i, n = lb_rep_workers(cfg);
	unsigned int k = cfg->knobs.coroutines ? cfg->knobs.coroutines : 1;
	struct lb_worker *w = lb_xaligned_zalloc(LB_PAD_SIZE, n * sizeof(*w));

	for (i = 0; i < n; i++) {
		w[i].run = run;
		w[i].index = i;
		w[i].leader = i % k == 0;
		if (cfg->knobs.sample_every != LB_SAMPLE_OFF)
			w[i].hist = lb_xzalloc(sizeof(*w[i].hist));
		if (run->handoff)
			w[i].handoff = lb_xzalloc(sizeof(*w[i].handoff));
		w[i].timeline =
			lb_xzalloc(run->nwindows * sizeof(*w[i].timeline));
		if (cfg->knobs.ops->node_size)
			w[i].node = lb_xaligned_zalloc(
				LB_PAD_SIZE, cfg->knobs.ops->node_size);
	}
	return w;
}

static struct worker_slot *slots_new(const struct lb_rep_cfg *cfg,
				     struct rep_ctx *ctx,
				     struct lb_worker *workers)
{
	unsigned int i, k = cfg->knobs.coroutines ? cfg->knobs.coroutines : 1;
	struct worker_slot *slots;

	slots = lb_xzalloc(cfg->knobs.nthreads * sizeof(*slots));
	for (i = 0; i < cfg->knobs.nthreads; i++) {
		slots[i].ctx = ctx;
		slots[i].index = i;
		slots[i].workers = &workers[i * k];
		if (cfg->knobs.coroutines)
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
		free(workers[i].handoff);
		free(workers[i].timeline);
	}
	for (i = 0; i < cfg->knobs.nthreads; i++)
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

	if (cfg->knobs.sample_every == LB_SAMPLE_OFF)
		return;
	res->latency = lb_xzalloc(sizeof(*res->latency));
	if (workers[0].handoff)
		res->handoff = lb_xzalloc(sizeof(*res->handoff));
	every = lb_xzalloc(n * sizeof(*every));
	for (i = 0; i < n; i++) {
		lb_hist_merge(res->latency, workers[i].hist);
		if (res->handoff)
			lb_hist_merge(res->handoff, workers[i].handoff);
		every[i] = workers[i].measured_every;
	}
	qsort(every, n, sizeof(*every), cmp_u32);
	res->sample_every = every[n / 2];
	free(every);
}

/* The figures of a repetition that was abandoned are undefined (null). */
static void rep_abandoned(struct lb_rep_result *res)
{
	res->ok = false;
	res->ops_per_sec = res->jain = res->min_share = NAN;
	res->max_share = res->cpu_user_s = res->cpu_sys_s = NAN;
}

/*
 * One repetition in this process (the child's, when isolated), with
 * @extra_cs_iters of test-only slowdown (computed by the caller, in the
 * parent: its probes are repetitions themselves).
 */
static int run_rep_inproc(const struct lb_rep_cfg *cfg,
			  struct lb_rep_result *res, uint64_t extra_cs_iters)
{
	struct rep_ctx ctx = { .cfg = cfg };
	struct worker_slot *slots;
	struct lb_worker *workers;
	unsigned int stuck;
	int e, rc = LB_REP_RAN;

	memset(res, 0, sizeof(*res));
	ctx.run = run_new(cfg);
	ctx.run->test_spin = extra_cs_iters;
	set_stage(STAGE_INIT);
	e = locks_init(cfg, ctx.run);
	if (e) {
		snprintf(res->failure, sizeof(res->failure),
			 "%s: init failed: %s", cfg->knobs.ops->name,
			 strerror(-e));
		run_free(ctx.run);
		return LB_REP_SETUP;
	}
	/* The workload's own state (threads, pools) around the workers. */
	set_stage(STAGE_SETUP);
	if (cfg->knobs.workload->setup &&
	    cfg->knobs.workload->setup(ctx.run, res->failure,
				       sizeof(res->failure))) {
		locks_destroy(cfg, ctx.run);
		run_free(ctx.run);
		return LB_REP_SETUP;
	}
	workers = workers_new(cfg, ctx.run);
	slots = slots_new(cfg, &ctx, workers);
	set_stage(STAGE_START);
	if (start_workers(&ctx, slots, cfg->knobs.nthreads, res->failure,
			  sizeof(res->failure))) {
		join_workers(slots, cfg->knobs.nthreads, UINT64_MAX / 4,
			     &stuck);
		if (cfg->knobs.workload->teardown)
			cfg->knobs.workload->teardown(ctx.run, &res->fig);
		rc = LB_REP_SETUP;
		goto out;
	}
	res->elapsed_ns = drive_phases(cfg, ctx.run, workers, res);
	set_stage(STAGE_JOIN);
	if (!join_workers(slots, cfg->knobs.nthreads, cfg->knobs.stall_ns,
			  &stuck)) {
		describe_stall(&ctx, slots, cfg->knobs.nthreads, stuck,
			       res->failure, sizeof(res->failure));
		rep_abandoned(res);
		/*
		 * Threads still own the lock and nodes: leak them.  Isolated,
		 * the child exits with them; in-process they stay behind.
		 */
		return LB_REP_STALLED;
	}
	/* Before the lock is destroyed and the event contexts freed. */
	set_stage(STAGE_TEARDOWN);
	if (cfg->knobs.workload->teardown)
		cfg->knobs.workload->teardown(ctx.run, &res->fig);
	if (lb_interrupted()) {
		/* Abandoned: its figures are not kept. */
		snprintf(res->failure, sizeof(res->failure),
			 "interrupted by signal %d", lb_interrupted());
		rc = LB_REP_INTERRUPTED;
		goto out;
	}
	collect(cfg, &ctx, workers, res);
	collect_latency(cfg, workers, res);
	locks_destroy(cfg, ctx.run);
out:
	slots_free(cfg, slots, workers);
	run_free(ctx.run);
	return rc;
}

/*
 * Process isolation
 *
 * lb_run_rep() forks a child for each repetition; the child runs
 * run_rep_inproc() and sends its struct lb_rep_result back through a pipe.
 * A lock under test may deadlock, livelock or crash: only the child goes.
 *
 * Why a process and not abandoned threads: a stuck thread still owns the
 * lock, its queue node and its CPU (a spinning one burns it for the rest of
 * the sweep, disturbing every later figure), and a crash takes the whole
 * process; killing a child reclaims everything, and its exit status names
 * the signal.  The cost is one fork() per repetition (well under a
 * millisecond), outside the measured window.
 *
 * fork() is safe here: it is called from the main thread while the process
 * has no other thread (worker threads, the event-loop and pool threads of
 * a workload are all created in the child, and die with it), so the child
 * inherits no lock held by a thread that does not exist in it.
 *
 * Deadlines: the child's own watchdog (join_workers() with the stall
 * timeout after the window ends) names stuck threads and where they are
 * (describe_stall()), reports and exits, leaving them behind.  The parent
 * waits for the report until warm-up + duration + stall timeout +
 * ISO_GRACE_NS; past that (the child's main thread itself is stuck, in
 * the lock's init or the workload's setup or teardown) it kills the child
 * and says which stage it was in, read from a shared page.
 *
 * The message: struct rep_msg, the bytes of struct lb_rep_result (the same
 * binary on both ends: no other encoding needed), then for each pointer
 * member in rep_blobs[] a uint64_t length and that many bytes (length 0:
 * NULL).  The child's stderr goes to a memory file; the parent copies it to
 * its own stderr when the child ends and quotes its last line when the
 * child died.
 */
#define ISO_GRACE_NS 5000000000ull
#define REP_MSG_MAGIC 0x6c627231u /* "lbr1" */

struct rep_msg {
	uint32_t magic;
	int32_t rc; /* what run_rep_inproc() returned */
	uint64_t size; /* sizeof(struct lb_rep_result) */
};

/* A pointer member of struct lb_rep_result and its size when not NULL. */
struct rep_blob {
	size_t offset;
	size_t (*size)(const struct lb_rep_result *r);
};

static size_t thread_ops_size(const struct lb_rep_result *r)
{
	return (size_t)r->nthreads * sizeof(*r->thread_ops);
}

static size_t latency_size(const struct lb_rep_result *r)
{
	return sizeof(*r->latency);
}

static size_t windows_size(const struct lb_rep_result *r)
{
	return (size_t)r->nwindows * sizeof(*r->window_end_ns);
}

static size_t timeline_size(const struct lb_rep_result *r)
{
	return (size_t)r->nwindows * r->nthreads * sizeof(*r->timeline);
}

static const struct rep_blob rep_blobs[] = {
	{ offsetof(struct lb_rep_result, thread_ops), thread_ops_size },
	{ offsetof(struct lb_rep_result, latency), latency_size },
	{ offsetof(struct lb_rep_result, handoff), latency_size },
	{ offsetof(struct lb_rep_result, window_end_ns), windows_size },
	{ offsetof(struct lb_rep_result, timeline), timeline_size },
};

static void **blob_ptr(struct lb_rep_result *r, const struct rep_blob *b)
{
	return (void **)((char *)r + b->offset);
}

struct iso_buf {
	char *p;
	size_t len, cap;
};

static void buf_add(struct iso_buf *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->len + len)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p)
			lb_xmalloc_fail(cap);
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

static void rep_encode(int rc, const struct lb_rep_result *res,
		       struct iso_buf *b)
{
	struct rep_msg m = { REP_MSG_MAGIC, rc, sizeof(*res) };
	unsigned int i;

	buf_add(b, &m, sizeof(m));
	buf_add(b, res, sizeof(*res));
	for (i = 0; i < LB_ARRAY_SIZE(rep_blobs); i++) {
		void *p = *blob_ptr((struct lb_rep_result *)res, &rep_blobs[i]);
		uint64_t len = p ? rep_blobs[i].size(res) : 0;

		buf_add(b, &len, sizeof(len));
		if (len)
			buf_add(b, p, len);
	}
}

/* Decode @b into @res; -1 if it is not a whole message (a bug). */
static int rep_decode(const struct iso_buf *b, int *rc,
		      struct lb_rep_result *res)
{
	struct rep_msg m;
	size_t off = sizeof(m) + sizeof(*res);
	unsigned int i;

	if (b->len < off)
		return -1;
	memcpy(&m, b->p, sizeof(m));
	if (m.magic != REP_MSG_MAGIC || m.size != sizeof(*res))
		return -1;
	memcpy(res, b->p + sizeof(m), sizeof(*res));
	for (i = 0; i < LB_ARRAY_SIZE(rep_blobs); i++)
		*blob_ptr(res, &rep_blobs[i]) = NULL;
	for (i = 0; i < LB_ARRAY_SIZE(rep_blobs); i++) {
		uint64_t len;
		void *p;

		if (b->len - off < sizeof(len))
			return -1;
		memcpy(&len, b->p + off, sizeof(len));
		off += sizeof(len);
		if (!len)
			continue;
		if (len != rep_blobs[i].size(res) || len > b->len - off)
			return -1;
		p = lb_xzalloc(len);
		memcpy(p, b->p + off, len);
		*blob_ptr(res, &rep_blobs[i]) = p;
		off += len;
	}
	res->failure[sizeof(res->failure) - 1] = '\0';
	*rc = m.rc;
	return off == b->len ? 0 : -1;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The child: run the repetition, send the result, exit. */
static void __attribute__((noreturn))
iso_child(const struct lb_rep_cfg *cfg, uint64_t extra_cs_iters,
	  struct iso_shared *sh, int out_fd, int err_fd, pid_t parent)
{
	struct lb_rep_result res;
	struct iso_buf b = { 0 };
	int rc;

	/* Die with the parent (a second SIGINT makes it _exit at once). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(LB_EXIT_RUN);
	if (err_fd >= 0 && dup2(err_fd, STDERR_FILENO) >= 0)
		close(err_fd);
	iso_shared = sh;
	rc = run_rep_inproc(cfg, &res, extra_cs_iters);
	set_stage(STAGE_REPORT);
	rep_encode(rc, &res, &b);
	if (write_all(out_fd, b.p, b.len)) {
		fprintf(stderr, "lockbench: cannot send the result: %s\n",
			strerror(errno));
		_exit(LB_EXIT_RUN);
	}
	/* _exit: no atexit handler, no stdio buffer flushed twice. */
	_exit(0);
}

/* Read what is ready on @fd into @b: 1 more to come, 0 end, -1 error. */
static int buf_read(struct iso_buf *b, int fd)
{
	char chunk[65536];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -1;
	if (n == 0)
		return 0;
	buf_add(b, chunk, (size_t)n);
	return 1;
}

enum iso_outcome { ISO_EOF, ISO_TIMEOUT, ISO_INTERRUPTED, ISO_ERROR };

/*
 * Collect the child's message until it closes the pipe, the deadline
 * passes or SIGINT/SIGTERM arrives.  The signals are blocked except inside
 * ppoll(), so that one arriving just before the wait still cuts it short.
 */
static enum iso_outcome iso_wait(int fd, uint64_t deadline, struct iso_buf *b)
{
	enum iso_outcome out = ISO_ERROR;
	sigset_t block, saved;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &saved);
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t now = lb_now_ns();
		struct timespec ts;
		int n;

		if (lb_interrupted()) {
			out = ISO_INTERRUPTED;
			break;
		}
		if (now >= deadline) {
			out = ISO_TIMEOUT;
			break;
		}
		ts.tv_sec = (time_t)((deadline - now) / 1000000000ull);
		ts.tv_nsec = (long)((deadline - now) % 1000000000ull);
		n = ppoll(&pfd, 1, &ts, &saved);
		if (n < 0 && errno != EINTR)
			break;
		if (n <= 0)
			continue;
		n = buf_read(b, fd);
		if (n <= 0) {
			out = n ? ISO_ERROR : ISO_EOF;
			break;
		}
	}
	sigprocmask(SIG_SETMASK, &saved, NULL);
	return out;
}

static int reap(pid_t pid)
{
	int status = 0;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/*
 * Copy the child's stderr (a memory file) to ours, and keep its last
 * non-empty line, made printable and short, in @last.
 */
static void relay_stderr(int fd, char *last, size_t len)
{
	struct stat st;
	char *text, *end, *start;
	size_t n;

	last[0] = '\0';
	if (fd < 0 || fstat(fd, &st) || st.st_size <= 0)
		return;
	n = (size_t)st.st_size;
	text = malloc(n + 1);
	if (!text)
		return;
	if (pread(fd, text, n, 0) != (ssize_t)n) {
		free(text);
		return;
	}
	text[n] = '\0';
	/* Nothing better to do if our own stderr fails. */
	write_all(STDERR_FILENO, text, n);
	end = text + n;
	while (end > text && (end[-1] == '\n' || end[-1] == ' ' ||
			      end[-1] == '\r' || end[-1] == '\t'))
		end--;
	*end = '\0';
	start = strrchr(text, '\n');
	start = start ? start + 1 : text;
	snprintf(last, len, "%s", start);
	for (end = last; *end; end++)
		if ((unsigned char)*end < ' ' || *end == '\'')
			*end = ' ';
	free(text);
}

static const char *signal_name(int sig)
{
	const char *abbrev = sigabbrev_np(sig);
	static char buf[32];

	if (abbrev) {
		snprintf(buf, sizeof(buf), "SIG%s", abbrev);
		return buf;
	}
	snprintf(buf, sizeof(buf), "signal %d", sig);
	return buf;
}

/* Why a child that sent no whole result ended. */
static void describe_death(int status, const char *last,
			   struct lb_rep_result *res)
{
	char why[160];

	if (WIFSIGNALED(status))
		snprintf(why, sizeof(why),
			 "the worker process was killed by %s (%s)",
			 signal_name(WTERMSIG(status)),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(why, sizeof(why),
			 "the worker process exited with status %d before "
			 "reporting",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (*last)
		snprintf(res->failure, sizeof(res->failure),
			 "%s; its last stderr line: '%.300s'", why, last);
	else
		snprintf(res->failure, sizeof(res->failure),
			 "%s; it wrote nothing on stderr", why);
}

/* The machine's state was not measured (the child died with it). */
static void machine_unknown(struct lb_rep_result *res)
{
	res->machine.load1_before = res->machine.other_cpu_s = NAN;
	res->machine.steal_s = res->machine.machine_busy = NAN;
}

static int iso_setup_error(struct lb_rep_result *res, const char *what)
{
	snprintf(res->failure, sizeof(res->failure),
		 "cannot %s for the repetition: %s%s", what, strerror(errno),
		 errno == EAGAIN ? " (process limit, RLIMIT_NPROC?)" : "");
	return LB_REP_SETUP;
}

static int run_rep_isolated(const struct lb_rep_cfg *cfg,
			    struct lb_rep_result *res, uint64_t extra_cs_iters)
{
	uint64_t wait_ns = cfg->knobs.warmup_ns + cfg->knobs.duration_ns +
			   cfg->knobs.stall_ns + ISO_GRACE_NS;
	struct iso_buf b = { 0 };
	struct iso_shared *sh;
	char last[320], d[32];
	enum iso_outcome out;
	int pfd[2], err_fd, rc = LB_REP_CRASHED, status;
	pid_t parent = getpid(), pid;

	memset(res, 0, sizeof(*res));
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return iso_setup_error(res, "map a shared page");
	if (pipe2(pfd, O_CLOEXEC)) {
		munmap(sh, sizeof(*sh));
		return iso_setup_error(res, "create a pipe");
	}
	/* Without a memory file the child's stderr is simply ours. */
	err_fd = memfd_create("lockbench-child-stderr", MFD_CLOEXEC);
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		iso_child(cfg, extra_cs_iters, sh, pfd[1], err_fd, parent);
	close(pfd[1]);
	if (pid < 0) {
		rc = iso_setup_error(res, "fork the worker process");
		goto out;
	}
	out = iso_wait(pfd[0], lb_now_ns() + wait_ns, &b);
	if (out != ISO_EOF)
		kill(pid, SIGKILL);
	status = reap(pid);
	relay_stderr(err_fd, last, sizeof(last));
	if (out == ISO_INTERRUPTED) {
		snprintf(res->failure, sizeof(res->failure),
			 "interrupted by signal %d", lb_interrupted());
		rc = LB_REP_INTERRUPTED;
	} else if (out == ISO_TIMEOUT) {
		uint32_t stage = lb_load_relaxed(&sh->stage);

		snprintf(res->failure, sizeof(res->failure),
			 "stalled: the worker process did not finish within "
			 "%s (warm-up + duration + stall timeout + %llus) and "
			 "was killed; it was %s",
			 lb_format_duration(wait_ns, d, sizeof(d)),
			 ISO_GRACE_NS / 1000000000ull,
			 stage < LB_ARRAY_SIZE(stage_names) ?
				 stage_names[stage] :
				 "somewhere unknown");
		machine_unknown(res);
		rc = LB_REP_STALLED;
	} else if (out == ISO_EOF && !rep_decode(&b, &rc, res)) {
		/* The child's own verdict, whatever its exit status... */
		if (rc == LB_REP_INTERRUPTED && !lb_interrupted())
			rc = LB_REP_CRASHED; /* ...but a signal to it alone */
	} else {
		lb_rep_result_free(res);
		memset(res, 0, sizeof(*res));
		describe_death(status, last, res);
		machine_unknown(res);
		rc = LB_REP_CRASHED;
	}
	if (rc == LB_REP_STALLED || rc == LB_REP_CRASHED)
		rep_abandoned(res);
out:
	free(b.p);
	close(pfd[0]);
	if (err_fd >= 0)
		close(err_fd);
	munmap(sh, sizeof(*sh));
	return rc;
}

static bool isolation_wanted(void)
{
	const char *e = getenv("LOCKBENCH_ISOLATE");

	return !(e && !strcmp(e, "0"));
}

int lb_run_rep(const struct lb_rep_cfg *cfg, struct lb_rep_result *res)
{
	return isolation_wanted() ?
		       run_rep_isolated(cfg, res, cfg->extra_cs_iters) :
		       run_rep_inproc(cfg, res, cfg->extra_cs_iters);
}

unsigned int lb_rep_workers(const struct lb_rep_cfg *cfg)
{
	return cfg->knobs.nthreads *
	       (cfg->knobs.coroutines ? cfg->knobs.coroutines : 1);
}

void lb_rep_result_free(struct lb_rep_result *res)
{
	free(res->latency);
	res->latency = NULL;
	free(res->thread_ops);
	res->thread_ops = NULL;
	free(res->handoff);
	res->handoff = NULL;
	free(res->window_end_ns);
	res->window_end_ns = NULL;
	free(res->timeline);
	res->timeline = NULL;
}
