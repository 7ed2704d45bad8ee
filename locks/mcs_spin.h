/* SPDX-License-Identifier: MIT */
/*
 * mcs_spin.h - the classic MCS queue spinlock: every waiter spins on a flag
 * in its own queue node, and the holder hands the lock to its successor.
 *
 * Policy
 *   fairness:  strict FIFO.  The order is fixed by the exchange on ->tail;
 *              the lock passes directly from a holder to the node linked
 *              behind it, so nobody can barge in between.  queued() counts
 *              the nodes linked behind the holder.
 *   sleeps:    never.  Each waiter spins with a pause on its own node's
 *              ->granted (its own cache line): one hand-off costs one line
 *              transfer, whatever the number of waiters.  With more threads
 *              than CPUs a hand-off to a preempted waiter stalls the queue
 *              until the scheduler runs it (FIFO makes that worse than an
 *              unfair spinlock: the lock cannot skip the sleeper).
 *   counted:   lb_futex_stats spins and spin_iters: a queued waiter's spin
 *              on ->granted is one phase.  The unlocker's wait for a
 *              successor's link is not counted.  Never sleeps: no waits,
 *              wakes or spin_then_slept.
 *   ordering:  lock is acquire: either the exchange on ->tail that returns
 *              NULL (pairs with the release cmpxchg of the unlocker that
 *              emptied the queue) or the load that sees ->granted (pairs
 *              with the release store of the predecessor's hand-off).
 *              unlock is release: the cmpxchg that empties the queue or the
 *              store that grants the successor.  Node publication: the
 *              locker's relaxed initialisation of ->next and ->granted is
 *              published by the release half of its exchange on ->tail and
 *              by its release store of prev->next; the predecessor's acquire
 *              load of ->next makes them visible before it writes
 *              ->granted, so the grant cannot be overwritten by the
 *              initialisation.  The exchange's acquire half likewise makes
 *              prev's initialisation of prev->next happen before our link.
 *   source:    Mellor-Crummey & Scott, "Algorithms for Scalable
 *              Synchronization on Shared-Memory Multiprocessors", ACM TOCS
 *              9(1), 1991, figure 5 (list-based queuing lock).
 *
 * The node: per thread per lock, given by the harness (zeroed, lives as long
 * as the lock).  A node is reused only by its own thread, after its unlock
 * returned, and by then nobody else references it: the successor no longer
 * reads it once granted, and the predecessor wrote its last ->granted.
 */
#ifndef LB_LOCKS_MCS_SPIN_H
#define LB_LOCKS_MCS_SPIN_H

#include <stdint.h>

#include "locks/lock.h"
#include "runtime/atomics.h"
#include "runtime/futex.h"

struct mcs_spin_node {
	/* Successor; written once by it (release), read by us in unlock. */
	struct mcs_spin_node *next;
	/* 0 while waiting; set to 1 once (release) by the predecessor. */
	uint32_t granted;
} lb_cacheline_aligned;

struct mcs_spin {
	/* Last node in the queue (the holder if alone), NULL when free. */
	struct mcs_spin_node *tail;
} lb_cacheline_aligned;

static inline int mcs_spin_init(void *lock, const struct lb_lock_cfg *cfg)
{
	struct mcs_spin *l = lock;

	l->tail = NULL;
	return 0;
}

static inline void mcs_spin_destroy(void *lock)
{
	struct mcs_spin *l = lock;

	lb_bug_on(lb_load_relaxed(&l->tail) != NULL);
}

static inline void mcs_spin_lock(void *lock, void *node)
{
	struct mcs_spin *l = lock;
	struct mcs_spin_node *n = node, *prev;
	uint64_t turns = 0;

	lb_store_relaxed(&n->next, NULL);
	lb_store_relaxed(&n->granted, 0);
	/*
	 * Join the queue.  Release: publishes the two stores above.  Acquire:
	 * if the queue was empty we own the lock and must see the critical
	 * section of the unlocker that emptied it; otherwise we must see
	 * prev's own initialisation of prev->next before we overwrite it.
	 */
	prev = lb_xchg_acq_rel(&l->tail, n);
	if (!prev)
		return; /* the queue was empty: we own the lock */
	/* Link in; pairs with the acquire loads of ->next in unlock. */
	lb_store_release(&prev->next, n);
	/* Pairs with the release store of ->granted in mcs_spin_unlock(). */
	while (!lb_load_acquire(&n->granted)) {
		lb_cpu_relax();
		turns++;
	}
	lb_spin_account(turns, false);
}

static inline bool mcs_spin_trylock(void *lock, void *node)
{
	struct mcs_spin *l = lock;
	struct mcs_spin_node *n = node;

	if (lb_load_relaxed(&l->tail))
		return false;
	lb_store_relaxed(&n->next, NULL);
	lb_store_relaxed(&n->granted, 0);
	/* As the exchange in mcs_spin_lock(), but only into an empty queue. */
	return __atomic_compare_exchange_n(&l->tail,
					   &(struct mcs_spin_node *){ NULL }, n,
					   false, __ATOMIC_ACQ_REL,
					   __ATOMIC_RELAXED);
}

static inline void mcs_spin_unlock(void *lock, void *node)
{
	struct mcs_spin *l = lock;
	struct mcs_spin_node *n = node, *next;

	next = lb_load_acquire(&n->next);
	if (!next) {
		/*
		 * Nobody linked.  If we are still the tail, empty the queue;
		 * release publishes our critical section to the next locker's
		 * acquire exchange.
		 */
		if (lb_cmpxchg_release(&l->tail, n, NULL))
			return;
		/* A successor swapped ->tail but has not linked itself yet. */
		while (!(next = lb_load_acquire(&n->next)))
			lb_cpu_relax();
	}
	/* Hand over.  Release: our section happens-before the successor's. */
	lb_store_release(&next->granted, 1);
}

/* Tests only: waiters linked behind @holder_node. */
static inline unsigned int mcs_spin_queued(void *lock, void *holder_node)
{
	struct mcs_spin_node *n = holder_node;
	unsigned int count = 0;

	while ((n = lb_load_acquire(&n->next)))
		count++;
	return count;
}

#define mcs_spin_DESC                                                         \
	.name = "mcs-spin",                                                   \
	.summary = "MCS queue spinlock, each waiter spins on its own node "   \
		   "(FIFO)",                                                  \
	.source = "Mellor-Crummey & Scott 1991", .flags = LB_FAIR | LB_SPINS, \
	.lock_size = sizeof(struct mcs_spin),                                 \
	.node_size = sizeof(struct mcs_spin_node),                            \
	.trylock = mcs_spin_trylock, .queued = mcs_spin_queued

#endif /* LB_LOCKS_MCS_SPIN_H */
