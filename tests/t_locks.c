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
 *     the lock, succeeds on a free one.
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
	unsigned int order[FIFO_WAITERS];
	unsigned int norder; /* protected by the lock */
};

struct tworker {
	struct shared *sh;
	void *node;
	unsigned int id;
	unsigned int iters;
	bool use_trylock;
	pthread_t thread;
};

static void *node_new(const struct lb_lock_ops *ops)
{
	return ops->node_size ?
		       lb_xaligned_zalloc(LB_PAD_SIZE, ops->node_size) :
		       NULL;
}

static void acquire(struct tworker *w, unsigned int i)
{
	const struct lb_lock_ops *ops = w->sh->ops;

	if (w->use_trylock && ops->trylock && i % 4 == 0) {
		while (!ops->trylock(w->sh->lock, w->node))
			sched_yield();
		return;
	}
	ops->lock(w->sh->lock, w->node);
}

static void *stress_main(void *arg)
{
	struct tworker *w = arg;
	struct shared *sh = w->sh;
	unsigned int i, j;

	for (i = 0; i < w->iters; i++) {
		acquire(w, i);
		if (__atomic_exchange_n(&sh->inside, 1, __ATOMIC_RELAXED))
			__atomic_fetch_add(&sh->overlaps, 1, __ATOMIC_RELAXED);
		sh->counter++;
		for (j = 0; j < i % 8; j++)
			lb_barrier();
		__atomic_store_n(&sh->inside, 0, __ATOMIC_RELAXED);
		sh->ops->unlock(sh->lock, w->node);
	}
	return NULL;
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

static void test_exclusion(const struct lb_lock_ops *ops)
{
	unsigned int n = stress_threads(ops), i;
	struct shared sh = { .ops = ops };
	struct tworker *w = lb_xzalloc(n * sizeof(*w));

	sh.lock = lb_xaligned_zalloc(LB_PAD_SIZE, ops->lock_size);
	lb_bug_on(ops->init(sh.lock, NULL));
	for (i = 0; i < n; i++) {
		w[i] = (struct tworker){ .sh = &sh,
					 .node = node_new(ops),
					 .id = i,
					 .iters = stress_iters,
					 .use_trylock = i % 2 == 1 };
		lb_check_pthread(
			pthread_create(&w[i].thread, NULL, stress_main, &w[i]));
	}
	for (i = 0; i < n; i++)
		lb_check_pthread(pthread_join(w[i].thread, NULL));
	tap_ok(sh.counter == (uint64_t)n * stress_iters && !sh.overlaps,
	       "%s: mutual exclusion, %u threads x %u: counter %llu of %llu, "
	       "%u overlaps",
	       ops->name, n, stress_iters, (unsigned long long)sh.counter,
	       (unsigned long long)n * stress_iters, sh.overlaps);
	ops->destroy(sh.lock);
	for (i = 0; i < n; i++)
		free(w[i].node);
	free(w);
	free(sh.lock);
}

static void *fifo_waiter(void *arg)
{
	struct tworker *w = arg;
	struct shared *sh = w->sh;

	sh->ops->lock(sh->lock, w->node);
	sh->order[sh->norder++] = w->id;
	sh->ops->unlock(sh->lock, w->node);
	return NULL;
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

static bool fifo_round(const struct lb_lock_ops *ops, char *why, size_t len)
{
	struct shared sh = { .ops = ops };
	struct tworker w[FIFO_WAITERS];
	void *holder = node_new(ops);
	bool queued = true, ordered = true;
	unsigned int i;

	sh.lock = lb_xaligned_zalloc(LB_PAD_SIZE, ops->lock_size);
	lb_bug_on(ops->init(sh.lock, NULL));
	ops->lock(sh.lock, holder);
	for (i = 0; i < FIFO_WAITERS && queued; i++) {
		w[i] = (struct tworker){ .sh = &sh,
					 .node = node_new(ops),
					 .id = i };
		lb_check_pthread(
			pthread_create(&w[i].thread, NULL, fifo_waiter, &w[i]));
		queued = wait_queued(&sh, holder, i + 1);
	}
	if (!queued)
		snprintf(why, len, "waiter %u never showed as queued", i - 1);
	ops->unlock(sh.lock, holder);
	while (i--) {
		lb_check_pthread(pthread_join(w[i].thread, NULL));
		free(w[i].node);
	}
	for (i = 0; queued && i < FIFO_WAITERS; i++) {
		if (sh.order[i] != i) {
			snprintf(why, len, "acquisition %u went to waiter %u",
				 i, sh.order[i]);
			ordered = false;
			break;
		}
	}
	ops->destroy(sh.lock);
	free(sh.lock);
	free(holder);
	return queued && ordered;
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

static void *try_other(void *arg)
{
	struct tworker *w = arg;

	return (void *)(uintptr_t)w->sh->ops->trylock(w->sh->lock, w->node);
}

static void test_trylock(const struct lb_lock_ops *ops)
{
	struct shared sh = { .ops = ops };
	struct tworker other = { .sh = &sh, .node = node_new(ops) };
	void *node = node_new(ops), *got;
	bool free_ok, held_fails, after_ok;

	sh.lock = lb_xaligned_zalloc(LB_PAD_SIZE, ops->lock_size);
	lb_bug_on(ops->init(sh.lock, NULL));
	free_ok = ops->trylock(sh.lock, node);
	lb_check_pthread(
		pthread_create(&other.thread, NULL, try_other, &other));
	lb_check_pthread(pthread_join(other.thread, &got));
	held_fails = free_ok && !got;
	if (free_ok)
		ops->unlock(sh.lock, node);
	after_ok = ops->trylock(sh.lock, node);
	if (after_ok)
		ops->unlock(sh.lock, node);
	tap_ok(free_ok && held_fails && after_ok,
	       "%s: trylock: free %s, held by another %s, after unlock %s",
	       ops->name, free_ok ? "succeeds" : "FAILS",
	       held_fails ? "fails" : "DOES NOT FAIL",
	       after_ok ? "succeeds" : "FAILS");
	ops->destroy(sh.lock);
	free(sh.lock);
	free(node);
	free(other.node);
}

static int plan_for(const struct lb_lock_ops *ops)
{
	return 1 + !!ops->trylock + !!(ops->flags & LB_FAIR);
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
		if (!(lb_locks[i]->flags & LB_TEST_ONLY))
			plan += plan_for(lb_locks[i]);
	tap_plan(plan);
	for (i = 0; i < lb_nlocks; i++) {
		const struct lb_lock_ops *ops = lb_locks[i];

		if (ops->flags & LB_TEST_ONLY)
			continue;
		test_exclusion(ops);
		if (ops->trylock)
			test_trylock(ops);
		if (ops->flags & LB_FAIR) {
			lb_bug_on(!ops->queued);
			test_fifo(ops);
		}
	}
	return tap_done();
}
