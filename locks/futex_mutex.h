/* SPDX-License-Identifier: MIT */
/*
 * futex_mutex.h - the classic three-state futex mutex.
 *
 * Policy
 *   fairness:  none: whoever exchanges the word first wins, including the
 *              unlocker coming straight back.
 *   sleeps:    yes, immediately (no spinning) on the lock word.
 *   counted:   lb_futex_stats waits (each FUTEX_WAIT, so a waiter that
 *              loses the word again after a wake-up counts twice) and wakes
 *              (each unlock that found FM_CONTENDED).  It never spins:
 *              spins, spin_iters and spin_then_slept stay 0.
 *   ordering:  acquire on every exchange/cmpxchg that takes the lock,
 *              release on the exchange that frees it.
 *   source:    Ulrich Drepper, "Futexes Are Tricky" (2011), mutex #3; the
 *              same protocol as glibc's lowlevellock.
 *
 * The futex word (struct futex_mutex.word), valid transitions:
 *
 *   FM_FREE      -> FM_LOCKED     uncontended lock (cmpxchg)
 *   any          -> FM_CONTENDED  a locker that must wait (exchange); if the
 *                                 exchange returned FM_FREE it owns the lock
 *   FM_LOCKED    -> FM_FREE       unlock, nobody to wake
 *   FM_CONTENDED -> FM_FREE       unlock, then FUTEX_WAKE one waiter
 *
 * A woken waiter re-enters with FM_CONTENDED because it cannot know whether
 * others still sleep: that costs at most one useless FUTEX_WAKE later.
 */
#ifndef LB_LOCKS_FUTEX_MUTEX_H
#define LB_LOCKS_FUTEX_MUTEX_H

#include <stdint.h>

#include "locks/lock.h"
#include "runtime/atomics.h"
#include "runtime/futex.h"

enum { FM_FREE = 0, FM_LOCKED = 1, FM_CONTENDED = 2 };

struct futex_mutex {
	uint32_t word;
} lb_cacheline_aligned;

static inline int futex_mutex_init(void *lock, const struct lb_lock_cfg *cfg)
{
	struct futex_mutex *m = lock;

	m->word = FM_FREE;
	return 0;
}

static inline void futex_mutex_destroy(void *lock)
{
	struct futex_mutex *m = lock;

	lb_bug_on(lb_load_relaxed(&m->word) != FM_FREE);
}

static inline void futex_mutex_lock(void *lock, void *node)
{
	struct futex_mutex *m = lock;

	/* Fast path; acquire pairs with the release exchange in unlock. */
	if (lb_cmpxchg_acquire(&m->word, FM_FREE, FM_LOCKED))
		return;
	/* Mark the lock contended; if it was free meanwhile, we own it. */
	while (lb_xchg_acquire(&m->word, FM_CONTENDED) != FM_FREE)
		lb_futex_wait(&m->word, FM_CONTENDED, NULL);
}

static inline bool futex_mutex_trylock(void *lock, void *node)
{
	struct futex_mutex *m = lock;

	return lb_cmpxchg_acquire(&m->word, FM_FREE, FM_LOCKED);
}

static inline void futex_mutex_unlock(void *lock, void *node)
{
	struct futex_mutex *m = lock;

	/* Release: publishes the critical section to the next acquirer. */
	if (lb_xchg_release(&m->word, FM_FREE) == FM_CONTENDED)
		lb_futex_wake(&m->word, 1);
}

#define futex_mutex_DESC                                                       \
	.name = "futex-mutex",                                                 \
	.summary = "three-state futex mutex (0 free, 1 locked, 2 contended)",  \
	.source = "Drepper, Futexes Are Tricky, mutex #3", .flags = LB_SLEEPS, \
	.lock_size = sizeof(struct futex_mutex), .node_size = 0,               \
	.trylock = futex_mutex_trylock

#endif /* LB_LOCKS_FUTEX_MUTEX_H */
