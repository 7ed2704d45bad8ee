/* SPDX-License-Identifier: MIT */
/*
 * t_threadpool.c - the thread pool (runtime/threadpool.h) and the `tpool`
 * delegation method built on it.
 *
 *  1. many submitters on many threads: every completion exactly once, in
 *     the submitting thread, with the right result;
 *  2. growth to max_threads and never beyond; shrink to min_threads after
 *     the idle timeout (short in the test; the worker count is polled with
 *     a bounded wait, never asserted after a fixed sleep);
 *  3. cancellation of a queued request, not of a running one;
 *  4. shutdown with work queued and running: none lost, each callback once,
 *     later submissions cancelled;
 *  5. submit_co and lb_co_run_in_worker under stress (several threads x
 *     coroutines), results and locals checked, back on the home thread;
 *  6. tpool: execute() excludes and runs in submission order.
 * Every wait is on an event (a loop iteration, a futex, a pipe) or a poll
 * of a counter bounded by COT_TIMEOUT_NS (cothread.h).  Smaller counts
 * under ThreadSanitizer (LB_TEST_SCALE=tsan).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "locks/tpool.h"
#include "runtime/atomics.h"
#include "runtime/clock.h"
#include "runtime/evloop.h"
#include "runtime/futex.h"
#include "runtime/threadpool.h"
#include "tests/cothread.h"
#include "tests/tap.h"

static unsigned int scale_div = 1; /* 10 under TSan */

/* Poll @fn until it returns true or COT_TIMEOUT_NS passes. */
static bool wait_until(bool (*fn)(void *), void *arg)
{
	return COT_WAIT(fn(arg));
}

/* ---- a gate that blocking requests wait on ---- */

struct gate {
	uint32_t open; /* futex word: 0 closed, 1 open */
	unsigned int entered; /* requests that reached the gate */
};

static long gate_wait(void *arg)
{
	struct gate *g = arg;

	lb_fetch_add_release(&g->entered, 1);
	while (!lb_load_acquire(&g->open))
		lb_futex_wait(&g->open, 0, NULL);
	return 7;
}

static void gate_open(struct gate *g)
{
	lb_store_release(&g->open, 1);
	lb_futex_wake(&g->open, INT32_MAX);
}

/* ---- 1: many submitters ---- */

#define SUB_THREADS 4

struct sub_thread {
	struct lb_threadpool *pool;
	unsigned int id, n;
	pthread_t self;
	unsigned int *calls; /* per request: completions seen */
	unsigned int done, wrong_thread, wrong_result;
	pthread_t thread;
};

struct sub_req {
	struct sub_thread *t;
	unsigned int i;
};

static long sub_func(void *arg)
{
	struct sub_req *r = arg;

	return (long)r->t->id * 1000000 + r->i;
}

static void sub_cb(void *opaque, long ret)
{
	struct sub_req *r = opaque;
	struct sub_thread *t = r->t;

	t->calls[r->i]++;
	t->done++;
	if (!pthread_equal(pthread_self(), t->self))
		t->wrong_thread++;
	if (ret != (long)t->id * 1000000 + r->i)
		t->wrong_result++;
}

static void *sub_main(void *arg)
{
	struct sub_thread *t = arg;
	struct lb_evctx *ctx = lb_evctx_new();
	struct sub_req *reqs = lb_xzalloc(t->n * sizeof(*reqs));
	unsigned int i;

	t->self = pthread_self();
	lb_evctx_attach(ctx);
	for (i = 0; i < t->n; i++) {
		reqs[i] = (struct sub_req){ .t = t, .i = i };
		lb_threadpool_submit(t->pool, sub_func, &reqs[i], sub_cb,
				     &reqs[i]);
		if (i % 64 == 63) /* let completions interleave */
			lb_evctx_poll(ctx, false);
	}
	while (t->done < t->n)
		lb_evctx_poll(ctx, true);
	lb_evctx_detach();
	free(reqs);
	/* ctx must outlive the pool: returned to the main thread */
	return ctx;
}

static void test_many_submitters(void)
{
	struct lb_threadpool_cfg cfg = { .max_threads = 4 };
	struct lb_threadpool *pool = lb_threadpool_new(&cfg);
	struct sub_thread t[SUB_THREADS];
	struct lb_evctx *ctx[SUB_THREADS];
	unsigned int i, j, n = 20000 / scale_div, bad_count = 0;
	unsigned int wrong_thread = 0, wrong_result = 0;
	struct lb_threadpool_stats st;

	for (i = 0; i < SUB_THREADS; i++) {
		t[i] = (struct sub_thread){ .pool = pool, .id = i, .n = n };
		t[i].calls = lb_xzalloc(n * sizeof(*t[i].calls));
		lb_check_pthread(
			pthread_create(&t[i].thread, NULL, sub_main, &t[i]));
	}
	for (i = 0; i < SUB_THREADS; i++)
		lb_check_pthread(pthread_join(t[i].thread, (void **)&ctx[i]));
	lb_threadpool_get_stats(pool, &st);
	lb_threadpool_free(pool);
	for (i = 0; i < SUB_THREADS; i++) {
		for (j = 0; j < n; j++)
			bad_count += t[i].calls[j] != 1;
		wrong_thread += t[i].wrong_thread;
		wrong_result += t[i].wrong_result;
		free(t[i].calls);
		lb_evctx_free(ctx[i]);
	}
	tap_ok(!bad_count && !wrong_thread && !wrong_result &&
		       st.completed == (uint64_t)SUB_THREADS * n &&
		       st.max_seen <= 4,
	       "%d threads x %u submits: every completion exactly once (%u "
	       "not), on the submitting thread (%u not), right result (%u "
	       "not); %llu completed, at most %u workers",
	       SUB_THREADS, n, bad_count, wrong_thread, wrong_result,
	       (unsigned long long)st.completed, st.max_seen);
}

/* ---- 2: growth and shrink ---- */

struct counted {
	unsigned int done; /* completions delivered (owner thread) */
	long sum;
};

static void counted_cb(void *opaque, long ret)
{
	struct counted *c = opaque;

	c->done++;
	c->sum += ret;
}

struct pool_wait {
	struct lb_threadpool *pool;
	unsigned int want;
	struct gate *g;
};

static bool workers_at(void *arg)
{
	struct pool_wait *w = arg;
	struct lb_threadpool_stats st;

	lb_threadpool_get_stats(w->pool, &st);
	return st.cur_threads == w->want;
}

static bool gate_entered(void *arg)
{
	struct pool_wait *w = arg;

	return lb_load_acquire(&w->g->entered) >= w->want;
}

static void test_grow_shrink(void)
{
	struct lb_threadpool_cfg cfg = { .min_threads = 1,
					 .max_threads = 4,
					 .idle_timeout_ns = 50000000 };
	struct lb_threadpool *pool = lb_threadpool_new(&cfg);
	struct lb_evctx *ctx = lb_evctx_new();
	struct gate g = { 0 };
	struct counted c = { 0 };
	struct pool_wait w = { .pool = pool, .g = &g };
	struct lb_threadpool_stats st_full, st_idle;
	bool grew, ran4, shrank;
	unsigned int i;

	lb_evctx_attach(ctx);
	/* 8 blocking requests: the pool grows to 4 and no further. */
	for (i = 0; i < 8; i++)
		lb_threadpool_submit(pool, gate_wait, &g, counted_cb, &c);
	w.want = 4;
	ran4 = wait_until(gate_entered, &w);
	grew = wait_until(workers_at, &w);
	lb_threadpool_get_stats(pool, &st_full);
	gate_open(&g);
	while (c.done < 8)
		lb_evctx_poll(ctx, true);
	/* Idle for 50 ms: back to min_threads. */
	w.want = 1;
	shrank = wait_until(workers_at, &w);
	lb_threadpool_get_stats(pool, &st_idle);
	tap_ok(ran4 && grew && st_full.max_seen == 4 && st_full.queued == 4 &&
		       c.sum == 8 * 7,
	       "grows on demand to max_threads = 4 (max seen %u, %u "
	       "queued behind them), never beyond",
	       st_full.max_seen, st_full.queued);
	tap_ok(shrank && st_idle.exited == 3 && st_idle.cur_threads == 1,
	       "idle workers exit after the timeout down to min_threads = "
	       "1 (%u alive, %llu exited)",
	       st_idle.cur_threads, (unsigned long long)st_idle.exited);
	lb_threadpool_free(pool);
	lb_evctx_detach();
	lb_evctx_free(ctx);
}

/* ---- 3: cancellation ---- */

struct cancel_rec {
	long ret;
	unsigned int calls;
};

static void cancel_cb(void *opaque, long ret)
{
	struct cancel_rec *r = opaque;

	r->ret = ret;
	r->calls++;
}

static long ran_func(void *arg)
{
	lb_fetch_add_relaxed((unsigned int *)arg, 1);
	return 42;
}

static void test_cancel(void)
{
	struct lb_threadpool_cfg cfg = { .max_threads = 1 };
	struct lb_threadpool *pool = lb_threadpool_new(&cfg);
	struct lb_evctx *ctx = lb_evctx_new();
	struct gate g = { 0 };
	struct pool_wait w = { .pool = pool, .g = &g, .want = 1 };
	struct cancel_rec rb = { 0 }, r2 = { 0 }, r3 = { 0 };
	struct lb_tp_req *blocker, *q2;
	unsigned int ran = 0;
	bool c_run, c_queued, c_again, in_time;

	lb_evctx_attach(ctx);
	blocker = lb_threadpool_submit(pool, gate_wait, &g, cancel_cb, &rb);
	q2 = lb_threadpool_submit(pool, ran_func, &ran, cancel_cb, &r2);
	lb_threadpool_submit(pool, ran_func, &ran, cancel_cb, &r3);
	in_time = wait_until(gate_entered, &w); /* the blocker runs */
	c_run = lb_threadpool_cancel(pool, blocker);
	c_queued = lb_threadpool_cancel(pool, q2);
	c_again = lb_threadpool_cancel(pool, q2);
	/* The cancelled callback comes from the loop, not from cancel(). */
	tap_ok(in_time && !c_run && c_queued && !c_again && r2.calls == 0,
	       "cancel: a running request is not cancelled, a queued one is "
	       "(once), its callback not called from inside cancel()");
	gate_open(&g);
	while (rb.calls + r2.calls + r3.calls < 3)
		lb_evctx_poll(ctx, true);
	tap_ok(rb.ret == 7 && r2.ret == -ECANCELED && r3.ret == 42 &&
		       rb.calls == 1 && r2.calls == 1 && r3.calls == 1 &&
		       ran == 1,
	       "cancel: callbacks once each: running %ld, cancelled %ld, "
	       "next %ld; the cancelled function never ran (%u ran)",
	       rb.ret, r2.ret, r3.ret, ran);
	lb_threadpool_free(pool);
	lb_evctx_detach();
	lb_evctx_free(ctx);
}

/* ---- 4: shutdown with work in flight ---- */

#define SHUT_QUEUED 50

static void *shutdown_thread(void *arg)
{
	lb_threadpool_shutdown(arg);
	return NULL;
}

static void test_shutdown(void)
{
	struct lb_threadpool_cfg cfg = { .max_threads = 2 };
	struct lb_threadpool *pool = lb_threadpool_new(&cfg);
	struct lb_evctx *ctx = lb_evctx_new();
	struct gate g = { 0 };
	struct pool_wait w = { .pool = pool, .g = &g, .want = 2 };
	struct cancel_rec blockers[2] = { 0 }, rec[SHUT_QUEUED] = { 0 };
	struct cancel_rec late = { 0 };
	unsigned int i, ran = 0, once = 0, cancelled = 0;
	bool in_time;
	pthread_t t;

	lb_evctx_attach(ctx);
	for (i = 0; i < 2; i++)
		lb_threadpool_submit(pool, gate_wait, &g, cancel_cb,
				     &blockers[i]);
	for (i = 0; i < SHUT_QUEUED; i++)
		lb_threadpool_submit(pool, ran_func, &ran, cancel_cb, &rec[i]);
	in_time = wait_until(gate_entered, &w); /* both workers blocked */
	/* Shut down from another thread while this loop keeps running. */
	lb_check_pthread(pthread_create(&t, NULL, shutdown_thread, pool));
	/* The 50 queued ones come back cancelled; then free the blockers. */
	for (;;) {
		for (cancelled = 0, i = 0; i < SHUT_QUEUED; i++)
			cancelled += rec[i].calls;
		if (cancelled == SHUT_QUEUED)
			break;
		lb_evctx_poll(ctx, true);
	}
	gate_open(&g);
	lb_check_pthread(pthread_join(t, NULL)); /* workers have exited */
	lb_threadpool_submit(pool, ran_func, &ran, cancel_cb, &late);
	/* Delivers the blockers' and the late completion from our loop. */
	lb_threadpool_free(pool);
	for (i = 0; i < SHUT_QUEUED; i++)
		once += rec[i].calls == 1 && rec[i].ret == -ECANCELED;
	tap_ok(in_time && once == SHUT_QUEUED && ran == 0 &&
		       blockers[0].calls == 1 && blockers[0].ret == 7 &&
		       blockers[1].calls == 1 && blockers[1].ret == 7 &&
		       late.calls == 1 && late.ret == -ECANCELED,
	       "shutdown: %u of %d queued cancelled with one callback each, "
	       "none ran; the 2 running completed; a later submit is "
	       "cancelled; nothing lost",
	       once, SHUT_QUEUED);
	lb_evctx_detach();
	lb_evctx_free(ctx);
}

/* ---- 5: submit_co and run_in_worker under stress ---- */

#define CO_THREADS 3
#define CO_PER_THREAD 8

struct co_case {
	struct lb_threadpool *pool;
	bool in_worker; /* lb_co_run_in_worker, else submit_co */
	unsigned int iters;
	unsigned int errors; /* atomic */
	uint64_t total; /* atomic */
};

struct co_arg {
	struct co_case *cc;
	unsigned int id;
};

static long co_square(void *arg)
{
	long v = (long)(uintptr_t)arg;

	return v * v;
}

/* The locals a coroutine lends to the worker. */
struct co_locals {
	pthread_t home;
	bool on_worker;
	long in, out;
};

static void co_block(void *arg)
{
	struct co_locals *l = arg;

	l->on_worker = !pthread_equal(pthread_self(), l->home);
	l->out = l->in * 3 + 1;
}

static void co_body(void *opaque)
{
	struct co_arg *a = opaque;
	struct co_case *cc = a->cc;
	unsigned int i, errors = 0;

	for (i = 0; i < cc->iters; i++) {
		long v = (long)a->id * 100000 + i;

		if (cc->in_worker) {
			struct co_locals l = { .home = pthread_self(),
					       .in = v };

			errors += lb_co_run_in_worker(cc->pool, co_block, &l) !=
				  0;
			errors += !l.on_worker || l.out != v * 3 + 1;
			errors += !pthread_equal(pthread_self(), l.home);
		} else {
			pthread_t home = pthread_self();
			long r = lb_threadpool_submit_co(cc->pool, co_square,
							 (void *)(uintptr_t)v);

			errors += r != v * v;
			errors += !pthread_equal(pthread_self(), home);
		}
	}
	lb_fetch_add_relaxed(&cc->errors, errors);
	lb_fetch_add_relaxed(&cc->total, (uint64_t)cc->iters);
}

struct co_thread {
	struct co_case *cc;
	struct co_arg args[CO_PER_THREAD];
	struct lb_evctx *ctx;
	pthread_t thread;
};

static void *co_thread_main(void *opaque)
{
	struct co_thread *t = opaque;
	void *args[CO_PER_THREAD];
	unsigned int i;

	for (i = 0; i < CO_PER_THREAD; i++)
		args[i] = &t->args[i];
	lb_evctx_run_coroutines(t->ctx, co_body, args, CO_PER_THREAD);
	return NULL;
}

static void test_co(bool in_worker)
{
	struct lb_threadpool_cfg cfg = { .max_threads = 4 };
	struct co_case cc = { .pool = lb_threadpool_new(&cfg),
			      .in_worker = in_worker,
			      .iters = 2000 / scale_div };
	struct co_thread t[CO_THREADS];
	unsigned int i, j;
	uint64_t want = (uint64_t)CO_THREADS * CO_PER_THREAD * cc.iters;

	for (i = 0; i < CO_THREADS; i++) {
		t[i].cc = &cc;
		t[i].ctx = lb_evctx_new();
		for (j = 0; j < CO_PER_THREAD; j++)
			t[i].args[j] =
				(struct co_arg){ .cc = &cc,
						 .id = i * CO_PER_THREAD + j };
		lb_check_pthread(pthread_create(&t[i].thread, NULL,
						co_thread_main, &t[i]));
	}
	for (i = 0; i < CO_THREADS; i++)
		lb_check_pthread(pthread_join(t[i].thread, NULL));
	lb_threadpool_free(cc.pool);
	for (i = 0; i < CO_THREADS; i++)
		lb_evctx_free(t[i].ctx);
	tap_ok(!cc.errors && cc.total == want,
	       "%s: %d threads x %d coroutines x %u calls = %llu, %u errors "
	       "(result, locals written in place on a worker, back on the "
	       "home thread)",
	       in_worker ? "lb_co_run_in_worker" : "submit_co", CO_THREADS,
	       CO_PER_THREAD, cc.iters, (unsigned long long)cc.total,
	       cc.errors);
}

/* ---- 6: tpool execute: exclusion and FIFO ---- */

struct tp_case {
	const struct lb_lock_ops *ops;
	void *lock;
	uint64_t counter; /* only inside execute()'s critical sections */
	unsigned int inside, overlaps;
	unsigned int order[CO_PER_THREAD];
	unsigned int norder; /* only inside critical sections, may exceed */
	unsigned int iters;
};

struct tp_arg {
	struct tp_case *c;
	void *node;
	unsigned int id;
};

static void tp_cs(void *opaque)
{
	struct tp_case *c = opaque;

	if (__atomic_exchange_n(&c->inside, 1, __ATOMIC_RELAXED))
		__atomic_fetch_add(&c->overlaps, 1, __ATOMIC_RELAXED);
	c->counter++;
	__atomic_store_n(&c->inside, 0, __ATOMIC_RELAXED);
}

static void tp_order_cs(void *opaque)
{
	struct tp_arg *a = opaque;

	if (a->c->norder < CO_PER_THREAD)
		a->c->order[a->c->norder] = a->id;
	a->c->norder++;
}

static void tp_body(void *opaque)
{
	struct tp_arg *a = opaque;
	unsigned int i;

	/* First call: all coroutines of a thread submit in order. */
	a->c->ops->execute(a->c->lock, a->node, tp_order_cs, a);
	for (i = 0; i < a->c->iters; i++)
		a->c->ops->execute(a->c->lock, a->node, tp_cs, a->c);
}

struct tp_thread {
	struct tp_arg args[CO_PER_THREAD];
	struct lb_evctx *ctx;
	pthread_t thread;
};

static void *tp_thread_main(void *opaque)
{
	struct tp_thread *t = opaque;
	void *args[CO_PER_THREAD];
	unsigned int i;

	for (i = 0; i < CO_PER_THREAD; i++)
		args[i] = &t->args[i];
	lb_evctx_run_coroutines(t->ctx, tp_body, args, CO_PER_THREAD);
	return NULL;
}

static void test_tpool_execute(void)
{
	struct tp_case c = { .ops = lb_lock_find("tpool"),
			     .iters = 3000 / scale_div };
	struct tp_thread t[CO_THREADS];
	unsigned int i, j, in_order = 1;
	uint64_t want;

	lb_bug_on(!c.ops || !c.ops->execute);
	c.lock = lb_xaligned_zalloc(LB_PAD_SIZE, c.ops->lock_size);
	lb_bug_on(c.ops->init(c.lock, NULL));
	/* Order: one thread, so that submission order is known. */
	for (i = 0; i < CO_THREADS; i++) {
		t[i].ctx = lb_evctx_new();
		for (j = 0; j < CO_PER_THREAD; j++)
			t[i].args[j] = (struct tp_arg){
				.c = &c,
				.node = lb_xaligned_zalloc(LB_PAD_SIZE,
							   c.ops->node_size),
				.id = j
			};
	}
	tp_thread_main(&t[0]);
	for (j = 0; j < CO_PER_THREAD; j++)
		in_order &= c.order[j] == j;
	tap_ok(in_order && c.norder == CO_PER_THREAD,
	       "tpool: critical sections run in submission order (%u "
	       "coroutines)",
	       c.norder);
	/* Exclusion: all threads at once (order records overwritten). */
	c.counter = 0;
	for (i = 0; i < CO_THREADS; i++) {
		lb_check_pthread(pthread_create(&t[i].thread, NULL,
						tp_thread_main, &t[i]));
	}
	for (i = 0; i < CO_THREADS; i++)
		lb_check_pthread(pthread_join(t[i].thread, NULL));
	c.ops->destroy(c.lock);
	want = (uint64_t)CO_THREADS * CO_PER_THREAD * c.iters;
	tap_ok(c.counter == want && !c.overlaps,
	       "tpool: execute() excludes: %d threads x %d coroutines x %u, "
	       "counter %llu of %llu, %u overlaps",
	       CO_THREADS, CO_PER_THREAD, c.iters,
	       (unsigned long long)c.counter, (unsigned long long)want,
	       c.overlaps);
	for (i = 0; i < CO_THREADS; i++) {
		for (j = 0; j < CO_PER_THREAD; j++)
			free(t[i].args[j].node);
		lb_evctx_free(t[i].ctx);
	}
	free(c.lock);
}

int main(void)
{
	const char *scale = getenv("LB_TEST_SCALE");

	alarm(600);
	if (scale && !strcmp(scale, "tsan"))
		scale_div = 10;
	tap_plan(10);
	test_many_submitters();
	test_grow_shrink();
	test_cancel();
	test_shutdown();
	test_co(false);
	test_co(true);
	test_tpool_execute();
	return tap_done();
}
