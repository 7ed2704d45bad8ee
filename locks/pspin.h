/* SPDX-License-Identifier: MIT */
/*
 * pspin.h - glibc's pthread_spinlock_t, the spinning baseline.
 *
 * Policy
 *   fairness:  none.  Every waiter retries an atomic on the same word when
 *              it sees it free; the unlocker coming straight back often
 *              wins.  No FIFO claim, no queued() probe.
 *   sleeps:    never, and no backoff beyond glibc's read-only spin on the
 *              word between attempts.  With more threads than CPUs a
 *              preempted holder stalls everybody for a time slice.
 *   ordering:  acquire on lock, release on unlock (POSIX).  On x86-64
 *              glibc's word is 1 when free: lock is a LOCK DECL that must
 *              reach 0 (a full barrier), then a PAUSE and read-only spin
 *              until the word is positive again; unlock stores 1, a plain
 *              x86 store, which has release semantics.  The generic C
 *              version is an acquire exchange/cmpxchg 0 -> 1 paired with a
 *              release store of 0.  Either way the unlocker's store
 *              publishes its section to the next RMW that takes the lock.
 *   process:   PTHREAD_PROCESS_PRIVATE (glibc ignores the difference).
 *   counted:   nothing: glibc's spin loop is opaque (no hook, no count), so
 *              lb_futex_stats spins and spin_iters stay 0 although it
 *              spins.  Compare its cpu-us/op with ticket's or ttas's.
 *   source:    glibc sysdeps/x86_64/nptl/pthread_spin_lock.S (x86-64),
 *              nptl/pthread_spin_lock.c (generic test-and-test-and-set).
 */
#ifndef LB_LOCKS_PSPIN_H
#define LB_LOCKS_PSPIN_H

#include <pthread.h>

#include "locks/lock.h"

struct pspin {
	pthread_spinlock_t spin;
} lb_cacheline_aligned;

static inline int pspin_init(void *lock, const struct lb_lock_cfg *cfg)
{
	struct pspin *s = lock;

	return -pthread_spin_init(&s->spin, PTHREAD_PROCESS_PRIVATE);
}

static inline void pspin_destroy(void *lock)
{
	struct pspin *s = lock;

	lb_check_pthread(pthread_spin_destroy(&s->spin));
}

static inline void pspin_lock(void *lock, void *node)
{
	struct pspin *s = lock;

	lb_check_pthread(pthread_spin_lock(&s->spin));
}

static inline bool pspin_trylock(void *lock, void *node)
{
	struct pspin *s = lock;

	return pthread_spin_trylock(&s->spin) == 0;
}

static inline void pspin_unlock(void *lock, void *node)
{
	struct pspin *s = lock;

	lb_check_pthread(pthread_spin_unlock(&s->spin));
}

#define pspin_DESC                                             \
	.name = "pthread-spin",                                \
	.summary = "glibc pthread_spinlock_t (unfair, spins)", \
	.source = "glibc nptl", .flags = LB_SPINS,             \
	.lock_size = sizeof(struct pspin), .node_size = 0,     \
	.trylock = pspin_trylock

#endif /* LB_LOCKS_PSPIN_H */
