/* SPDX-License-Identifier: MIT */
/*
 * pthread_mutex.h - glibc's pthread_mutex_t, the baseline every other
 * method is compared with.
 *
 * Policy
 *   fairness:  none.  An unlocking thread that re-locks at once usually wins
 *              against the waiter it just woke (barging); under contention a
 *              few threads can take most acquisitions.
 *   sleeps:    yes, on the futex word inside the mutex (glibc lowlevellock:
 *              0 free, 1 locked, 2 locked with possible waiters).
 *   ordering:  acquire on lock, release on unlock (POSIX memory model).
 *   counted:   nothing: glibc's futex calls, and the adaptive variant's
 *              spinning, happen inside glibc where lb_futex_stats cannot
 *              see them.  waits, wakes, spins and spin_iters stay 0 (use
 *              the context switches, csw/op, to see them sleep).
 *   variants:  `pthread` is PTHREAD_MUTEX_NORMAL (default attributes);
 *              `pthread-adaptive` is PTHREAD_MUTEX_ADAPTIVE_NP, which spins
 *              a bounded, self-tuning number of times (glibc tunable
 *              glibc.pthread.mutex_spin_count, default 100) before sleeping.
 *              `pthread-recursive` is PTHREAD_MUTEX_RECURSIVE (an owner and
 *              a count on top of the normal mutex), what QEMU replaced
 *              RFifoLock with (QemuRecMutex, 3fe7122337).
 *   source:    glibc nptl/pthread_mutex_lock.c.
 */
#ifndef LB_LOCKS_PTHREAD_MUTEX_H
#define LB_LOCKS_PTHREAD_MUTEX_H

#include <pthread.h>

#include "locks/lock.h"

struct pmutex {
	pthread_mutex_t mutex;
};

static inline int pmutex_init_type(void *lock, int type)
{
	struct pmutex *m = lock;
	pthread_mutexattr_t attr;
	int err;

	lb_check_pthread(pthread_mutexattr_init(&attr));
	lb_check_pthread(pthread_mutexattr_settype(&attr, type));
	err = pthread_mutex_init(&m->mutex, &attr);
	pthread_mutexattr_destroy(&attr);
	return -err;
}

static inline int pmutex_init(void *lock, const struct lb_lock_cfg *cfg)
{
	return pmutex_init_type(lock, PTHREAD_MUTEX_NORMAL);
}

static inline int pmutex_adaptive_init(void *lock,
				       const struct lb_lock_cfg *cfg)
{
	return pmutex_init_type(lock, PTHREAD_MUTEX_ADAPTIVE_NP);
}

static inline int pmutex_recursive_init(void *lock,
					const struct lb_lock_cfg *cfg)
{
	return pmutex_init_type(lock, PTHREAD_MUTEX_RECURSIVE);
}

static inline void pmutex_destroy(void *lock)
{
	struct pmutex *m = lock;

	lb_check_pthread(pthread_mutex_destroy(&m->mutex));
}

static inline void pmutex_lock(void *lock, void *node)
{
	struct pmutex *m = lock;

	lb_check_pthread(pthread_mutex_lock(&m->mutex));
}

static inline void pmutex_unlock(void *lock, void *node)
{
	struct pmutex *m = lock;

	lb_check_pthread(pthread_mutex_unlock(&m->mutex));
}

static inline bool pmutex_trylock(void *lock, void *node)
{
	struct pmutex *m = lock;

	return pthread_mutex_trylock(&m->mutex) == 0;
}

#define pmutex_adaptive_destroy pmutex_destroy
#define pmutex_adaptive_lock pmutex_lock
#define pmutex_adaptive_unlock pmutex_unlock
#define pmutex_adaptive_trylock pmutex_trylock
#define pmutex_recursive_destroy pmutex_destroy
#define pmutex_recursive_lock pmutex_lock
#define pmutex_recursive_unlock pmutex_unlock
#define pmutex_recursive_trylock pmutex_trylock

#define pmutex_DESC                                                      \
	.name = "pthread",                                               \
	.summary = "glibc pthread_mutex_t, default attributes (unfair)", \
	.source = "glibc nptl", .flags = LB_SLEEPS,                      \
	.lock_size = sizeof(struct pmutex), .node_size = 0,              \
	.trylock = pmutex_trylock

#define pmutex_adaptive_DESC                                            \
	.name = "pthread-adaptive",                                     \
	.summary = "glibc PTHREAD_MUTEX_ADAPTIVE_NP: spin, then sleep", \
	.source = "glibc nptl", .flags = LB_SLEEPS,                     \
	.lock_size = sizeof(struct pmutex), .node_size = 0,             \
	.trylock = pmutex_trylock

#define pmutex_recursive_DESC                                             \
	.name = "pthread-recursive",                                      \
	.summary = "glibc PTHREAD_MUTEX_RECURSIVE (QEMU's QemuRecMutex)", \
	.source = "glibc nptl", .flags = LB_SLEEPS | LB_RECURSIVE,        \
	.lock_size = sizeof(struct pmutex), .node_size = 0,               \
	.trylock = pmutex_trylock

#endif /* LB_LOCKS_PTHREAD_MUTEX_H */
