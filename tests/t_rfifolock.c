/* SPDX-License-Identifier: MIT */
/*
 * t_rfifolock.c - what the generic validation (t_locks) does not cover for
 * RFifoLock: nesting, the contention callback, the one-wake-per-hand-off
 * queue, and the death of a non-owner unlock.  FIFO order and exclusion
 * across threads are in t_locks.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "locks/rfifolock.h"
#include "runtime/atomics.h"
#include "runtime/clock.h"
#include "tests/tap.h"
#include "tests/death.h"

#define DEPTH 100
#define WAIT_NS 20000000000ull /* bounded waits: 20 s, never a fixed sleep */

#if defined(__SANITIZE_THREAD__)
const char *__tsan_default_options(void);
/* The death test forks a process that starts one thread: allow it. */
const char *__tsan_default_options(void)
{
	return "die_after_fork=0";
}
#endif

static struct rfifolock *lock_new(void)
{
	struct rfifolock *l = lb_xaligned_zalloc(LB_PAD_SIZE, sizeof(*l));

	lb_bug_on(rfifolock_init(l, NULL));
	return l;
}

static void lock_free(struct rfifolock *l)
{
	rfifolock_destroy(l);
	free(l);
}

/* ---- nesting ---- */

static void *try_from_other(void *arg)
{
	struct rfifolock *l = arg;
	bool ok = rfifolock_trylock(l, NULL);

	if (ok)
		rfifolock_unlock(l, NULL);
	return (void *)(uintptr_t)ok;
}

static bool other_thread_can_lock(struct rfifolock *l)
{
	pthread_t t;
	void *ret;

	lb_check_pthread(pthread_create(&t, NULL, try_from_other, l));
	lb_check_pthread(pthread_join(t, &ret));
	return ret != NULL;
}

static void test_nesting(void)
{
	struct rfifolock *l = lock_new();
	unsigned int i, depth_top, depth_after;
	bool held_inside, free_after;

	for (i = 0; i < DEPTH; i++) {
		if (i % 2)
			rfifolock_lock(l, NULL);
		else
			lb_bug_on(!rfifolock_trylock(l, NULL));
	}
	depth_top = rfifolock_depth(l);
	for (i = 0; i < DEPTH - 1; i++)
		rfifolock_unlock(l, NULL);
	depth_after = rfifolock_depth(l);
	held_inside = !other_thread_can_lock(l);
	rfifolock_unlock(l, NULL);
	free_after = other_thread_can_lock(l);
	tap_ok(depth_top == DEPTH && depth_after == 1 && held_inside &&
		       free_after,
	       "nesting to depth %d: depth %u, %u after %d unlocks, %s by "
	       "others until the last unlock, %s after",
	       DEPTH, depth_top, depth_after, DEPTH - 1,
	       held_inside ? "held" : "NOT HELD",
	       free_after ? "free" : "NOT FREE");
	lock_free(l);
}

/* ---- the contention callback ---- */

struct cb_case {
	struct rfifolock *l;
	int pipefd[2];
	unsigned int calls; /* under the lock's internal mutex */
	unsigned int got_it; /* the waiter acquired (release store) */
};

/* Runs with the internal mutex held: only a write(2), as documented. */
static void kick_cb(void *opaque)
{
	struct cb_case *c = opaque;
	char b = 'k';

	c->calls++;
	if (write(c->pipefd[1], &b, 1) != 1)
		lb_die("write to pipe: errno %d", errno);
}

static void *cb_waiter(void *arg)
{
	struct cb_case *c = arg;

	rfifolock_lock(c->l, NULL);
	lb_store_release(&c->got_it, 1);
	rfifolock_unlock(c->l, NULL);
	return NULL;
}

static void test_callback(void)
{
	struct cb_case c = { .l = lock_new() };
	unsigned int calls_uncontended, got_before;
	pthread_t t;
	ssize_t n;
	char b = 0;

	if (pipe(c.pipefd))
		lb_die("pipe: errno %d", errno);
	rfifolock_set_callback(c.l, kick_cb, &c);
	/* Uncontended: no callback. */
	rfifolock_lock(c.l, NULL);
	rfifolock_lock(c.l, NULL);
	rfifolock_unlock(c.l, NULL);
	rfifolock_unlock(c.l, NULL);
	calls_uncontended = c.calls;

	rfifolock_lock(c.l, NULL);
	lb_check_pthread(pthread_create(&t, NULL, cb_waiter, &c));
	/* Blocks until the waiter's callback has written: no sleep. */
	do
		n = read(c.pipefd[0], &b, 1);
	while (n < 0 && errno == EINTR);
	got_before = lb_load_acquire(&c.got_it);
	rfifolock_unlock(c.l, NULL);
	lb_check_pthread(pthread_join(t, NULL));
	tap_ok(calls_uncontended == 0 && n == 1 && b == 'k' && !got_before &&
		       lb_load_acquire(&c.got_it) && c.calls >= 1,
	       "contention callback: %u calls uncontended, kicked the owner "
	       "through a pipe (%zd byte), waiter %s the kick, then "
	       "acquired; %u calls",
	       calls_uncontended, n,
	       got_before ? "HAD THE LOCK BEFORE" : "waited during", c.calls);
	rfifolock_set_callback(c.l, NULL, NULL);
	close(c.pipefd[0]);
	close(c.pipefd[1]);
	lock_free(c.l);
}

/* ---- one wake-up per hand-off ---- */

#define HANDOFF_WAITERS 4

struct handoff_case {
	struct rfifolock *l;
	unsigned int order[HANDOFF_WAITERS];
	unsigned int norder; /* under l */
};

struct handoff_waiter {
	struct handoff_case *c;
	unsigned int id;
	pthread_t t;
};

static void *handoff_main(void *arg)
{
	struct handoff_waiter *w = arg;

	rfifolock_lock(w->c->l, NULL);
	w->c->order[w->c->norder++] = w->id;
	rfifolock_unlock(w->c->l, NULL);
	return NULL;
}

/* Waiters queue records in ticket order; each unlock serves the next. */
static void test_handoff_order(void)
{
	struct handoff_case c = { .l = lock_new() };
	struct handoff_waiter w[HANDOFF_WAITERS];
	unsigned int i, queued = 0;
	uint64_t deadline = lb_now_ns() + WAIT_NS;
	bool in_order = true;

	rfifolock_lock(c.l, NULL);
	for (i = 0; i < HANDOFF_WAITERS; i++) {
		w[i] = (struct handoff_waiter){ .c = &c, .id = i };
		lb_check_pthread(
			pthread_create(&w[i].t, NULL, handoff_main, &w[i]));
		while ((queued = rfifolock_queued(c.l, NULL)) < i + 1 &&
		       lb_now_ns() < deadline)
			sched_yield();
	}
	rfifolock_unlock(c.l, NULL);
	for (i = 0; i < HANDOFF_WAITERS; i++)
		lb_check_pthread(pthread_join(w[i].t, NULL));
	for (i = 0; i < HANDOFF_WAITERS; i++)
		in_order &= c.order[i] == i;
	tap_ok(queued == HANDOFF_WAITERS && c.norder == HANDOFF_WAITERS &&
		       in_order && !c.l->wait_head,
	       "hand-off queue: %u waiters served in ticket order, queue "
	       "empty after",
	       c.norder);
	lock_free(c.l);
}

/* ---- unlock by a non-owner aborts ---- */

static void *lock_and_leave(void *arg)
{
	rfifolock_lock(arg, NULL);
	return NULL;
}

static void die_nonowner_unlock(void)
{
	struct rfifolock *l = lock_new();
	pthread_t t;

	lb_check_pthread(pthread_create(&t, NULL, lock_and_leave, l));
	lb_check_pthread(pthread_join(t, NULL));
	rfifolock_unlock(l, NULL); /* we never locked it */
}

static void die_unlock_free(void)
{
	rfifolock_unlock(lock_new(), NULL);
}

int main(void)
{
	alarm(300);
	tap_plan(6);
	test_nesting();
	test_callback();
	test_handoff_order();
	death_ok(die_nonowner_unlock, "is not held by this thread",
		 "unlock by a thread that is not the owner aborts");
	death_ok(die_unlock_free, "is not held by this thread",
		 "unlock of a free lock aborts");
	{
		/* Sanity: the registry has it with the flags we claim. */
		const struct lb_lock_ops *ops = lb_lock_find("rfifolock");

		tap_ok(ops &&
			       (ops->flags &
				(LB_FAIR | LB_RECURSIVE | LB_SLEEPS)) ==
				       (LB_FAIR | LB_RECURSIVE | LB_SLEEPS) &&
			       ops->queued && ops->trylock,
		       "registered as rfifolock (fair, recursive, sleeps, "
		       "queued probe, trylock)");
	}
	return tap_done();
}
