/* SPDX-License-Identifier: MIT */
/*
 * clh.h - the CLH queue spinlock: an implicit queue in which every waiter
 * spins on its predecessor's queue node.
 *
 * Policy
 *   fairness:  strict FIFO.  The order is fixed by the exchange on ->tail;
 *              a released qnode is watched by exactly one waiter, its
 *              successor, which therefore owns the lock next.  queued()
 *              walks the ->prev links from ->tail back to the holder.
 *   sleeps:    never.  Each waiter spins with a pause on its predecessor's
 *              qnode, a line nobody else reads, so a hand-off is one line
 *              transfer.  Unlike MCS, unlock is a single store: there is no
 *              successor pointer to wait for.  With more threads than CPUs
 *              a preempted waiter stalls everyone queued behind it.
 *   counted:   lb_futex_stats spins and spin_iters: a waiter's spin on its
 *              predecessor's qnode is one phase (in lock, and in the rare
 *              ABA wait of trylock).  Never sleeps: no waits, wakes or
 *              spin_then_slept.
 *   ordering:  lock is the acquire load that sees the predecessor's qnode
 *              ->locked == 0; unlock is the release store of 0 into our
 *              qnode's ->locked.  That store publishes the critical
 *              section, and also every earlier write to the qnode, to the
 *              successor, which from then on owns the qnode and will write
 *              it.  Our own initialisation of a qnode (->locked = 1,
 *              ->prev = NULL, relaxed) is published by the release half of
 *              the exchange on ->tail to the successor's acquire exchange,
 *              so its first load of ->locked cannot see an older 0.
 *   source:    Craig, "Building FIFO and priority-queuing spin locks from
 *              atomic swap", TR 93-02-02, U. Washington, 1993; Magnusson,
 *              Landin & Hagersten, "Queue locks on cache coherent
 *              multiprocessors", IPPS 1994; Herlihy & Shavit, "The Art of
 *              Multiprocessor Programming", 7.5.2 (CLHLock).
 *
 * Who owns which memory
 *   CLH qnodes migrate: a thread enqueues qnode Q, and on unlock leaves Q
 *   behind (its successor is still reading it) and takes its predecessor's
 *   qnode P for next time (nobody else reads P any more).  So a qnode can
 *   not live inside the harness's per-thread node: it may outlive the
 *   thread's use of the lock, and it ends up owned by another thread.
 *   Hence:
 *   - every qnode is allocated by, and belongs to, the lock: the dummy in
 *     clh_init() (the queue is never empty: ->tail is the last released or
 *     enqueued qnode), one more on each thread's first acquisition; all are
 *     pushed on the lock's ->pool list and freed together in
 *     clh_destroy().  With N threads there are N + 1 qnodes: at rest one is
 *     ->tail and each thread's node points at another;
 *   - the harness-given node (struct clh_node, zeroed, per thread per lock)
 *     only holds ->mine, the qnode this thread enqueues next (or has
 *     enqueued, while it waits or holds the lock).  It may be freed before
 *     or after clh_destroy(); it must not be reused with another lock.
 *
 * A qnode's ->locked, valid transitions:
 *   0 -> 1   its current owner thread, before enqueueing it (relaxed,
 *            published by the exchange on ->tail)
 *   1 -> 0   the same thread's unlock (release); the qnode now belongs to
 *            the successor (or stays at ->tail if none)
 */
#ifndef LB_LOCKS_CLH_H
#define LB_LOCKS_CLH_H

#include <stdint.h>
#include <stdlib.h>

#include "locks/lock.h"
#include "runtime/atomics.h"
#include "runtime/futex.h"

struct clh_qnode {
	/* 1 while its enqueuer waits or holds the lock; see above. */
	uint32_t locked;
	/*
	 * The qnode we queued behind; written (release) by the thread that
	 * enqueued this one, after the exchange; read by that thread at
	 * unlock (to take it over) and by queued().  NULL until written.
	 */
	struct clh_qnode *prev;
	/* Next on the lock's ->pool list; immutable once pushed. */
	struct clh_qnode *pool_next;
} lb_cacheline_aligned;

/* The harness's per-thread node: touched only by its own thread. */
struct clh_node {
	struct clh_qnode *mine; /* NULL until the first acquisition */
};

struct clh {
	/* Last enqueued qnode; never NULL between init and destroy. */
	struct clh_qnode *tail;
	/* Every qnode of this lock (push-only list, cold: first use only). */
	struct clh_qnode *pool lb_cacheline_aligned;
} lb_cacheline_aligned;

static inline struct clh_qnode *clh_qnode_new(struct clh *l)
{
	struct clh_qnode *q = lb_xaligned_zalloc(LB_PAD_SIZE, sizeof(*q));
	struct clh_qnode *head = lb_load_relaxed(&l->pool);

	/* Push-only, so no ABA; release publishes the zeroed qnode. */
	do
		q->pool_next = head;
	while (!__atomic_compare_exchange_n(
		&l->pool, &head, q, true, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
	return q;
}

static inline int clh_init(void *lock, const struct lb_lock_cfg *cfg)
{
	struct clh *l = lock;

	l->pool = NULL;
	/* The dummy: released, so the first locker finds the lock free. */
	l->tail = clh_qnode_new(l);
	return 0;
}

static inline void clh_destroy(void *lock)
{
	struct clh *l = lock;
	struct clh_qnode *q = lb_load_acquire(&l->pool), *next;

	/* ->tail is lock-owned memory, so this check is always safe. */
	lb_bug_on(lb_load_relaxed(&lb_load_relaxed(&l->tail)->locked));
	for (; q; q = next) {
		next = q->pool_next;
		free(q);
	}
	l->pool = NULL;
	l->tail = NULL;
}

/* Our qnode for the next enqueue; allocated on first use. */
static inline struct clh_qnode *clh_mine(struct clh *l, struct clh_node *me)
{
	if (lb_unlikely(!me->mine))
		me->mine = clh_qnode_new(l);
	return me->mine;
}

/* Wait until @pred is released: a spin phase.  Out of line, cold. */
static lb_noinline lb_unused void clh_wait(struct clh_qnode *pred)
{
	uint64_t turns = 0;

	/* Pairs with the release store in clh_unlock(). */
	do {
		lb_cpu_relax();
		turns++;
	} while (lb_load_acquire(&pred->locked));
	lb_spin_account(turns, false);
}

static inline void clh_lock(void *lock, void *node)
{
	struct clh *l = lock;
	struct clh_qnode *q = clh_mine(l, node), *pred;

	lb_store_relaxed(&q->prev, NULL);
	lb_store_relaxed(&q->locked, 1);
	/*
	 * Enqueue.  Release: publishes the two stores above to our successor.
	 * Acquire: makes pred's ->locked = 1 (written before pred's own
	 * exchange) visible, so the loop below cannot see a stale 0.
	 */
	pred = lb_xchg_acq_rel(&l->tail, q);
	/* For queued() and for our unlock, which takes pred over. */
	lb_store_release(&q->prev, pred);
	/* Pairs with the release store in clh_unlock(). */
	if (lb_unlikely(lb_load_acquire(&pred->locked)))
		clh_wait(pred);
}

static inline bool clh_trylock(void *lock, void *node)
{
	struct clh *l = lock;
	struct clh_qnode *q = clh_mine(l, node), *pred;

	pred = lb_load_acquire(&l->tail);
	if (lb_load_acquire(&pred->locked))
		return false; /* held, or somebody is queued */
	lb_store_relaxed(&q->prev, NULL);
	lb_store_relaxed(&q->locked, 1);
	/* Enqueue only behind that released qnode; orders as in lock. */
	if (!__atomic_compare_exchange_n(&l->tail, &pred, q, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return false;
	lb_store_release(&q->prev, pred);
	/*
	 * Normally pred is still released and this loop exits at once.  ABA:
	 * between our two loads and the cmpxchg, pred may have been taken
	 * over by another thread and enqueued again, so it is the tail again
	 * but locked.  We are then queued behind a real holder and, CLH
	 * having no abort, must wait for it: a successful trylock may
	 * (rarely) wait one critical section.  The acquire load pairs with
	 * the release store in clh_unlock() either way.
	 */
	if (lb_unlikely(lb_load_acquire(&pred->locked)))
		clh_wait(pred);
	return true;
}

static inline void clh_unlock(void *lock, void *node)
{
	struct clh_node *me = node;
	struct clh_qnode *q = me->mine;
	/* Our own write; read before the qnode passes to the successor. */
	struct clh_qnode *pred = lb_load_relaxed(&q->prev);

	/* Hand over.  Release: our section happens-before the successor's. */
	lb_store_release(&q->locked, 0);
	/* pred was released and its only watcher was us: it is ours now. */
	me->mine = pred;
}

/*
 * Tests only: qnodes enqueued behind the holder's, counted from ->tail
 * back along ->prev.  While the holder holds the lock none of them can be
 * released or reused.  A waiter that has exchanged ->tail but not yet
 * written its ->prev ends the walk early: the count is then a lower bound,
 * and the caller polls.
 */
static inline unsigned int clh_queued(void *lock, void *holder_node)
{
	struct clh *l = lock;
	struct clh_node *holder = holder_node;
	struct clh_qnode *q = lb_load_acquire(&l->tail);
	unsigned int count = 0;

	while (q && q != holder->mine) {
		count++;
		q = lb_load_acquire(&q->prev);
	}
	return count;
}

#define clh_DESC                                                      \
	.name = "clh",                                                \
	.summary = "CLH queue spinlock, each waiter spins on its "    \
		   "predecessor's node (FIFO)",                       \
	.source = "Craig 1993; Magnusson, Landin & Hagersten 1994",   \
	.flags = LB_FAIR | LB_SPINS, .lock_size = sizeof(struct clh), \
	.node_size = sizeof(struct clh_node), .trylock = clh_trylock, \
	.queued = clh_queued

#endif /* LB_LOCKS_CLH_H */
