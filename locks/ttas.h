/* SPDX-License-Identifier: MIT */
/*
 * ttas.h - test-and-test-and-set spinlock with bounded exponential backoff.
 *
 * Policy
 *   fairness:  none.  Whoever exchanges the word first after it turns 0
 *              wins; a waiter deep in its backoff loses to every newcomer
 *              and to the unlocker coming straight back.  No FIFO claim, no
 *              queued() probe.
 *   sleeps:    never.  Waiters spin read-only on the shared word (the
 *              "test" before the "test-and-set"), so they hit in their own
 *              cache until the unlock invalidates the line; after a lost
 *              exchange they back off for a randomised, doubling number of
 *              pause instructions, from TTAS_BACKOFF_MIN up to
 *              TTAS_BACKOFF_MAX, so that fewer of them storm the line at
 *              once.  With more threads than CPUs a preempted holder stalls
 *              everybody, as with every spinlock.
 *   counted:   lb_futex_stats spins and spin_iters: one spin phase per
 *              contended acquisition, whose turns are the pauses of the
 *              read-only test loop plus those of every backoff.  Never
 *              sleeps: no waits, wakes or spin_then_slept.
 *   ordering:  lock is the acquire exchange that returns 0 (also the acquire
 *              cmpxchg of trylock); unlock is the release store of 0.  The
 *              release store publishes the critical section; the next
 *              winner's acquire exchange reads that 0 (or a later value in
 *              its modification order written by exchanges, which are RMWs
 *              and so continue the release sequence), so the section
 *              happens-before the next one.  The read-only "test" spin is
 *              relaxed: it is only a hint, the exchange decides.
 *   source:    Rudolph & Segall, "Dynamic decentralized cache schemes for
 *              MIMD parallel processors", ISCA 1984 (test-and-test-and-set);
 *              Anderson, "The performance of spin lock alternatives for
 *              shared-memory multiprocessors", IEEE TPDS 1990 (exponential
 *              backoff); Herlihy & Shavit, "The Art of Multiprocessor
 *              Programming", 7.4 (BackoffLock).
 *
 * The word: TTAS_FREE (0) or TTAS_LOCKED (1); 0 -> 1 only by an exchange or
 * cmpxchg of a locker, 1 -> 0 only by the holder's release store.
 */
#ifndef LB_LOCKS_TTAS_H
#define LB_LOCKS_TTAS_H

#include <stdint.h>

#include "locks/lock.h"
#include "runtime/atomics.h"
#include "runtime/futex.h"

/* Pause instructions of the first and the longest backoff (powers of 2). */
#define TTAS_BACKOFF_MIN 4u
#define TTAS_BACKOFF_MAX 1024u

enum { TTAS_FREE = 0, TTAS_LOCKED = 1 };

struct ttas {
	uint32_t word; /* TTAS_FREE or TTAS_LOCKED */
} lb_cacheline_aligned;

static inline int ttas_init(void *lock, const struct lb_lock_cfg *cfg)
{
	struct ttas *t = lock;

	t->word = TTAS_FREE;
	return 0;
}

static inline void ttas_destroy(void *lock)
{
	struct ttas *t = lock;

	lb_bug_on(lb_load_relaxed(&t->word) != TTAS_FREE);
}

/*
 * Spin for a random number of pauses in [limit/2, limit), then double the
 * limit up to TTAS_BACKOFF_MAX.  Randomising de-synchronises waiters that
 * lost the same exchange; @seed is a per-call xorshift state.  Returns the
 * number of pauses.
 */
static inline uint32_t ttas_backoff(uint32_t *limit, uint32_t *seed)
{
	uint32_t x = *seed, n, i;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*seed = x;
	n = *limit / 2 + (x & (*limit / 2 - 1));
	for (i = 0; i < n; i++)
		lb_cpu_relax();
	if (*limit < TTAS_BACKOFF_MAX)
		*limit *= 2;
	return n;
}

/* Contended path, out of line so the fast path stays small. */
static lb_noinline lb_unused void ttas_lock_slow(struct ttas *t)
{
	uint32_t limit = TTAS_BACKOFF_MIN;
	/* Any per-thread, per-call value seeds it; never 0. */
	uint32_t seed = (uint32_t)(uintptr_t)&limit | 1;
	uint64_t turns = 0;

	for (;;) {
		/* Test: wait read-only until the lock looks free. */
		while (lb_load_relaxed(&t->word) != TTAS_FREE) {
			lb_cpu_relax();
			turns++;
		}
		/* And set.  Acquire pairs with the release in ttas_unlock(). */
		if (lb_xchg_acquire(&t->word, TTAS_LOCKED) == TTAS_FREE)
			break;
		/* Somebody else won the race for the free lock: back off. */
		turns += ttas_backoff(&limit, &seed);
	}
	lb_spin_account(turns, false);
}

static inline void ttas_lock(void *lock, void *node)
{
	struct ttas *t = lock;

	/* Uncontended: one exchange, as a plain TAS would do. */
	if (lb_likely(lb_xchg_acquire(&t->word, TTAS_LOCKED) == TTAS_FREE))
		return;
	ttas_lock_slow(t);
}

static inline bool ttas_trylock(void *lock, void *node)
{
	struct ttas *t = lock;

	/* Test first, so a failing trylock does not take the line. */
	return lb_load_relaxed(&t->word) == TTAS_FREE &&
	       lb_cmpxchg_acquire(&t->word, TTAS_FREE, TTAS_LOCKED);
}

static inline void ttas_unlock(void *lock, void *node)
{
	struct ttas *t = lock;

	/* Release: publishes the critical section to the next exchange. */
	lb_store_release(&t->word, TTAS_FREE);
}

#define ttas_DESC                                                            \
	.name = "ttas",                                                      \
	.summary = "test-and-test-and-set spinlock, bounded exponential "    \
		   "backoff (unfair)",                                       \
	.source = "Rudolph & Segall 1984; Anderson 1990 (backoff)",          \
	.flags = LB_SPINS, .lock_size = sizeof(struct ttas), .node_size = 0, \
	.trylock = ttas_trylock

#endif /* LB_LOCKS_TTAS_H */
