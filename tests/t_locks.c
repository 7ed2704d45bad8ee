/* SPDX-License-Identifier: MIT */
/*
 * t_locks.c - the generic validation every registered sync method passes
 * before it is benchmarked:
 *   - mutual exclusion under stress: N threads x M acquisitions (some by
 *     trylock), a plain counter that must come out exact and an "inside"
 *     flag that catches two holders at once;
 *   - FIFO order, for methods that claim it: waiters are queued one at a
 *     time (the method's queued() probe says when each is in line, so no
 *     sleep is needed) and must acquire in that order;
 *   - trylock semantics, where offered: fails while another thread holds
 *     the lock, succeeds on a free one;
 *   - reader/writer exclusion, for LB_RW methods: readers and writers
 *     mixed; a writer is never inside with anybody, and the counter the
 *     writers increment comes out exact.
 * Built a second time with ThreadSanitizer (make check-tsan), with smaller
 * counts (LB_TEST_SCALE=tsan).
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "locks/lock.h"
#include "runtime/atomics.h"
#include "runtime/clock.h"
#include "runtime/coroutine.h"
#include "runtime/evloop.h"
#include "tests/cothread.h"
#include "tests/tap.h"

#define FIFO_WAITERS 4
#define FIFO_ROUNDS 3
#define QUEUE_TIMEOUT_NS 20000000000ull

static unsigned int stress_iters = 50000;

struct shared {
	const struct lb_lock_ops *ops;
	void *lock;
	uint64_t counter; /* protected by the lock */
	unsigned int inside; /* holders right now, by relaxed xchg */
	unsigned int overlaps; /* times a holder found another inside */
	unsigned int readers, max_readers; /* LB_RW: readers inside, atomic */
	uint64_t writes; /* LB_RW: incremented atomically after unlock */
	unsigned int ready; /* workers at the start line */
	unsigned int go; /* set once all are there */
	unsigned int held; /* FIFO test: the holder is inside */
	unsigned int early; /* FIFO test: waiters in while held */
	unsigned int order[FIFO_WAITERS];
	unsigned int norder; /* protected by the lock */
};

/* One locker: a thread, or a coroutine in a thread's event loop. */
struct tworker {
	struct shared *sh;
	void *node;
	unsigned int id;
	unsigned int iters;
	bool use_trylock;
};

static void acquire(struct tworker *w, unsigned int i)
{
	const struct lb_lock_ops *ops = w->sh->ops;

	if (w->use_trylock && ops->trylock && i % 4 == 0) {
		while (!ops->trylock(w->sh->lock, w->node))
			cot_pause();
		return;
	}
	ops->lock(w->sh->lock, w->node);
}

/*
 * Everybody starts together, so that the critical sections really overlap
 * in time: without this a lock that never waits can pass on two CPUs,
 * because each thread runs its whole loop alone.
 */
static void start_line(struct shared *sh)
{
	__atomic_fetch_add(&sh->ready, 1, __ATOMIC_RELAXED);
	while (!__atomic_load_n(&sh->go, __ATOMIC_ACQUIRE))
		cot_pause();
}

static void open_start_line(struct shared *sh, unsigned int n)
{
	while (__atomic_load_n(&sh->ready, __ATOMIC_RELAXED) < n)
		sched_yield();
	__atomic_store_n(&sh->go, 1, __ATOMIC_RELEASE);
}

static void stress_body(void *arg)
{
	struct tworker *w = arg;
	struct shared *sh = w->sh;
	unsigned int i, j;

	start_line(sh);
	for (i = 0; i < w->iters; i++) {
		acquire(w, i);
		if (__atomic_exchange_n(&sh->inside, 1, __ATOMIC_RELAXED))
			__atomic_fetch_add(&sh->overlaps, 1, __ATOMIC_RELAXED);
		sh->counter++;
		/* Critical sections of 0 to ~200 cycles. */
		for (j = 0; j < (i % 16) * 8; j++)
			lb_barrier();
		__atomic_store_n(&sh->inside, 0, __ATOMIC_RELAXED);
		sh->ops->unlock(sh->lock, w->node);
	}
}

static unsigned int stress_threads(const struct lb_lock_ops *ops)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	/*
	 * A spinning lock with more threads than CPUs hands the lock to
	 * preempted waiters and crawls at scheduler speed: correct, but too
	 * slow for a test.  The benchmark covers oversubscription.
	 */
	if (ops->flags & LB_SPINS)
		return cpus < 2 ? 2 : cpus > 4 ? 4 : (unsigned int)cpus;
	return 4;
}

/*
 * A delegating method pays two cross-thread wake-ups per acquisition (tens
 * of microseconds on a VM): a tenth of the iterations stress it as much.
 */
static unsigned int iters_for(const struct lb_lock_ops *ops)
{
	return ops->flags & LB_DELEGATES ? stress_iters / 10 : stress_iters;
}

/*
 * @n threads of @k workers (coroutines when k > 1 or the method needs
 * them) run @body @iters times each on a fresh lock of @sh->ops, every
 * other one by trylock now and then if @trylock; the counts stay in @sh.
 */
static void stress_run(struct shared *sh, unsigned int n, unsigned int k,
		       void (*body)(void *), unsigned int iters, bool trylock)
{
	const struct lb_lock_ops *ops = sh->ops;
	struct cothread *t = lb_xzalloc(n * sizeof(*t));
	struct tworker *w = lb_xzalloc(n * k * sizeof(*w));
	void *args[COT_MAX];
	unsigned int i, j;

	sh->lock = lb_xaligned_zalloc(LB_PAD_SIZE, ops->lock_size);
	lb_bug_on(ops->init(sh->lock, NULL));
	for (i = 0; i < n * k; i++)
		w[i] = (struct tworker){ .sh = sh,
					 .node = node_new(ops),
					 .id = i,
					 .iters = iters,
					 .use_trylock = trylock && i % 2 == 1 };
	for (i = 0; i < n; i++) {
		for (j = 0; j < k; j++)
			args[j] = &w[i * k + j];
		cothread_spawn(&t[i], k > 1 || needs_coroutine(ops), body, args,
			       k);
	}
	open_start_line(sh, n * k);
	cothread_join(t, n);
	ops->destroy(sh->lock);
	for (i = 0; i < n * k; i++)
		free(w[i].node);
	free(w);
	free(t);
	free(sh->lock);
}

static void test_exclusion(const struct lb_lock_ops *ops, unsigned int n,
			   unsigned int k)
{
	struct shared sh = { .ops = ops };
	unsigned int iters = iters_for(ops) / k;
	uint64_t want = (uint64_t)n * k * iters;

	stress_run(&sh, n, k, stress_body, iters, true);
	tap_ok(sh.counter == want && !sh.overlaps,
	       "%s: mutual exclusion, %u threads x %u%s x %u: counter %llu of "
	       "%llu, %u overlaps",
	       ops->name, n, k, k > 1 ? " coroutines" : "", iters,
	       (unsigned long long)sh.counter, (unsigned long long)want,
	       sh.overlaps);
}

static void fifo_body(void *arg)
{
	struct tworker *w = arg;
	struct shared *sh = w->sh;

	sh->ops->lock(sh->lock, w->node);
	/* The holder clears ->held just before it unlocks. */
	if (__atomic_load_n(&sh->held, __ATOMIC_RELAXED))
		__atomic_fetch_add(&sh->early, 1, __ATOMIC_RELAXED);
	sh->order[sh->norder++] = w->id;
	sh->ops->unlock(sh->lock, w->node);
}

/* Wait until @want lockers are queued behind @holder; false on timeout. */
static bool wait_queued(struct shared *sh, void *holder, unsigned int want)
{
	uint64_t deadline = lb_now_ns() + QUEUE_TIMEOUT_NS;

	while (sh->ops->queued(sh->lock, holder) < want) {
		if (lb_now_ns() > deadline)
			return false;
		sched_yield();
	}
	return true;
}

struct fifo_round {
	struct shared sh;
	struct cothread t[FIFO_WAITERS];
	struct tworker w[FIFO_WAITERS];
	unsigned int started;
	bool queued;
	char why[128];
};

/*
 * The holder: take the lock, start the waiters one at a time, each only
 * once the previous one is in line, then let them all go.  Runs on the
 * main thread, in a coroutine for coroutine methods.
 */
static void fifo_holder(void *arg)
{
	struct fifo_round *r = arg;
	const struct lb_lock_ops *ops = r->sh.ops;
	void *holder = node_new(ops);
	unsigned int i;

	ops->lock(r->sh.lock, holder);
	__atomic_store_n(&r->sh.held, 1, __ATOMIC_RELAXED);
	r->queued = true;
	for (i = 0; i < FIFO_WAITERS && r->queued; i++) {
		r->w[i] = (struct tworker){ .sh = &r->sh,
					    .node = node_new(ops),
					    .id = i };
		cothread_spawn(&r->t[i], needs_coroutine(ops), fifo_body,
			       (void *[]){ &r->w[i] }, 1);
		r->started++;
		r->queued = wait_queued(&r->sh, holder, i + 1);
	}
	if (!r->queued)
		snprintf(r->why, sizeof(r->why),
			 "waiter %u never showed as queued", i - 1);
	__atomic_store_n(&r->sh.held, 0, __ATOMIC_RELAXED);
	ops->unlock(r->sh.lock, holder);
	free(holder);
}

static bool fifo_round(const struct lb_lock_ops *ops, char *why, size_t len)
{
	struct fifo_round *r = lb_xzalloc(sizeof(*r));
	struct lb_evctx *ev;
	bool ok;
	unsigned int i;

	r->sh.ops = ops;
	r->sh.lock = lb_xaligned_zalloc(LB_PAD_SIZE, ops->lock_size);
	lb_bug_on(ops->init(r->sh.lock, NULL));
	ev = cothread_run_here_if(needs_coroutine(ops), fifo_holder, r);
	cothread_join(r->t, r->started);
	if (ev)
		lb_evctx_free(ev);
	ok = r->queued && !r->sh.early;
	snprintf(why, len, "%s", r->why);
	if (r->sh.early)
		snprintf(why, len, "%u waiters got the lock while it was held",
			 r->sh.early);
	for (i = 0; ok && i < FIFO_WAITERS; i++) {
		if (r->sh.order[i] != i) {
			snprintf(why, len, "acquisition %u went to waiter %u",
				 i, r->sh.order[i]);
			ok = false;
		}
	}
	for (i = 0; i < r->started; i++)
		free(r->w[i].node);
	ops->destroy(r->sh.lock);
	free(r->sh.lock);
	free(r);
	return ok;
}

static void test_fifo(const struct lb_lock_ops *ops)
{
	char why[128] = "";
	unsigned int r;
	bool ok = true;

	for (r = 0; r < FIFO_ROUNDS && ok; r++)
		ok = fifo_round(ops, why, sizeof(why));
	tap_ok(ok, "%s: FIFO order of %d queued waiters, %u rounds%s%s",
	       ops->name, FIFO_WAITERS, FIFO_ROUNDS, ok ? "" : ": ", why);
}

/*
 * Reader/writer mix: one operation in four writes.  A writer checks that
 * nobody else is inside; a reader, that no writer is.
 */
static void rw_body(void *arg)
{
	struct tworker *w = arg;
	struct shared *sh = w->sh;
	unsigned int i, j, n, max;

	start_line(sh);
	for (i = 0; i < w->iters; i++) {
		if ((i + w->id) % 4 == 0) {
			sh->ops->lock(sh->lock, w->node);
			if (__atomic_exchange_n(&sh->inside, 1,
						__ATOMIC_RELAXED) ||
			    lb_load_relaxed(&sh->readers))
				lb_fetch_add_relaxed(&sh->overlaps, 1);
			sh->counter++;
			for (j = 0; j < i % 8; j++)
				lb_barrier();
			lb_store_relaxed(&sh->inside, 0);
			sh->ops->unlock(sh->lock, w->node);
			lb_fetch_add_relaxed(&sh->writes, 1);
			continue;
		}
		sh->ops->rdlock(sh->lock, w->node);
		n = lb_fetch_add_relaxed(&sh->readers, 1) + 1;
		max = lb_load_relaxed(&sh->max_readers);
		if (n > max)
			lb_store_relaxed(&sh->max_readers, n); /* a hint */
		if (lb_load_relaxed(&sh->inside))
			lb_fetch_add_relaxed(&sh->overlaps, 1);
		for (j = 0; j < i % 8; j++)
			lb_barrier();
		/* Now and then linger, so that readers overlap. */
		if (i % 16 == 1)
			cot_pause();
		if (lb_load_relaxed(&sh->inside))
			lb_fetch_add_relaxed(&sh->overlaps, 1);
		__atomic_fetch_sub(&sh->readers, 1, __ATOMIC_RELAXED);
		sh->ops->rdunlock(sh->lock, w->node);
	}
}

static void test_rw(const struct lb_lock_ops *ops, unsigned int n,
		    unsigned int k)
{
	struct shared sh = { .ops = ops };
	unsigned int iters = iters_for(ops) / k;

	stress_run(&sh, n, k, rw_body, iters, false);
	tap_ok(sh.writes && sh.counter == sh.writes && !sh.overlaps,
	       "%s: reader/writer exclusion, %u threads x %u%s x %u (1 in 4 "
	       "writes): counter %llu of %llu writes, %u overlaps, up to %u "
	       "readers inside",
	       ops->name, n, k, k > 1 ? " coroutines" : "", iters,
	       (unsigned long long)sh.counter, (unsigned long long)sh.writes,
	       sh.overlaps, sh.max_readers);
}

struct try_case {
	struct shared sh;
	struct tworker other;
	void *node;
	bool free_ok, held_fails, after_ok;
};

static void try_other(void *arg)
{
	struct tworker *w = arg;

	/* Record the result in ->iters: 1 if the trylock succeeded. */
	w->iters = w->sh->ops->trylock(w->sh->lock, w->node);
	if (w->iters)
		w->sh->ops->unlock(w->sh->lock, w->node);
}

static void try_body(void *arg)
{
	struct try_case *c = arg;
	const struct lb_lock_ops *ops = c->sh.ops;
	struct cothread t;

	c->free_ok = ops->trylock(c->sh.lock, c->node);
	cothread_spawn(&t, needs_coroutine(ops), try_other,
		       (void *[]){ &c->other }, 1);
	cothread_join(&t, 1);
	c->held_fails = c->free_ok && !c->other.iters;
	if (c->free_ok)
		ops->unlock(c->sh.lock, c->node);
	c->after_ok = ops->trylock(c->sh.lock, c->node);
	if (c->after_ok)
		ops->unlock(c->sh.lock, c->node);
}

static void test_trylock(const struct lb_lock_ops *ops)
{
	struct try_case *c = lb_xzalloc(sizeof(*c));
	struct lb_evctx *ev;

	c->sh.ops = ops;
	c->other = (struct tworker){ .sh = &c->sh, .node = node_new(ops) };
	c->node = node_new(ops);
	c->sh.lock = lb_xaligned_zalloc(LB_PAD_SIZE, ops->lock_size);
	lb_bug_on(ops->init(c->sh.lock, NULL));
	ev = cothread_run_here_if(needs_coroutine(ops), try_body, c);
	if (ev)
		lb_evctx_free(ev);
	tap_ok(c->free_ok && c->held_fails && c->after_ok,
	       "%s: trylock: free %s, held by another %s, after unlock %s",
	       ops->name, c->free_ok ? "succeeds" : "FAILS",
	       c->held_fails ? "fails" : "DOES NOT FAIL",
	       c->after_ok ? "succeeds" : "FAILS");
	ops->destroy(c->sh.lock);
	free(c->sh.lock);
	free(c->node);
	free(c->other.node);
	free(c);
}

/* Thread x coroutine shapes for coroutine methods. */
static const unsigned int co_shapes[][2] = { { 1, 8 }, { 2, 1 }, { 4, 4 } };

static int plan_for(const struct lb_lock_ops *ops)
{
	int shapes = needs_coroutine(ops) ? (int)LB_ARRAY_SIZE(co_shapes) : 1;

	/* A reader/writer method without reader operations is a bug. */
	lb_bug_on(!(ops->flags & LB_RW) != !ops->rdlock ||
		  !ops->rdlock != !ops->rdunlock);
	return shapes * (1 + !!(ops->flags & LB_RW)) + !!ops->trylock +
	       !!(ops->flags & LB_FAIR);
}

int main(void)
{
	const char *scale = getenv("LB_TEST_SCALE");
	unsigned int i;
	int plan = 0;

	alarm(600); /* a deadlocked lock fails the test, never hangs it */
	if (scale && !strcmp(scale, "tsan"))
		stress_iters = 3000;
	for (i = 0; i < lb_nlocks; i++)
		if (!(lb_locks[i]->flags & (LB_TEST_ONLY | LB_NO_EXCLUSION)))
			plan += plan_for(lb_locks[i]);
	tap_plan(plan);
	for (i = 0; i < lb_nlocks; i++) {
		const struct lb_lock_ops *ops = lb_locks[i];

		/* `none` excludes nothing by design: the harness floor. */
		if (ops->flags & (LB_TEST_ONLY | LB_NO_EXCLUSION))
			continue;
		if (needs_coroutine(ops)) {
			unsigned int j;

			for (j = 0; j < LB_ARRAY_SIZE(co_shapes); j++)
				test_exclusion(ops, co_shapes[j][0],
					       co_shapes[j][1]);
			for (j = 0; ops->rdlock && j < LB_ARRAY_SIZE(co_shapes);
			     j++)
				test_rw(ops, co_shapes[j][0], co_shapes[j][1]);
		} else {
			test_exclusion(ops, stress_threads(ops), 1);
			if (ops->rdlock)
				test_rw(ops, stress_threads(ops), 1);
		}
		if (ops->trylock)
			test_trylock(ops);
		if (ops->flags & LB_FAIR) {
			lb_bug_on(!ops->queued);
			test_fifo(ops);
		}
	}
	return tap_done();
}
