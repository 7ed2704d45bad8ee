/* SPDX-License-Identifier: MIT */
/*
 * t_evloop.c - TAP tests of runtime/evloop.c: cross-thread scheduling
 * stress, wake paths, bottom halves, stop, and the aborts.
 *
 * Set LB_TEST_SCHEDULES to change the stress size (default 1000000
 * cross-thread schedules, 200000 under ThreadSanitizer).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/atomics.h"
#include "runtime/clock.h"
#include "runtime/coroutine.h"
#include "runtime/evloop.h"
#include "tests/death.h"
#include "tests/tap.h"

#define NTESTS 19

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Wait up to @ms for *@flag to become nonzero; returns whether it did. */
static int wait_flag(const unsigned int *flag, unsigned int ms)
{
	uint64_t end = lb_now_ns() + (uint64_t)ms * 1000000;

	while (!lb_load_acquire(flag)) {
		if (lb_now_ns() > end)
			return 0;
		sleep_ms(1);
	}
	return 1;
}

/* A thread that runs a context's loop until stopped. */
struct loop_thread {
	pthread_t th;
	struct lb_evctx *ctx;
	unsigned int started, finished;
};

static void *loop_main(void *arg)
{
	struct loop_thread *lt = arg;

	lb_evctx_attach(lt->ctx);
	lb_store_release(&lt->started, 1);
	lb_evctx_run(lt->ctx);
	lb_evctx_detach();
	lb_store_release(&lt->finished, 1);
	return NULL;
}

static void loop_start(struct loop_thread *lt)
{
	memset(lt, 0, sizeof(*lt));
	lt->ctx = lb_evctx_new();
	lb_check_pthread(pthread_create(&lt->th, NULL, loop_main, lt));
	wait_flag(&lt->started, 5000);
}

static int loop_stop(struct loop_thread *lt)
{
	int done;

	lb_evctx_stop(lt->ctx);
	done = wait_flag(&lt->finished, 5000);
	if (done) {
		pthread_join(lt->th, NULL);
		lb_evctx_free(lt->ctx);
	}
	return done;
}

/* ---- aborts ---- */

static void nop_entry(void *arg)
{
	(void)arg;
}

static void die_double_schedule(void)
{
	struct lb_evctx *ctx = lb_evctx_new();
	struct lb_co *co = lb_co_create(nop_entry, NULL);

	lb_co_schedule(ctx, co);
	lb_co_schedule(ctx, co);
}

static void yield_entry(void *arg)
{
	(void)arg;
	lb_co_yield();
}

static void die_wake_homeless(void)
{
	struct lb_co *co = lb_co_create(yield_entry, NULL);

	lb_co_enter(co); /* no event context: no home context */
	lb_co_wake(co);
}

static struct lb_co *waker_target;

static void double_waker_entry(void *arg)
{
	(void)arg;
	lb_co_wake(waker_target);
	lb_co_wake(waker_target);
}

static void die_double_wake(void)
{
	struct lb_evctx *ctx = lb_evctx_new();

	lb_evctx_attach(ctx);
	waker_target = lb_co_create(yield_entry, NULL);
	lb_co_enter(waker_target);
	lb_co_enter(lb_co_create(double_waker_entry, NULL));
}

static void test_aborts(void)
{
	death_ok(die_double_schedule, "already scheduled",
		 "double schedule aborts");
	death_ok(die_double_wake, "already scheduled",
		 "double same-thread wake aborts");
	death_ok(die_wake_homeless, "no home event context",
		 "waking a coroutine without a home context aborts");
}

/* ---- stop ---- */

static void test_stop(void)
{
	struct loop_thread lt;
	struct lb_evctx_stats st;
	uint64_t end;
	struct lb_evctx *ctx;

	loop_start(&lt);
	end = lb_now_ns() + 5000000000u;
	do {
		sleep_ms(5);
		lb_evctx_get_stats(lt.ctx, &st);
	} while (st.sleeps == 0 && lb_now_ns() < end);
	sleep_ms(20); /* let it block in poll(2) */
	lb_evctx_get_stats(lt.ctx, &st);
	tap_ok(st.sleeps >= 1 && st.polls <= 3 && loop_stop(&lt),
	       "lb_evctx_stop from another thread ends a loop blocked in poll (polls %llu, sleeps %llu)",
	       (unsigned long long)st.polls, (unsigned long long)st.sleeps);

	ctx = lb_evctx_new();
	lb_evctx_stop(ctx);
	lb_evctx_run(ctx); /* returns at once: the stop was pending */
	lb_evctx_free(ctx);
	tap_ok(1, "a stop issued before lb_evctx_run ends that run");
}

/* ---- bottom halves ---- */

struct bh_count {
	unsigned int runs;
	unsigned int wrong_thread;
	pthread_t owner;
};

static void bh_count_cb(void *opaque)
{
	struct bh_count *c = opaque;

	if (!pthread_equal(pthread_self(), c->owner))
		lb_fetch_add_relaxed(&c->wrong_thread, 1);
	lb_fetch_add_release(&c->runs, 1);
}

struct bh_burst {
	struct lb_bh *bh;
	int first, others;
};

static void *bh_burst_main(void *arg)
{
	struct bh_burst *b = arg;
	int i;

	b->first = lb_bh_schedule(b->bh);
	for (i = 0; i < 4; i++)
		b->others += lb_bh_schedule(b->bh);
	return NULL;
}

static void test_bh_basic(void)
{
	struct lb_evctx *ctx = lb_evctx_new();
	struct bh_count c = { .owner = pthread_self() };
	struct bh_burst b = { .bh = lb_bh_new(ctx, bh_count_cb, &c) };
	pthread_t th;
	int p1, p2, p3;

	lb_evctx_attach(ctx);
	pthread_create(&th, NULL, bh_burst_main, &b);
	pthread_join(th, NULL);
	p1 = lb_evctx_poll(ctx, false);
	p2 = lb_evctx_poll(ctx, false);
	tap_ok(b.first == 1 && b.others == 0 && p1 && !p2 && c.runs == 1 &&
		       c.wrong_thread == 0,
	       "bottom half scheduled 5 times from another thread runs once, in the owner");

	lb_bh_schedule(b.bh);
	lb_bh_cancel(b.bh);
	p1 = lb_evctx_poll(ctx, false);
	p2 = lb_bh_schedule(b.bh);
	p3 = lb_evctx_poll(ctx, false);
	tap_ok(!p1 && p2 && p3 && c.runs == 2,
	       "cancelled bottom half does not run; rescheduled it does");

	lb_bh_schedule(b.bh);
	lb_bh_free(b.bh); /* pending: the loop frees it */
	p1 = lb_evctx_poll(ctx, false);
	tap_ok(!p1 && c.runs == 2,
	       "bottom half freed while pending never runs");
	lb_evctx_free(ctx);
}

/* Many producers hammer one bottom half while the owner loops. */
struct bh_producer {
	pthread_t th;
	struct lb_bh *bh;
	unsigned long n, trues;
};

static void *bh_producer_main(void *arg)
{
	struct bh_producer *p = arg;
	unsigned long i;

	for (i = 0; i < p->n; i++) {
		p->trues += lb_bh_schedule(p->bh);
		if ((i & 7) == 0)
			lb_cpu_relax();
	}
	return NULL;
}

static void test_bh_stress(void)
{
	struct loop_thread lt;
	struct bh_count c;
	struct bh_producer p[3];
	unsigned long trues = 0, n;
	uint64_t end;
	int i;

#ifdef LB_CO_TSAN
	n = 5000;
#else
	n = 200000;
#endif
	loop_start(&lt);
	memset(&c, 0, sizeof(c));
	c.owner = lt.th;
	/* Producers 0 and 1 share one bottom half, producer 2 has its own. */
	for (i = 0; i < 3; i++) {
		p[i].bh = i == 1 ? p[0].bh : lb_bh_new(lt.ctx, bh_count_cb, &c);
		p[i].n = n;
		p[i].trues = 0;
	}
	for (i = 0; i < 3; i++)
		pthread_create(&p[i].th, NULL, bh_producer_main, &p[i]);
	for (i = 0; i < 3; i++) {
		pthread_join(p[i].th, NULL);
		trues += p[i].trues;
	}
	end = lb_now_ns() + 5000000000u;
	while (lb_load_acquire(&c.runs) < trues && lb_now_ns() < end)
		sleep_ms(1);
	sleep_ms(20); /* any extra run would show up now */
	tap_ok(lb_load_acquire(&c.runs) == trues && c.wrong_thread == 0 &&
		       trues > 0,
	       "bottom halves from 3 threads: %lu newly-scheduled, %u runs, all in the owner",
	       trues, lb_load_acquire(&c.runs));
	tap_ok(loop_stop(&lt), "loop stopped");
	lb_bh_free(p[0].bh);
	lb_bh_free(p[2].bh);
}

/* ---- wake paths ---- */

struct waker_co {
	struct lb_co *co;
	pthread_t thread;
	unsigned int resumes;
	unsigned int wrong_thread;
	unsigned int parked;
	unsigned int done;
};

static void recording_entry(void *arg)
{
	struct waker_co *w = arg;

	w->co = lb_co_self();
	w->thread = pthread_self();
	lb_store_release(&w->parked, 1);
	lb_co_yield();
	if (!pthread_equal(pthread_self(), w->thread))
		w->wrong_thread++;
	lb_fetch_add_release(&w->resumes, 1);
	lb_store_release(&w->done, 1);
}

static void test_wake_direct(void)
{
	struct lb_evctx *ctx = lb_evctx_new();
	struct waker_co w;
	int home_ok;

	memset(&w, 0, sizeof(w));
	lb_evctx_attach(ctx);
	lb_co_enter(lb_co_create(recording_entry, &w));
	home_ok = lb_co_home(w.co) == ctx;
	lb_co_wake(w.co); /* same thread, not in a coroutine: enters now */
	tap_ok(home_ok && w.resumes == 1 && w.done && w.wrong_thread == 0,
	       "lb_co_wake from the home thread enters directly");
	lb_evctx_detach();
	lb_evctx_free(ctx);
}

static char local_log[16];
static size_t local_len;
static struct lb_co *local_b;

static void local_b_entry(void *arg)
{
	(void)arg;
	local_b = lb_co_self();
	lb_co_yield();
	local_log[local_len++] = 'B';
}

static void local_a_entry(void *arg)
{
	(void)arg;
	lb_co_wake(local_b); /* queued: B runs once A yields */
	local_log[local_len++] = 'a';
	lb_co_yield();
	local_log[local_len++] = 'A';
}

static void test_wake_local(void)
{
	struct lb_evctx *ctx = lb_evctx_new();
	struct lb_co *a;

	lb_evctx_attach(ctx);
	lb_co_enter(lb_co_create(local_b_entry, NULL));
	a = lb_co_create(local_a_entry, NULL);
	lb_co_enter(a);
	local_log[local_len++] = '|';
	lb_co_enter(a);
	tap_ok(strcmp(local_log, "aB|A") == 0,
	       "lb_co_wake inside a coroutine of the same context runs the target after the waker yields (%s)",
	       local_log);
	lb_evctx_detach();
	lb_evctx_free(ctx);
}

static void test_wake_cross(void)
{
	struct loop_thread lt;
	struct waker_co w;
	int parked, resumed;

	memset(&w, 0, sizeof(w));
	loop_start(&lt);
	lb_co_schedule(lt.ctx, lb_co_create(recording_entry, &w));
	parked = wait_flag(&w.parked, 5000);
	lb_co_wake(w.co); /* from a thread without a context: scheduled */
	resumed = wait_flag(&w.done, 5000);
	tap_ok(parked && resumed && w.resumes == 1 && w.wrong_thread == 0 &&
		       pthread_equal(w.thread, lt.th),
	       "lb_co_wake from another thread resumes the coroutine on its home thread");
	tap_ok(loop_stop(&lt), "loop stopped");
}

/* The waker's wake is processed only after the target yields. */
struct early_wake {
	struct lb_co *co;
	unsigned int published, woken, yielded, resumed, bad;
};

static void early_entry(void *arg)
{
	struct early_wake *e = arg;

	e->co = lb_co_self();
	lb_store_release(&e->published, 1);
	/* Still running: the other thread wakes us now. */
	while (!lb_load_acquire(&e->woken))
		lb_cpu_relax();
	e->yielded = 1;
	lb_co_yield();
	if (!e->yielded)
		e->bad = 1;
	lb_store_release(&e->resumed, 1);
}

static void test_wake_before_yield(void)
{
	struct loop_thread lt;
	struct early_wake e;
	int resumed;

	memset(&e, 0, sizeof(e));
	loop_start(&lt);
	lb_co_schedule(lt.ctx, lb_co_create(early_entry, &e));
	wait_flag(&e.published, 5000);
	lb_co_wake(e.co); /* target has not yielded yet */
	lb_store_release(&e.woken, 1);
	resumed = wait_flag(&e.resumed, 5000);
	tap_ok(resumed && !e.bad,
	       "a wake issued before the target yields resumes it after the yield");
	tap_ok(loop_stop(&lt), "loop stopped");
}

/* ---- lb_evctx_run_coroutines ---- */

static unsigned int group_total;

static void group_entry(void *arg)
{
	unsigned long i, n = (unsigned long)(uintptr_t)arg;

	for (i = 0; i < n; i++) {
		group_total++;
		lb_co_schedule(lb_co_home(lb_co_self()), lb_co_self());
		lb_co_yield();
	}
}

static void test_run_coroutines(void)
{
	struct lb_evctx *ctx = lb_evctx_new();
	void *args[16];
	unsigned int i;

	for (i = 0; i < 16; i++)
		args[i] = (void *)(uintptr_t)(i * 10);
	lb_evctx_run_coroutines(ctx, group_entry, args, 16);
	tap_ok(group_total == 10 * (15 * 16 / 2) && lb_evctx_current() == NULL,
	       "lb_evctx_run_coroutines runs 16 coroutines to termination (%u yields)",
	       group_total);
	lb_evctx_free(ctx);
}

/* ---- cross-thread schedule stress ---- */

#define ST_THREADS 4
#define ST_PER_THREAD 8
#define ST_COS (ST_THREADS * ST_PER_THREAD)

struct st_co {
	struct lb_co *co;
	pthread_t home;
	struct lb_evctx *ctx;
	unsigned int id;
	uint64_t wakes; /* wakes issued to it (any thread, atomic) */
	uint64_t resumes; /* times it was resumed (itself) */
	uint64_t bad_thread, bad_slot;
	uint64_t issued, cross; /* wakes it issued, cross-thread ones */
} lb_cacheline_aligned;

static struct st_co st_cos[ST_COS];
/* A parked coroutine publishes itself in its slot; wakers xchg it out. */
static struct {
	struct st_co *p;
} lb_cacheline_aligned st_slots[ST_COS];
static uint64_t st_target;
static uint64_t st_cross_total;
static unsigned int st_done;
static unsigned int st_threads_done;
static struct lb_evctx *st_ctx[ST_THREADS];

static unsigned int st_rand(unsigned int *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 16;
}

static void st_wake(struct st_co *self, struct st_co *other)
{
	lb_fetch_add_relaxed(&other->wakes, 1);
	self->issued++;
	if (other->ctx != self->ctx)
		self->cross++;
	lb_co_wake(other->co);
}

/* Park, hand our token to another parked coroutine, yield. */
static void st_turn(struct st_co *s, unsigned int *seed, bool hand)
{
	unsigned int start = st_rand(seed) % ST_COS, k;

	__atomic_store_n(&st_slots[s->id].p, s, __ATOMIC_SEQ_CST);
	for (k = 0; hand && k < ST_COS; k++) {
		unsigned int j = (start + k) % ST_COS;
		struct st_co *o;

		if (j == s->id)
			continue;
		o = __atomic_exchange_n(&st_slots[j].p, NULL, __ATOMIC_SEQ_CST);
		if (o) {
			st_wake(s, o);
			hand = false;
		}
	}
	if (hand &&
	    __atomic_exchange_n(&st_slots[s->id].p, NULL, __ATOMIC_SEQ_CST)) {
		/* Nobody parked: keep the token, let our neighbours run. */
		lb_fetch_add_relaxed(&s->wakes, 1);
		s->issued++;
		lb_co_schedule(s->ctx, s->co);
	}
	lb_co_yield();
	s->resumes++;
	if (!pthread_equal(pthread_self(), s->home) ||
	    lb_evctx_current() != s->ctx)
		s->bad_thread++;
	if (__atomic_load_n(&st_slots[s->id].p, __ATOMIC_SEQ_CST) == s)
		s->bad_slot++;
}

static void st_entry(void *arg)
{
	struct st_co *s = arg;
	unsigned int seed = s->id * 7919u + 1;
	uint64_t reported = 0;

	s->co = lb_co_self();
	s->home = pthread_self();
	s->ctx = lb_evctx_current();
	/* Half of them start without a token: park without handing. */
	st_turn(s, &seed, s->id % 2 == 0);
	while (!lb_load_acquire(&st_done)) {
		st_turn(s, &seed, true);
		if (s->cross - reported >= 256) {
			uint64_t t = lb_fetch_add_relaxed(&st_cross_total,
							  s->cross - reported);

			if (t + s->cross - reported >= st_target)
				lb_store_release(&st_done, 1);
			reported = s->cross;
		}
	}
}

static void *st_thread(void *arg)
{
	unsigned int t = (unsigned int)(uintptr_t)arg;
	void *args[ST_PER_THREAD];
	unsigned int i;

	for (i = 0; i < ST_PER_THREAD; i++)
		args[i] = &st_cos[t * ST_PER_THREAD + i];
	lb_evctx_run_coroutines(st_ctx[t], st_entry, args, ST_PER_THREAD);
	lb_fetch_add_release(&st_threads_done, 1);
	return NULL;
}

static void test_stress(void)
{
	pthread_t th[ST_THREADS];
	uint64_t t0, t1, issued = 0, cross = 0;
	uint64_t bad_thread = 0, bad_slot = 0, mismatched = 0, kicks = 0;
	uint64_t holes = 0, sleeps = 0;
	const char *env = getenv("LB_TEST_SCHEDULES");
	unsigned int i;

#ifdef LB_CO_TSAN
	st_target = 200000;
#else
	st_target = 1000000;
#endif
	if (env)
		st_target = strtoull(env, NULL, 10);
	for (i = 0; i < ST_COS; i++)
		st_cos[i].id = i;
	for (i = 0; i < ST_THREADS; i++)
		st_ctx[i] = lb_evctx_new();
	t0 = lb_now_ns();
	for (i = 0; i < ST_THREADS; i++)
		lb_check_pthread(pthread_create(&th[i], NULL, st_thread,
						(void *)(uintptr_t)i));
	/* Stop: once done is set, wake every parked coroutine until all end. */
	while (!lb_load_acquire(&st_done))
		sleep_ms(5);
	while (lb_load_acquire(&st_threads_done) < ST_THREADS) {
		for (i = 0; i < ST_COS; i++) {
			struct st_co *o = __atomic_exchange_n(
				&st_slots[i].p, NULL, __ATOMIC_SEQ_CST);

			if (o) {
				lb_fetch_add_relaxed(&o->wakes, 1);
				lb_co_wake(o->co);
			}
		}
		sleep_ms(1);
	}
	t1 = lb_now_ns();
	for (i = 0; i < ST_THREADS; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < ST_COS; i++) {
		struct st_co *s = &st_cos[i];

		issued += s->issued;
		cross += s->cross;
		bad_thread += s->bad_thread;
		bad_slot += s->bad_slot;
		mismatched += s->wakes != s->resumes;
	}
	for (i = 0; i < ST_THREADS; i++) {
		struct lb_evctx_stats st;

		lb_evctx_get_stats(st_ctx[i], &st);
		kicks += st.kicks;
		holes += st.holes;
		sleeps += st.sleeps;
		lb_evctx_free(st_ctx[i]);
	}
	tap_diag("stress: %llu schedules (%llu cross-thread) in %.2f s: %.0f/s",
		 (unsigned long long)issued, (unsigned long long)cross,
		 (double)(t1 - t0) / 1e9,
		 (double)issued * 1e9 / (double)(t1 - t0));
	tap_diag(
		"stress: %llu sleeps, %llu eventfd kicks, %llu enqueues caught half-way",
		(unsigned long long)sleeps, (unsigned long long)kicks,
		(unsigned long long)holes);
	tap_ok(cross >= st_target && mismatched == 0 && bad_slot == 0,
	       "%d threads x %d coroutines: every coroutine resumed exactly once per wake",
	       ST_THREADS, ST_PER_THREAD);
	tap_ok(bad_thread == 0,
	       "every resumption on the coroutine's home thread");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_plan(NTESTS);
	test_aborts();
	test_stop();
	test_bh_basic();
	test_bh_stress();
	test_wake_direct();
	test_wake_local();
	test_wake_cross();
	test_wake_before_yield();
	test_run_coroutines();
	test_stress();
	lb_co_pool_flush();
	return tap_done();
}
