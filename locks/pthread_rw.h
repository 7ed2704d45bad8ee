/* SPDX-License-Identifier: MIT */
/*
 * pthread_rw.h - glibc's pthread_rwlock_t with default attributes, the
 * baseline for reader/writer locks (method `pthread-rw`).
 *
 * Policy
 *   fairness:  none, and readers first.  The default kind is
 *              PTHREAD_RWLOCK_PREFER_READER_NP: a reader gets in whenever
 *              readers hold the lock, even if writers are waiting, so a
 *              continuous stream of overlapping readers starves writers
 *              indefinitely.  (PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP
 *              would stop new readers while a writer waits; we measure the
 *              default that programs get.)  Among writers, no order.
 *   sleeps:    yes, on futex words inside the rwlock (glibc 2.25+
 *              implementation: __readers holds the reader count and phase
 *              bits, __writers_futex and __wrphase_futex the waits).
 *   ordering:  acquire on rdlock/wrlock, release on unlock (POSIX memory
 *              model).
 *   counted:   nothing: glibc's futex calls are invisible to
 *              lb_futex_stats; waits, wakes, spins and spin_iters stay 0.
 *   context:   a thread, or a coroutine that does not yield while holding
 *              it (a waiter blocks its whole thread).
 *   source:    glibc nptl/pthread_rwlock_common.c (Torvald Riegel, 2017).
 */
#ifndef LB_LOCKS_PTHREAD_RW_H
#define LB_LOCKS_PTHREAD_RW_H

#include <pthread.h>

#include "locks/lock.h"

struct prwlock {
	pthread_rwlock_t rwlock;
};

static inline int prwlock_init(void *lock, const struct lb_lock_cfg *cfg)
{
	struct prwlock *rw = lock;

	return -pthread_rwlock_init(&rw->rwlock, NULL);
}

static inline void prwlock_destroy(void *lock)
{
	struct prwlock *rw = lock;

	lb_check_pthread(pthread_rwlock_destroy(&rw->rwlock));
}

/* The writer's lock. */
static inline void prwlock_lock(void *lock, void *node)
{
	struct prwlock *rw = lock;

	lb_check_pthread(pthread_rwlock_wrlock(&rw->rwlock));
}

static inline void prwlock_unlock(void *lock, void *node)
{
	struct prwlock *rw = lock;

	lb_check_pthread(pthread_rwlock_unlock(&rw->rwlock));
}

static inline bool prwlock_trylock(void *lock, void *node)
{
	struct prwlock *rw = lock;

	return pthread_rwlock_trywrlock(&rw->rwlock) == 0;
}

static inline void prwlock_rdlock(void *lock, void *node)
{
	struct prwlock *rw = lock;

	lb_check_pthread(pthread_rwlock_rdlock(&rw->rwlock));
}

#define prwlock_rdunlock prwlock_unlock

#define prwlock_DESC                                                      \
	.name = "pthread-rw",                                             \
	.summary = "glibc pthread_rwlock_t, default attributes (readers " \
		   "first, unfair)",                                      \
	.source = "glibc nptl", .flags = LB_RW | LB_SLEEPS,               \
	.lock_size = sizeof(struct prwlock), .node_size = 0,              \
	.trylock = prwlock_trylock, LB_RW_OPS(prwlock)

#endif /* LB_LOCKS_PTHREAD_RW_H */
