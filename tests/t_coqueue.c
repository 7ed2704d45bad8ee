/* SPDX-License-Identifier: MIT */
/*
 * t_coqueue.c - TAP tests of the CoQueue (locks/coqueue.h):
 *   - the empty queue: next returns false, restart_all wakes nobody;
 *   - FIFO wake order among coroutines of three threads, CoMutex as lock;
 *   - COQUEUE_WAIT_FRONT and restart_all, pthread mutex as lock;
 *   - next and enter_next from a plain thread that is not the waiters'
 *     home (no coroutine there at all);
 *   - enter_all and enter_next from a bottom half on the waiters' own
 *     thread: the woken coroutine runs inside the call and re-takes the
 *     lock, which only works because the call drops it (an error-checking
 *     mutex turns a regression into an abort, not a hang); and enter_all
 *     wakes only the waiters queued when it was called;
 *   - a bounded-buffer stress across threads (two queues as condition
 *     variables): every item is consumed exactly once.
 * Built a second time with ThreadSanitizer (make check-tsan).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "locks/coqueue.h"
#include "runtime/atomics.h"
#include "tests/cothread.h"
#include "tests/tap.h"

#define NWAIT 6

struct qtest {
	struct coqueue q;
	struct comutex cm;
	pthread_mutex_t pm;
	struct coqueue_lockable l; /* L: cm or pm */
	/* Protected by L. */
	unsigned int arrived[NWAIT], narrived;
	unsigned int woken[2 * NWAIT], nwoken;
	unsigned int front_id; /* waits with COQUEUE_WAIT_FRONT */
	unsigned int rewait_id; /* waits a second time once woken */
	struct lb_bh *bh; /* test 5's bottom half */
	/* Results of the drivers. */
	bool ok;
	char why[160];
};

struct qwaiter {
	struct qtest *t;
	unsigned int id;
};

static void qtest_init(struct qtest *t, bool pthread_lock, int mutex_type)
{
	pthread_mutexattr_t attr;

	memset(t, 0, sizeof(*t));
	coqueue_init(&t->q);
	comutex_init(&t->cm, NULL);
	lb_check_pthread(pthread_mutexattr_init(&attr));
	lb_check_pthread(pthread_mutexattr_settype(&attr, mutex_type));
	lb_check_pthread(pthread_mutex_init(&t->pm, &attr));
	pthread_mutexattr_destroy(&attr);
	t->l = pthread_lock ? coqueue_lockable_pthread(&t->pm) :
			      coqueue_lockable_comutex(&t->cm);
	t->front_id = t->rewait_id = ~0u;
	t->ok = true;
}

static void qtest_destroy(struct qtest *t)
{
	comutex_destroy(&t->cm);
	lb_check_pthread(pthread_mutex_destroy(&t->pm));
}

/* Read *@p under L. */
static unsigned int locked_read(struct qtest *t, const unsigned int *p)
{
	unsigned int v;

	t->l.lock(t->l.obj);
	v = *p;
	t->l.unlock(t->l.obj);
	return v;
}

static void fail(struct qtest *t, const char *why)
{
	if (t->ok)
		snprintf(t->why, sizeof(t->why), "%s", why);
	t->ok = false;
}

/* Arrive, wait, record the wake-up (and once more for rewait_id). */
static void waiter_body(void *arg)
{
	struct qwaiter *w = arg;
	struct qtest *t = w->t;

	t->l.lock(t->l.obj);
	t->arrived[t->narrived++] = w->id;
	coqueue_wait_flags(&t->q, &t->l,
			   w->id == t->front_id ? COQUEUE_WAIT_FRONT : 0);
	t->woken[t->nwoken++] = w->id;
	if (w->id == t->rewait_id) {
		coqueue_wait(&t->q, &t->l);
		t->woken[t->nwoken++] = w->id;
	}
	t->l.unlock(t->l.obj);
}

/* Wake whoever still waits (after a failure), so that threads can end. */
static void release_all(struct qtest *t)
{
	t->l.lock(t->l.obj);
	coqueue_enter_all(&t->q, &t->l);
	t->l.unlock(t->l.obj);
}

static bool same_order(const unsigned int *a, const unsigned int *b,
		       unsigned int n)
{
	return !memcmp(a, b, n * sizeof(*a));
}

static void format_order(char *buf, size_t len, const unsigned int *a,
			 unsigned int n)
{
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%u", i ? "," : "",
				 a[i]);
}

/* ---- 1. the empty queue ---- */

static void empty_body(void *arg)
{
	struct qtest *t = arg;

	t->l.lock(t->l.obj);
	t->ok = coqueue_empty(&t->q) && !coqueue_next(&t->q) &&
		coqueue_restart_all(&t->q) == 0 &&
		!coqueue_enter_next(&t->q, &t->l) &&
		coqueue_enter_all(&t->q, &t->l) == 0;
	t->l.unlock(t->l.obj);
}

static void test_empty(void)
{
	struct qtest t;

	qtest_init(&t, false, PTHREAD_MUTEX_NORMAL);
	lb_evctx_free(cothread_run_here(empty_body, &t));
	tap_ok(t.ok, "empty queue: next/enter_next false, restart_all/"
		     "enter_all wake 0, empty true");
	qtest_destroy(&t);
}

/* ---- 2. FIFO order across threads, CoMutex ---- */

static void fifo_driver(void *arg)
{
	struct qtest *t = arg;
	unsigned int i;
	bool next_ok = true, tail_ok;

	if (!COT_WAIT(locked_read(t, &t->narrived) == NWAIT)) {
		fail(t, "waiters never all arrived");
		return;
	}
	/* One at a time: the wake order is then the recorded order. */
	for (i = 0; i < NWAIT; i++) {
		t->l.lock(t->l.obj);
		next_ok &= coqueue_next(&t->q);
		t->l.unlock(t->l.obj);
		if (!COT_WAIT(locked_read(t, &t->nwoken) == i + 1)) {
			fail(t, "a woken waiter never ran");
			release_all(t);
			return;
		}
	}
	t->l.lock(t->l.obj);
	tail_ok = coqueue_empty(&t->q) && !coqueue_next(&t->q);
	t->l.unlock(t->l.obj);
	if (!next_ok)
		fail(t, "next returned false with waiters queued");
	else if (!tail_ok)
		fail(t, "queue not empty after waking everyone");
}

static void test_fifo_comutex(void)
{
	struct lb_evctx *ev;
	struct qtest t;
	struct qwaiter w[NWAIT];
	struct cothread th[3];
	char a[64], b[64];
	unsigned int i;

	qtest_init(&t, false, PTHREAD_MUTEX_NORMAL);
	for (i = 0; i < NWAIT; i++)
		w[i] = (struct qwaiter){ &t, i };
	for (i = 0; i < 3; i++) {
		void *args[2] = { &w[2 * i], &w[2 * i + 1] };

		cothread_start_k(&th[i], waiter_body, args, 2);
	}
	ev = cothread_run_here(fifo_driver, &t);
	cothread_join(th, 3);
	lb_evctx_free(ev);
	format_order(a, sizeof(a), t.arrived, t.narrived);
	format_order(b, sizeof(b), t.woken, t.nwoken);
	if (t.ok && !same_order(t.arrived, t.woken, NWAIT))
		fail(&t, "wake order differs from arrival order");
	tap_ok(t.ok,
	       "FIFO wake order, 3 threads x 2 coroutines, CoMutex: arrived "
	       "%s, woken %s%s%s",
	       a, b, t.ok ? "" : ": ", t.why);
	qtest_destroy(&t);
}

/* ---- 3. wait at front and restart_all, one context, pthread mutex ---- */

struct role {
	void (*fn)(void *arg);
	void *arg;
};

static void role_entry(void *arg)
{
	struct role *r = arg;

	r->fn(r->arg);
}

/*
 * @nw waiters, then @driver(@t), as coroutines of one event context on
 * this thread; they must be woken in the order @want (@n wake-ups), which
 * is left in @b.
 */
static void run_roles(struct qtest *t, unsigned int nw, void (*driver)(void *),
		      const unsigned int *want, unsigned int n, char *b,
		      size_t len)
{
	struct qwaiter w[NWAIT];
	struct role roles[NWAIT + 1];
	void *args[NWAIT + 1];
	struct lb_evctx *ev = lb_evctx_new();
	char e[64], why[80];
	unsigned int i;

	lb_bug_on(nw > NWAIT);
	for (i = 0; i < nw; i++) {
		w[i] = (struct qwaiter){ t, i };
		roles[i] = (struct role){ waiter_body, &w[i] };
	}
	roles[nw] = (struct role){ driver, t };
	for (i = 0; i <= nw; i++)
		args[i] = &roles[i];
	lb_evctx_run_coroutines(ev, role_entry, args, nw + 1);
	lb_evctx_free(ev);
	format_order(b, len, t->woken, t->nwoken);
	format_order(e, sizeof(e), want, n);
	snprintf(why, sizeof(why), "expected %s", e);
	if (t->ok && (t->nwoken != n || !same_order(t->woken, want, n)))
		fail(t, why);
}

static void front_driver(void *arg)
{
	struct qtest *t = arg;
	unsigned int n;

	/* The three waiters ran first (scheduled first) and are queued. */
	t->l.lock(t->l.obj);
	if (t->narrived != 3)
		fail(t, "waiters did not queue first");
	n = coqueue_restart_all(&t->q);
	if (n != 3)
		fail(t, "restart_all did not wake 3");
	if (!coqueue_empty(&t->q))
		fail(t, "queue not empty after restart_all");
	/* They run after we end, in wake order; L must be free by then. */
	t->l.unlock(t->l.obj);
}

static void test_front_restart_all(void)
{
	static const unsigned int want[3] = { 2, 0, 1 };
	struct qtest t;
	char b[64];

	qtest_init(&t, true, PTHREAD_MUTEX_ERRORCHECK);
	t.front_id = 2;
	run_roles(&t, 3, front_driver, want, 3, b, sizeof(b));
	tap_ok(t.ok,
	       "COQUEUE_WAIT_FRONT and restart_all, pthread mutex: waiter 2 "
	       "queued at the front, woken %s%s%s",
	       b, t.ok ? "" : ": ", t.why);
	qtest_destroy(&t);
}

/* ---- 4. a plain thread wakes coroutines of other threads ---- */

static void test_plain_thread_waker(void)
{
	struct qtest t;
	struct qwaiter w[4];
	struct cothread th[2];
	char a[64], b[64];
	unsigned int i;
	bool woke = true;

	qtest_init(&t, true, PTHREAD_MUTEX_ERRORCHECK);
	for (i = 0; i < 4; i++)
		w[i] = (struct qwaiter){ &t, i };
	for (i = 0; i < 2; i++) {
		void *args[2] = { &w[2 * i], &w[2 * i + 1] };

		cothread_start_k(&th[i], waiter_body, args, 2);
	}
	/* This thread has no event context and is not in a coroutine. */
	if (!COT_WAIT(locked_read(&t, &t.narrived) == 4))
		fail(&t, "waiters never all arrived");
	for (i = 0; t.ok && i < 4; i++) {
		t.l.lock(t.l.obj);
		/* Half with next (keeps L), half with enter_next (drops L). */
		woke &= i < 2 ? coqueue_next(&t.q) :
				coqueue_enter_next(&t.q, &t.l);
		t.l.unlock(t.l.obj);
		if (!COT_WAIT(locked_read(&t, &t.nwoken) == i + 1))
			fail(&t, "a woken waiter never ran");
	}
	t.l.lock(t.l.obj);
	if (t.ok && (!woke || coqueue_enter_next(&t.q, &t.l)))
		fail(&t, "next/enter_next return values");
	t.l.unlock(t.l.obj);
	if (!t.ok)
		release_all(&t);
	cothread_join(th, 2);
	format_order(a, sizeof(a), t.arrived, t.narrived);
	format_order(b, sizeof(b), t.woken, t.nwoken);
	if (t.ok && !same_order(t.arrived, t.woken, 4))
		fail(&t, "wake order differs from arrival order");
	tap_ok(t.ok,
	       "next and enter_next from a plain thread, pthread mutex: "
	       "arrived %s, woken %s%s%s",
	       a, b, t.ok ? "" : ": ", t.why);
	qtest_destroy(&t);
}

/* ---- 5. enter_all/enter_next on the waiters' own thread ---- */

static void home_bh(void *arg)
{
	struct qtest *t = arg;
	unsigned int n;

	t->l.lock(t->l.obj);
	/*
	 * Outside a coroutine on the waiters' home thread: each waiter runs
	 * inside lb_co_wake() and locks L (error-checking: EDEADLK, an abort,
	 * if we still held it).  Waiter 0 waits again at once; it was not
	 * queued when enter_all started, so it must not be woken by it.
	 */
	n = coqueue_enter_all(&t->q, &t->l);
	if (n != 2 || t->nwoken != 2)
		fail(t, "enter_all did not run exactly the 2 waiters");
	else if (coqueue_empty(&t->q))
		fail(t, "waiter 0 did not re-queue");
	else if (!coqueue_enter_next(&t->q, &t->l) || t->nwoken != 3)
		fail(t, "enter_next did not run waiter 0 again");
	else if (coqueue_enter_next(&t->q, &t->l))
		fail(t, "enter_next on an empty queue returned true");
	t->l.unlock(t->l.obj);
	lb_bh_free(t->bh);
}

static void home_driver(void *arg)
{
	struct qtest *t = arg;

	/* Our loop runs it after we end, outside any coroutine. */
	t->bh = lb_bh_new(lb_evctx_current(), home_bh, t);
	lb_bh_schedule(t->bh);
}

static void test_enter_from_home_thread(void)
{
	static const unsigned int want[3] = { 0, 1, 0 };
	struct qtest t;
	char b[64];

	qtest_init(&t, true, PTHREAD_MUTEX_ERRORCHECK);
	t.rewait_id = 0;
	run_roles(&t, 2, home_driver, want, 3, b, sizeof(b));
	tap_ok(t.ok,
	       "enter_all/enter_next from a bottom half on the waiters' "
	       "thread drop the lock; enter_all wakes only those queued: "
	       "woken %s%s%s",
	       b, t.ok ? "" : ": ", t.why);
	qtest_destroy(&t);
}

/* ---- 6. producer/consumer stress: a bounded buffer ---- */

#define CONSUMER_THREADS 2
#define CONSUMERS_PER_THREAD 3
#define PRODUCERS 2
#define CAPACITY 2

static unsigned int items_per_producer = 20000;

struct pc {
	struct comutex m;
	struct coqueue not_empty, not_full;
	struct coqueue_lockable l;
	/* Protected by m. */
	uint64_t avail, produced, consumed;
	unsigned int producers_left;
	uint64_t waits;
};

static void consumer_body(void *arg)
{
	struct pc *pc = arg;

	comutex_lock(&pc->m, NULL);
	for (;;) {
		while (!pc->avail && pc->producers_left) {
			pc->waits++;
			coqueue_wait(&pc->not_empty, &pc->l);
		}
		if (!pc->avail)
			break;
		pc->avail--;
		pc->consumed++;
		coqueue_next(&pc->not_full);
	}
	comutex_unlock(&pc->m, NULL);
}

static void producer_body(void *arg)
{
	struct pc *pc = arg;
	unsigned int i;

	comutex_lock(&pc->m, NULL);
	for (i = 0; i < items_per_producer; i++) {
		while (pc->avail >= CAPACITY) {
			pc->waits++;
			coqueue_wait(&pc->not_full, &pc->l);
		}
		pc->avail++;
		pc->produced++;
		coqueue_next(&pc->not_empty);
	}
	if (--pc->producers_left == 0)
		coqueue_restart_all(
			&pc->not_empty); /* nothing more will come */
	comutex_unlock(&pc->m, NULL);
}

static void test_producer_consumer(void)
{
	struct pc *pc = lb_xaligned_zalloc(LB_PAD_SIZE, sizeof(*pc));
	struct cothread th[CONSUMER_THREADS + 1];
	void *args[COT_MAX];
	unsigned int i;
	uint64_t want = (uint64_t)PRODUCERS * items_per_producer;

	comutex_init(&pc->m, NULL);
	coqueue_init(&pc->not_empty);
	coqueue_init(&pc->not_full);
	pc->l = coqueue_lockable_comutex(&pc->m);
	pc->producers_left = PRODUCERS;
	for (i = 0; i < COT_MAX; i++)
		args[i] = pc;
	for (i = 0; i < CONSUMER_THREADS; i++)
		cothread_start_k(&th[i], consumer_body, args,
				 CONSUMERS_PER_THREAD);
	cothread_start_k(&th[CONSUMER_THREADS], producer_body, args, PRODUCERS);
	cothread_join(th, CONSUMER_THREADS + 1);
	tap_ok(pc->produced == want && pc->consumed == want && !pc->avail &&
		       coqueue_empty(&pc->not_empty) &&
		       coqueue_empty(&pc->not_full),
	       "bounded buffer (capacity %d), %u producers, %u x %u "
	       "consumers, CoMutex: produced %llu, consumed %llu of %llu "
	       "(%llu waits)",
	       CAPACITY, PRODUCERS, CONSUMER_THREADS, CONSUMERS_PER_THREAD,
	       (unsigned long long)pc->produced,
	       (unsigned long long)pc->consumed, (unsigned long long)want,
	       (unsigned long long)pc->waits);
	comutex_destroy(&pc->m);
	free(pc);
}

int main(void)
{
	const char *scale = getenv("LB_TEST_SCALE");

	alarm(300); /* a lost wake-up fails the test, never hangs it */
	if (scale && !strcmp(scale, "tsan"))
		items_per_producer = 2000;
	tap_plan(6);
	test_empty();
	test_fifo_comutex();
	test_front_restart_all();
	test_plain_thread_waker();
	test_enter_from_home_thread();
	test_producer_consumer();
	return tap_done();
}
