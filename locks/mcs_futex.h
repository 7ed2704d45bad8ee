/* SPDX-License-Identifier: MIT */
/*
 * mcs_futex.h - a fair mutex: an MCS queue lock whose waiters sleep on a
 * futex in their own queue node.
 *
 * Policy
 *   fairness:  strict FIFO.  The order is fixed by the exchange on ->tail;
 *              the lock is handed directly to the successor, so nobody can
 *              barge in between unlock and the successor's wake-up.
 *   sleeps:    yes, after a short bounded spin (cfg.spin_limit, default
 *              MCS_FUTEX_SPIN) on its own node, which no other waiter
 *              touches: each waiter spins and sleeps on its own cache line.
 *   counted:   lb_futex_stats: a waiter's spin on its node is a spin phase
 *              (spins, spin_iters: at most spin_limit turns); giving up
 *              counts spin_then_slept, each FUTEX_WAIT a wait (re-waits
 *              after spurious wake-ups too); a hand-off to a sleeper a
 *              wake.  The unlocker's wait for a successor's link is not
 *              counted.  Nothing on the fast path.
 *   ordering:  lock is acquire (the exchange on ->tail, or the load that sees
 *              MCS_GRANTED); unlock is release (the cmpxchg that empties the
 *              queue, or the exchange that grants the successor).
 *   source:    Mellor-Crummey & Scott, "Algorithms for Scalable
 *              Synchronization on Shared-Memory Multiprocessors", TOCS 1991;
 *              the futex-sleeping variant follows the fair mutex in QEMU's
 *              tests/unit/test-aio-multithread.c, improved as below.
 *
 * Improvements over the textbook/QEMU-test version
 *   - the hand-off is a release exchange, not a plain store, so the
 *     critical section is published to the successor on every memory model;
 *   - the "successor has swapped ->tail but not linked itself yet" wait
 *     spins with a pause instruction;
 *   - no FUTEX_WAKE system call unless the successor actually announced that
 *     it sleeps (the exchange returns MCS_SLEEPING): a successor that is
 *     still spinning gets the lock for the price of one cache-line transfer.
 *
 * The futex word: mcs_futex_node.state, written by its owner (the waiter)
 * and by its predecessor (the unlocker).  Valid transitions:
 *
 *   MCS_WAITING  -> MCS_GRANTED   predecessor hands over (waiter spinning)
 *   MCS_WAITING  -> MCS_SLEEPING  waiter gives up spinning (cmpxchg)
 *   MCS_SLEEPING -> MCS_GRANTED   predecessor hands over, then FUTEX_WAKE
 *   MCS_GRANTED  -> MCS_WAITING   the owner re-initialises the node for its
 *                                 next acquisition (before publishing it)
 *
 * A late FUTEX_WAKE may hit a node whose owner has already re-queued it: the
 * owner's futex wait loop treats that as the spurious wake-up it is.  Nodes
 * must therefore live as long as the lock (they do: the harness allocates
 * them per thread per lock), never on a stack that may be popped.
 */
#ifndef LB_LOCKS_MCS_FUTEX_H
#define LB_LOCKS_MCS_FUTEX_H

#include <stdint.h>

#include "locks/lock.h"
#include "runtime/atomics.h"
#include "runtime/futex.h"

#define MCS_FUTEX_SPIN 100

enum { MCS_GRANTED = 0, MCS_WAITING = 1, MCS_SLEEPING = 2 };

struct mcs_futex_node {
	/* Successor; written once by it (release), read by us in unlock. */
	struct mcs_futex_node *next;
	/* Futex word; see the transitions above. */
	uint32_t state;
} lb_cacheline_aligned;

struct mcs_futex {
	/* Last node in the queue, NULL when the lock is free. */
	struct mcs_futex_node *tail;
	unsigned int spin_limit; /* read-only after init */
} lb_cacheline_aligned;

static inline int mcs_futex_init(void *lock, const struct lb_lock_cfg *cfg)
{
	struct mcs_futex *l = lock;

	l->tail = NULL;
	l->spin_limit = cfg && cfg->spin_limit ? cfg->spin_limit :
						 MCS_FUTEX_SPIN;
	return 0;
}

static inline void mcs_futex_destroy(void *lock)
{
	struct mcs_futex *l = lock;

	lb_bug_on(lb_load_relaxed(&l->tail) != NULL);
}

/* Wait on our own node until the predecessor grants us the lock. */
static inline void mcs_futex_wait_granted(struct mcs_futex *l,
					  struct mcs_futex_node *n)
{
	unsigned int spins;

	for (spins = 0; spins < l->spin_limit; spins++) {
		/* Pairs with the release exchange in mcs_futex_unlock(). */
		if (lb_load_acquire(&n->state) == MCS_GRANTED) {
			lb_spin_account(spins, false);
			return;
		}
		lb_cpu_relax();
	}
	/*
	 * Announce that we sleep.  If the cmpxchg fails the state can only be
	 * MCS_GRANTED, and the acquire on failure pairs with the hand-off.
	 */
	if (!lb_cmpxchg_acquire(&n->state, MCS_WAITING, MCS_SLEEPING)) {
		lb_spin_account(spins, false);
		return;
	}
	lb_spin_account(spins, true);
	/* Spurious wake-ups and EINTR just loop. */
	while (lb_load_acquire(&n->state) != MCS_GRANTED)
		lb_futex_wait(&n->state, MCS_SLEEPING, NULL);
}

static inline void mcs_futex_lock(void *lock, void *node)
{
	struct mcs_futex *l = lock;
	struct mcs_futex_node *n = node, *prev;

	lb_store_relaxed(&n->next, NULL);
	lb_store_relaxed(&n->state, MCS_WAITING);
	/*
	 * Join the queue.  Release: publishes the two stores above to the
	 * predecessor, which reads our node after loading its ->next.
	 * Acquire: if the queue was empty we own the lock now, and must see
	 * the critical section of the unlocker whose release cmpxchg emptied
	 * the queue.
	 */
	prev = lb_xchg_acq_rel(&l->tail, n);
	if (!prev)
		return;
	/* Pairs with the acquire loads of ->next in mcs_futex_unlock(). */
	lb_store_release(&prev->next, n);
	mcs_futex_wait_granted(l, n);
}

static inline bool mcs_futex_trylock(void *lock, void *node)
{
	struct mcs_futex *l = lock;
	struct mcs_futex_node *n = node;

	if (lb_load_relaxed(&l->tail))
		return false;
	lb_store_relaxed(&n->next, NULL);
	lb_store_relaxed(&n->state, MCS_WAITING);
	/* Acquire as in mcs_futex_lock(); release publishes the node. */
	return __atomic_compare_exchange_n(&l->tail,
					   &(struct mcs_futex_node *){ NULL },
					   n, false, __ATOMIC_ACQ_REL,
					   __ATOMIC_RELAXED);
}

static inline void mcs_futex_unlock(void *lock, void *node)
{
	struct mcs_futex *l = lock;
	struct mcs_futex_node *n = node, *next;

	next = lb_load_acquire(&n->next);
	if (!next) {
		/*
		 * No successor linked.  If we are still the tail the queue is
		 * empty: free the lock (release: publishes our critical
		 * section to the next locker's acquire exchange).
		 */
		if (lb_cmpxchg_release(&l->tail, n, NULL))
			return;
		/* A successor swapped ->tail but has not linked itself yet. */
		while (!(next = lb_load_acquire(&n->next)))
			lb_cpu_relax();
	}
	/*
	 * Hand over.  Release: our critical section happens-before the
	 * successor's acquire load of MCS_GRANTED.  The exchange tells us,
	 * atomically with the grant, whether the successor went to sleep.
	 */
	if (lb_xchg_release(&next->state, MCS_GRANTED) == MCS_SLEEPING)
		lb_futex_wake(&next->state, 1);
}

/* Tests only: waiters linked behind @holder_node. */
static inline unsigned int mcs_futex_queued(void *lock, void *holder_node)
{
	struct mcs_futex_node *n = holder_node;
	unsigned int count = 0;

	while ((n = lb_load_acquire(&n->next)))
		count++;
	return count;
}

#define mcs_futex_DESC                                                       \
	.name = "mcs-futex",                                                 \
	.summary = "MCS queue lock, waiters spin briefly then sleep on a "   \
		   "futex in their own node (FIFO)",                         \
	.source = "Mellor-Crummey & Scott 1991; QEMU test-aio-multithread",  \
	.flags = LB_FAIR | LB_SLEEPS, .lock_size = sizeof(struct mcs_futex), \
	.node_size = sizeof(struct mcs_futex_node),                          \
	.trylock = mcs_futex_trylock, .queued = mcs_futex_queued

#endif /* LB_LOCKS_MCS_FUTEX_H */
