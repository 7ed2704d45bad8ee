/* SPDX-License-Identifier: MIT */
/*
 * rfifolock.h - RFifoLock: a recursive FIFO lock with a contention
 * callback, made for "acquire another thread's event context".
 *
 * Policy
 *   fairness:  strict FIFO: every non-recursive acquisition takes a ticket
 *              (tail++) and waits until head reaches it; unlock advances
 *              head.  Nobody barges: a free lock with waiters is already
 *              promised to the first of them.
 *   recursion: the owner re-acquires without a ticket (nesting++); only the
 *              outermost unlock advances head.  Unlock by a thread that is
 *              not the owner (or of a free lock) aborts with file and line.
 *   sleeps:    yes: a waiter sleeps on a condition variable of its own,
 *              under the lock's internal pthread mutex.
 *   counted:   nothing.  Our code never spins; the waiting happens inside
 *              glibc (pthread_mutex_lock, pthread_cond_wait), whose futex
 *              calls and spinning lb_futex_stats cannot see: waits, wakes,
 *              spins and spin_iters stay 0.
 *   callback:  rfifolock_set_callback(cb, opaque): cb(opaque) is called by
 *              every thread that must wait, before each sleep, WITH THE
 *              INTERNAL MUTEX HELD.  Its purpose is to kick the owner out
 *              of a blocking poll so that it releases the lock (the owner
 *              is an event loop that holds its context around poll).  The
 *              callback must be short and must not lock or unlock this
 *              RFifoLock (it would deadlock on the internal mutex), nor
 *              take a lock that an owner may hold while calling us.
 *   ordering:  every field is read and written under the internal mutex,
 *              so lock is acquire and unlock is release (the pthread mutex
 *              orders the critical sections it separates).
 *   source:    Stefan Hajnoczi, QEMU util/rfifolock.c (2da61b671e, 2014;
 *              removed by 3fe7122337, 2016), as described in ALGORITHMS.md
 *              1e.  Our own code, improved as below.
 *
 * Improvement over QEMU: a wake-up per ticket, not a broadcast.  QEMU's
 * waiters shared one condition variable and unlock broadcast it: with N
 * waiters every hand-off woke all N, N-1 of which found that the ticket was
 * not theirs, re-took the internal mutex one after the other and slept
 * again, O(N) context switches per hand-off, all on the path that delays
 * the next owner.  Here each sleeping waiter queues a record with its own
 * condition variable (on its stack) in ticket order, and unlock signals
 * exactly the record whose ticket is the new head: one wake-up per
 * hand-off, whatever N.  The records are in ticket order because a waiter
 * takes its ticket and appends its record in one critical section.
 *
 * State (all under ->mutex)
 *   head        ticket being served; tail  next ticket to hand out.
 *               head == tail: free; tail - head - 1 waiters otherwise.
 *   owner       the owning thread, meaningful while nesting > 0.
 *   nesting     the owner's depth.  0 while free or being handed over.
 *   waiters     records of sleeping waiters, oldest (lowest ticket) first.
 */
#ifndef LB_LOCKS_RFIFOLOCK_H
#define LB_LOCKS_RFIFOLOCK_H

#include <pthread.h>

#include "locks/lock.h"
#include "runtime/compiler.h"

/* A sleeping waiter; lives on its stack while it waits. */
struct rfifolock_waiter {
	struct rfifolock_waiter *next;
	unsigned int ticket;
	pthread_cond_t cond; /* signalled once, by the unlock that serves us */
};

struct rfifolock {
	pthread_mutex_t mutex; /* protects everything below */
	unsigned int head, tail;
	unsigned int nesting;
	pthread_t owner;
	struct rfifolock_waiter *wait_head, *wait_tail;
	void (*cb)(void *opaque);
	void *cb_opaque;
} lb_cacheline_aligned;

static inline int rfifolock_init(void *lock, const struct lb_lock_cfg *cfg)
{
	struct rfifolock *l = lock;

	l->head = l->tail = l->nesting = 0;
	l->wait_head = l->wait_tail = NULL;
	l->cb = NULL;
	l->cb_opaque = NULL;
	return -pthread_mutex_init(&l->mutex, NULL);
}

static inline void rfifolock_destroy(void *lock)
{
	struct rfifolock *l = lock;

	lb_bug_on(l->nesting || l->head != l->tail);
	lb_check_pthread(pthread_mutex_destroy(&l->mutex));
}

/**
 * rfifolock_set_callback - call @cb(@opaque) whenever a locker must wait
 *
 * @cb runs with the internal mutex held (see the policy block).  NULL
 * removes it.  Exclusion: none (under the internal mutex).
 */
static inline void rfifolock_set_callback(struct rfifolock *l,
					  void (*cb)(void *opaque),
					  void *opaque)
{
	lb_check_pthread(pthread_mutex_lock(&l->mutex));
	l->cb = cb;
	l->cb_opaque = opaque;
	lb_check_pthread(pthread_mutex_unlock(&l->mutex));
}

/* Called with ->mutex held: sleep until @ticket is served. */
static inline void rfifolock_wait(struct rfifolock *l, unsigned int ticket)
{
	struct rfifolock_waiter w = { .next = NULL, .ticket = ticket };

	lb_check_pthread(pthread_cond_init(&w.cond, NULL));
	if (l->wait_tail)
		l->wait_tail->next = &w;
	else
		l->wait_head = &w;
	l->wait_tail = &w;
	do {
		/* Kick the owner; the internal mutex is held. */
		if (l->cb)
			l->cb(l->cb_opaque);
		lb_check_pthread(pthread_cond_wait(&w.cond, &l->mutex));
	} while (l->head != ticket); /* spurious wake-ups just loop */
	/* We are served, so we are the oldest record. */
	lb_bug_on(l->wait_head != &w);
	l->wait_head = w.next;
	if (!l->wait_head)
		l->wait_tail = NULL;
	/*
	 * The unlocker signalled with the mutex held and we hold it again:
	 * its pthread_cond_signal has returned, destroying is safe.
	 */
	lb_check_pthread(pthread_cond_destroy(&w.cond));
}

static inline void rfifolock_lock(void *lock, void *node)
{
	struct rfifolock *l = lock;
	pthread_t self = pthread_self();
	unsigned int ticket;

	lb_check_pthread(pthread_mutex_lock(&l->mutex));
	/* Recursive: owner already, no ticket. */
	if (l->nesting && pthread_equal(l->owner, self)) {
		l->nesting++;
		lb_check_pthread(pthread_mutex_unlock(&l->mutex));
		return;
	}
	ticket = l->tail++;
	if (ticket != l->head)
		rfifolock_wait(l, ticket);
	l->owner = self;
	l->nesting = 1;
	lb_check_pthread(pthread_mutex_unlock(&l->mutex));
}

static inline bool rfifolock_trylock(void *lock, void *node)
{
	struct rfifolock *l = lock;
	pthread_t self = pthread_self();
	bool ok = true;

	lb_check_pthread(pthread_mutex_lock(&l->mutex));
	if (l->nesting && pthread_equal(l->owner, self)) {
		l->nesting++;
	} else if (l->head == l->tail) { /* free, nobody queued */
		l->tail++;
		l->owner = self;
		l->nesting = 1;
	} else {
		ok = false;
	}
	lb_check_pthread(pthread_mutex_unlock(&l->mutex));
	return ok;
}

static inline void rfifolock_unlock(void *lock, void *node)
{
	struct rfifolock *l = lock;

	lb_check_pthread(pthread_mutex_lock(&l->mutex));
	if (!l->nesting || !pthread_equal(l->owner, pthread_self()))
		lb_die("rfifolock_unlock: lock %p is not held by this thread",
		       lock);
	if (--l->nesting == 0) {
		l->head++;
		/* Wake exactly the waiter whose ticket is served now. */
		if (l->wait_head) {
			lb_bug_on(l->wait_head->ticket != l->head);
			lb_check_pthread(
				pthread_cond_signal(&l->wait_head->cond));
		}
	}
	lb_check_pthread(pthread_mutex_unlock(&l->mutex));
}

/* Tests only: tickets taken behind the holder (their order is fixed). */
static inline unsigned int rfifolock_queued(void *lock, void *holder_node)
{
	struct rfifolock *l = lock;
	unsigned int n;

	lb_check_pthread(pthread_mutex_lock(&l->mutex));
	n = l->tail == l->head ? 0 : l->tail - l->head - 1;
	lb_check_pthread(pthread_mutex_unlock(&l->mutex));
	return n;
}

/* The owner's nesting depth if the caller owns @lock, else 0 (tests). */
static inline unsigned int rfifolock_depth(struct rfifolock *l)
{
	unsigned int n;

	lb_check_pthread(pthread_mutex_lock(&l->mutex));
	n = l->nesting && pthread_equal(l->owner, pthread_self()) ? l->nesting :
								    0;
	lb_check_pthread(pthread_mutex_unlock(&l->mutex));
	return n;
}

#define rfifolock_DESC                                                      \
	.name = "rfifolock",                                                \
	.summary = "recursive FIFO ticket lock with a contention callback " \
		   "(QEMU's RFifoLock), one wake-up per hand-off",          \
	.source = "QEMU util/rfifolock.c (Hajnoczi 2014)",                  \
	.flags = LB_FAIR | LB_RECURSIVE | LB_SLEEPS,                        \
	.lock_size = sizeof(struct rfifolock), .node_size = 0,              \
	.trylock = rfifolock_trylock, .queued = rfifolock_queued

#endif /* LB_LOCKS_RFIFOLOCK_H */
