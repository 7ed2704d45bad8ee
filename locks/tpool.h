/* SPDX-License-Identifier: MIT */
/*
 * tpool.h - delegation to a single-worker thread pool: instead of taking a
 * lock, a coroutine submits its critical section to a pool with exactly one
 * worker thread, which runs the critical sections one at a time in
 * submission order; the submitter waits (yields) for the completion.
 *
 * Policy
 *   context:   coroutines on event-loop threads (LB_NEEDS_COROUTINE): the
 *              completion is a bottom half in the submitter's event
 *              context, which resumes the coroutine
 *              (lb_threadpool_submit_co, runtime/threadpool.h).  The
 *              runner therefore runs tpool in coroutine mode.
 *   execute:   LB_DELEGATES.  execute(cs, arg) runs cs(arg) on the worker.
 *              Exclusion comes from there being one worker; the pool's
 *              min_threads = max_threads = 1, so it never exits or is
 *              replaced.
 *   fairness:  FIFO: the pool's request list is FIFO and the single worker
 *              takes requests in order.
 *   sleeps:    the worker sleeps on the pool's condition variable when
 *              there is nothing to run; a waiting submitter yields to its
 *              event loop, which sleeps in poll(2) until the completion's
 *              eventfd kick.  Each hand-off costs two cross-thread wake-ups
 *              (submitter -> worker, worker -> submitter) when both sleep:
 *              that is what delegation pays for never moving the data.
 *   counted:   lb_futex_stats: the worker's parking in a hold is a futex
 *              wait on the worker's thread, which no worker snapshot sees;
 *              each unlock makes one FUTEX_WAKE (a wake on the unlocker's
 *              thread).  A locker never spins: spins stays 0.  unlock's
 *              short wait for ->woken is not a spin phase (not an
 *              acquisition).
 *   ordering:  what the submitter did before execute() happens before cs
 *              (the pool lock); consecutive critical sections run on one
 *              thread (program order); what cs did happens before
 *              execute() returns (release store of DONE by the worker,
 *              acquire load by the completion).
 *   lock/unlock: provided so that tpool runs in every workload and in the
 *              generic validation.  lock() delegates a "hold": the worker
 *              runs a request that grants the lock to the caller (wakes its
 *              coroutine) and then parks until unlock() releases it, so
 *              the caller's critical section runs on the caller's thread
 *              while the worker is occupied.  Same FIFO order, same
 *              exclusion; it costs the worker thread while held.
 *   source:    QEMU's thread pool (util/thread-pool.c) used as a
 *              delegation lock; the delegation idea is flat combining /
 *              remote core locking (Lozi et al., USENIX ATC 2012) without
 *              the dedicated core.
 *
 * The hold record (struct tpool_hold): one per acquisition, on the heap,
 * shared by the locker and the worker, freed by whichever of them drops the
 * last of its two references (an acq_rel fetch_sub, so that the other
 * side's accesses happen before the free).  It is not the caller's node:
 * unlock() returns before the parked worker has looked at "released", and
 * the caller may free its node at once (t_locks does).
 *   granted   0 -> 1 by the worker before it wakes the locker (release)
 *   woken     0 -> 1 by the worker once lb_co_wake() returned: unlock()
 *             waits for it, so that the worker is done touching the
 *             locker's event context before the locker can finish
 *   released  futex word, 0 -> 1 by unlock() (release), then FUTEX_WAKE;
 *             the parked worker re-checks it with acquire
 */
#ifndef LB_LOCKS_TPOOL_H
#define LB_LOCKS_TPOOL_H

#include <sched.h>
#include <stdint.h>
#include <stdlib.h>

#include "locks/lock.h"
#include "runtime/atomics.h"
#include "runtime/coroutine.h"
#include "runtime/evloop.h"
#include "runtime/futex.h"
#include "runtime/threadpool.h"

struct tpool_hold {
	struct lb_co *co; /* the locker; written before submitting */
	uint32_t granted;
	uint32_t woken;
	uint32_t released;
	unsigned int refs; /* 2: the worker's and the unlocker's */
};

struct tpool_node {
	struct tpool_hold *hold; /* the current acquisition; owner only */
} lb_cacheline_aligned;

/* Drop one reference; the last one frees. */
static inline void tpool_hold_put(struct tpool_hold *h)
{
	if (__atomic_fetch_sub(&h->refs, 1, __ATOMIC_ACQ_REL) == 1)
		free(h);
}

struct tpool {
	struct lb_threadpool *pool; /* one worker */
} lb_cacheline_aligned;

static inline int tpool_init(void *lock, const struct lb_lock_cfg *cfg)
{
	struct tpool *t = lock;
	struct lb_threadpool_cfg pc = { .min_threads = 1, .max_threads = 1 };

	t->pool = lb_threadpool_new(&pc);
	return 0;
}

static inline void tpool_destroy(void *lock)
{
	struct tpool *t = lock;

	lb_threadpool_free(t->pool);
	t->pool = NULL;
}

struct tpool_cs {
	void (*cs)(void *arg);
	void *arg;
};

/* On the worker: one critical section. */
static inline long tpool_run_cs(void *opaque)
{
	struct tpool_cs *c = opaque;

	c->cs(c->arg);
	return 0;
}

static inline void tpool_execute(void *lock, void *node, void (*cs)(void *),
				 void *arg)
{
	struct tpool *t = lock;
	struct tpool_cs c = { .cs = cs, .arg = arg };

	/* -ECANCELED would mean the lock was destroyed under us. */
	if (lb_unlikely(lb_threadpool_submit_co(t->pool, tpool_run_cs, &c)))
		lb_die("tpool_execute: request cancelled");
}

/* On the worker: grant the lock to the locker, park until unlock */
static inline long tpool_hold(void *opaque)
{
	struct tpool_hold *h = opaque;

	/* Release: the locker's acquire load in tpool_lock() pairs. */
	lb_store_release(&h->granted, 1);
	lb_co_wake(h->co); /* cross-thread: queued on co's home context */
	/* Pairs with the acquire spin in tpool_unlock(). */
	lb_store_release(&h->woken, 1);
	/* Pairs with the release store in tpool_unlock(); EINTR, EAGAIN and
	 * spurious wake-ups just loop. */
	while (!lb_load_acquire(&h->released))
		lb_futex_wait(&h->released, 0, NULL);
	tpool_hold_put(h);
	return 0;
}

static inline void tpool_lock(void *lock, void *node)
{
	struct tpool *t = lock;
	struct tpool_node *n = node;
	struct tpool_hold *h = lb_xzalloc(sizeof(*h));

	h->co = lb_co_self();
	if (!h->co)
		lb_die("tpool_lock must be called from a coroutine");
	h->refs = 2;
	n->hold = h;
	/* Fire-and-forget: the hold itself wakes us; the pool lock
	 * publishes *h to the worker. */
	lb_threadpool_submit(t->pool, tpool_hold, h, NULL, NULL);
	/* The wake comes from another thread, so only after this yield. */
	lb_co_yield();
	if (lb_unlikely(!lb_load_acquire(&h->granted)))
		lb_die("BUG: tpool_lock resumed before the hold started");
}

static inline void tpool_unlock(void *lock, void *node)
{
	struct tpool_node *n = node;
	struct tpool_hold *h = n->hold;
	unsigned int spins = 0;

	/* A few instructions, unless the worker was preempted right there. */
	while (!lb_load_acquire(&h->woken))
		if (++spins % 1024 == 0)
			sched_yield();
		else
			lb_cpu_relax();
	n->hold = NULL;
	/* Release: our critical section happens before the next one. */
	lb_store_release(&h->released, 1);
	lb_futex_wake(&h->released, 1);
	tpool_hold_put(h);
}

/* Tests only: requests queued behind the one the worker runs. */
static inline unsigned int tpool_queued(void *lock, void *holder_node)
{
	struct tpool *t = lock;
	struct lb_threadpool_stats st;

	lb_threadpool_get_stats(t->pool, &st);
	return st.queued;
}

#define tpool_DESC                                                         \
	.name = "tpool",                                                   \
	.summary = "delegation: critical sections run by a single-worker " \
		   "thread pool, submitter yields until done",             \
	.source = "QEMU util/thread-pool.c as a delegation lock",          \
	.flags = LB_DELEGATES | LB_NEEDS_COROUTINE | LB_FAIR,              \
	.lock_size = sizeof(struct tpool),                                 \
	.node_size = sizeof(struct tpool_node), .queued = tpool_queued,    \
	.execute = tpool_execute

#endif /* LB_LOCKS_TPOOL_H */
