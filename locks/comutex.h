/* SPDX-License-Identifier: MIT */
/*
 * comutex.h - the thread-safe coroutine mutex (CoMutex).
 *
 * Policy
 *   context:   lock and unlock run in coroutines (LB_NEEDS_COROUTINE), on any
 *              thread that runs an event context (runtime/evloop.h).  A
 *              waiter yields; it is resumed on its own home context and
 *              never migrates.
 *   fairness:  FIFO among waiters that have pushed their wait record: the
 *              unlocker hands the lock directly to the oldest one, so nobody
 *              barges in between unlock and wake-up.  A locker that arrives
 *              while the lock is free, or wins the fast path during a short
 *              spin, can overtake records not pushed yet; hence "FIFO-ish"
 *              in the design table, strict FIFO in the queued() sense.
 *   sleeps:    no thread ever sleeps in the lock; a waiting coroutine yields
 *              to its event loop, which may then sleep in poll.
 *   spinning:  bounded (COMUTEX_SPIN iterations), only while exactly one
 *              holder and no queue (locked == 1 when we looked), and never
 *              when the holder runs on our own event context: it cannot make
 *              progress while we spin.  Spinning pays when the critical
 *              section is shorter than a cross-thread wake-up (a queue push,
 *              an eventfd write, a poll return: microseconds on a VM).
 *   counted:   lb_futex_stats of the locker's thread: the bounded spin is
 *              a spin phase (spins, spin_iters: at most spin_limit turns;
 *              none when the holder runs on our context).  A phase that
 *              ends with the coroutine yielding to wait counts
 *              spin_then_slept ("slept" = yielded: the thread itself may
 *              then sleep in its event loop's poll, which is not a futex
 *              wait).  comutex_stats says how the slow paths ended.
 *   ordering:  acquire on the fast-path cmpxchg and the fetch_inc of
 *              ->locked; release by the unlock's fetch_dec.  A hand-off to a
 *              waiter is published by lb_co_wake(), whose schedule queue
 *              orders everything the unlocker did before the waiter runs
 *              (runtime/evloop.h), and within one context by program order.
 *   source:    Gidenstam & Papatriantafilou, "LFthreads: A lock-free thread
 *              library" (2007), as transcribed in OSv's core/lfmutex.cc and
 *              adapted to coroutines in QEMU's util/qemu-coroutine-lock.c
 *              (Paolo Bonzini, 2017).  Our own code, with the has_waiters()
 *              test the right way round (QEMU had it inverted until 2026).
 *
 * State
 *   locked      lockers pending, holder included: 0 free, 1 held, >1 queue.
 *               Any thread, atomic RMW.
 *   from_push   wait records pushed by lockers, newest first (LIFO); any
 *               thread pushes with a cmpxchg loop.
 *   to_pop      records in FIFO order; only the party "responsible for the
 *               next wake-up" touches it (see below).  Read by others only
 *               for has_waiters(), atomically.
 *   handoff     0, or the sequence number of a hand-off offered by an
 *               unlocker that found no record to pop yet.
 *   sequence    last hand-off number; touched only by unlockers, which are
 *               ordered one after the other by the lock itself.
 *   ctx         the holder's event context, a hint for spinners; NULL when
 *               the lock is being handed over or is free.
 *
 * The protocol (why at most one party pops at a time)
 *   1. An unlocker whose fetch_dec shows waiters (old locked > 1) is
 *      responsible for waking one.  It pops a record and wakes its
 *      coroutine, which then owns the lock (locked stays counted).
 *   2. If it finds no record, a locker has incremented ->locked but not
 *      pushed yet.  Rather than wait for it, the unlocker offers the
 *      responsibility: it publishes handoff = ++sequence (full barrier) and
 *      re-checks for records.  If there is still none, it leaves: the late
 *      locker will find the offer after its push.
 *   3. A locker, after pushing (full barrier), reads handoff.  If an offer
 *      is there and records exist, it takes the offer with a cmpxchg to 0
 *      and becomes responsible: it pops the oldest record; if that is its
 *      own it owns the lock, otherwise it wakes that waiter.
 *   4. If the unlocker in step 2 does see a record after publishing, it
 *      tries to withdraw the offer (cmpxchg handoff back to 0).  Success:
 *      it is responsible again and loops to step 1.  Failure: a locker took
 *      the offer in step 3 and is responsible; the unlocker leaves.
 *   The two full barriers (the unlocker's store of handoff, then its read
 *   of the lists; the locker's push, then its read of handoff) form a
 *   Dekker pair: at least one side sees the other's write, so a record is
 *   never stranded with nobody responsible for it.
 */
#ifndef LB_LOCKS_COMUTEX_H
#define LB_LOCKS_COMUTEX_H

#include <stdint.h>

#include "locks/lock.h"
#include "runtime/atomics.h"
#include "runtime/coroutine.h"
#include "runtime/evloop.h"
#include "runtime/futex.h"

#define COMUTEX_SPIN 1000

/* A waiter's record, on the waiting coroutine's stack. */
struct comutex_waiter {
	struct comutex_waiter *next;
	struct lb_co *co;
};

struct comutex {
	unsigned int locked;
	unsigned int handoff;
	unsigned int sequence;
	unsigned int spin_limit; /* read-only after init */
	struct lb_evctx *ctx;
	struct comutex_waiter *from_push;
	struct comutex_waiter *to_pop;
} lb_cacheline_aligned;

/* Per-thread counts of the slow paths, for tests and the curious. */
struct comutex_stats {
	uint64_t spun; /* acquired while spinning */
	uint64_t slept; /* yielded to wait */
	uint64_t took_self; /* took a hand-off offer and popped itself */
	uint64_t took_other; /* took a hand-off offer and woke another */
	uint64_t offered; /* unlock published a hand-off offer */
	uint64_t withdrew; /* ... and withdrew it (found a record) */
	uint64_t woke; /* unlock woke a waiter */
};

extern __thread struct comutex_stats comutex_stats;

static inline int comutex_init(void *lock, const struct lb_lock_cfg *cfg)
{
	struct comutex *m = lock;

	*m = (struct comutex){
		.spin_limit = cfg && cfg->spin_limit ? cfg->spin_limit :
						       COMUTEX_SPIN,
	};
	return 0;
}

static inline void comutex_destroy(void *lock)
{
	struct comutex *m = lock;

	lb_bug_on(lb_load_relaxed(&m->locked) != 0);
	lb_bug_on(lb_load_relaxed(&m->from_push) || m->to_pop);
}

/* Any thread.  Release: the record's fields before its publication. */
static inline void comutex_push_waiter(struct comutex *m,
				       struct comutex_waiter *w)
{
	struct comutex_waiter *head = lb_load_relaxed(&m->from_push);

	do {
		w->next = head;
	} while (!__atomic_compare_exchange_n(&m->from_push, &head, w, true,
					      __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
}

/* Responsible party only.  Returns the oldest record, or NULL. */
static inline struct comutex_waiter *comutex_pop_waiter(struct comutex *m)
{
	struct comutex_waiter *w = lb_load_relaxed(&m->to_pop), *list, *next;

	if (!w) {
		/* Acquire: pairs with the release cmpxchg of every push. */
		list = lb_xchg_acquire(&m->from_push, NULL);
		/* Reverse the LIFO into FIFO order. */
		for (; list; list = next) {
			next = list->next;
			list->next = w;
			w = list;
		}
		if (!w)
			return NULL;
	}
	lb_store_relaxed(&m->to_pop, w->next);
	return w;
}

/* True when either list holds a record (QEMU had this inverted). */
static inline bool comutex_has_waiters(struct comutex *m)
{
	return lb_load_relaxed(&m->to_pop) || lb_load_relaxed(&m->from_push);
}

/* Give the lock to @co's coroutine and resume it on its home context. */
static inline void comutex_wake(struct comutex *m, struct lb_co *co)
{
	/* Spinners on the new owner's context must stop spinning. */
	lb_store_relaxed(&m->ctx, lb_co_home(co));
	comutex_stats.woke++;
	lb_co_wake(co);
}

/* A late locker takes an unlocker's offer; true if it now owns the lock. */
static inline bool comutex_take_offer(struct comutex *m,
				      struct comutex_waiter *self,
				      struct lb_evctx *ctx)
{
	unsigned int offer = lb_load_relaxed(&m->handoff);
	struct comutex_waiter *w;

	if (!offer || !comutex_has_waiters(m) ||
	    !lb_cmpxchg_mb(&m->handoff, offer, 0))
		return false;
	w = comutex_pop_waiter(m);
	lb_bug_on(!w); /* we pushed, and nobody else may pop */
	if (w == self) {
		comutex_stats.took_self++;
		lb_store_relaxed(&m->ctx, ctx);
		return true;
	}
	comutex_stats.took_other++;
	comutex_wake(m, w->co);
	return false;
}

/* @turns: the spin phase before it, for lb_spin_account(). */
static lb_noinline void
comutex_lock_slow(struct comutex *m, struct lb_evctx *ctx, unsigned int turns)
{
	struct comutex_waiter self = { .co = lb_co_self() };

	comutex_push_waiter(m, &self);
	/*
	 * Full barrier: the push above before the read of ->handoff.  Pairs
	 * with the full barrier of lb_store_mb(&m->handoff) in
	 * comutex_unlock() (store -> fence -> load on both sides).
	 */
	lb_smp_mb();
	if (comutex_take_offer(m, &self, ctx)) {
		lb_spin_account(turns, false);
		return;
	}
	comutex_stats.slept++;
	lb_spin_account(turns, true);
	/* Re-entered by whoever popped our record: we own the lock. */
	lb_co_yield();
}

/*
 * Spin while one holder and no queue; true if the fast path then won.
 * *@turns: the pauses it made (the spin phase, for lb_spin_account()).
 */
static inline bool comutex_spin(struct comutex *m, struct lb_evctx *ctx,
				unsigned int *turns)
{
	unsigned int i, locked;
	bool won = false;

	for (i = 0; i < m->spin_limit; i++) {
		/* The holder runs on our thread: spinning cannot help. */
		if (lb_load_relaxed(&m->ctx) == ctx)
			break;
		locked = lb_load_relaxed(&m->locked);
		/*
		 * A queue formed: the lock will be handed to it, never freed
		 * for us (QEMU keeps spinning here; it cannot succeed).
		 */
		if (locked > 1)
			break;
		if (locked == 0 && lb_cmpxchg_acquire(&m->locked, 0, 1)) {
			comutex_stats.spun++;
			won = true;
			break;
		}
		lb_cpu_relax();
	}
	*turns = i;
	return won;
}

static inline void comutex_lock(void *lock, void *node)
{
	struct comutex *m = lock;
	struct lb_evctx *ctx = lb_evctx_current();
	unsigned int old = 0, turns = 0;

	/* Acquire on success: pairs with the release in comutex_unlock(). */
	if (__atomic_compare_exchange_n(&m->locked, &old, 1, false,
					__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		goto owned;
	if (old == 1 && comutex_spin(m, ctx, &turns))
		goto spun;
	/* Count ourselves in; acquire in case the lock was free again. */
	if (lb_fetch_add_mb(&m->locked, 1) == 0)
		goto spun;
	comutex_lock_slow(m, ctx, turns);
	return;
spun:
	/* The slow path got the lock without yielding: end its spin phase. */
	lb_spin_account(turns, false);
owned:
	lb_store_relaxed(&m->ctx, ctx);
}

static inline bool comutex_trylock(void *lock, void *node)
{
	struct comutex *m = lock;

	if (!lb_cmpxchg_acquire(&m->locked, 0, 1))
		return false;
	lb_store_relaxed(&m->ctx, lb_evctx_current());
	return true;
}

static lb_noinline void comutex_unlock_slow(struct comutex *m)
{
	struct comutex_waiter *w;
	unsigned int offer;

	for (;;) {
		w = comutex_pop_waiter(m);
		if (w) {
			comutex_wake(m, w->co);
			return;
		}
		/* A locker counted itself but has not pushed yet: offer. */
		if (++m->sequence == 0)
			m->sequence = 1;
		offer = m->sequence;
		comutex_stats.offered++;
		/* Full barrier; pairs with lb_smp_mb() in the slow lock. */
		lb_store_mb(&m->handoff, offer);
		if (!comutex_has_waiters(m))
			return; /* the late locker will find the offer */
		if (!lb_cmpxchg_mb(&m->handoff, offer, 0))
			return; /* a locker took it and is responsible */
		comutex_stats.withdrew++;
	}
}

static inline void comutex_unlock(void *lock, void *node)
{
	struct comutex *m = lock;

	lb_store_relaxed(&m->ctx, NULL);
	/* Release: the critical section before the lock is seen free. */
	if (lb_fetch_sub_mb(&m->locked, 1) == 1)
		return;
	comutex_unlock_slow(m);
}

/* Tests only: records pushed and not yet handed the lock. */
static inline unsigned int comutex_queued(void *lock, void *holder_node)
{
	struct comutex *m = lock;
	struct comutex_waiter *w;
	unsigned int n = 0;

	for (w = lb_load_acquire(&m->from_push); w; w = w->next)
		n++;
	for (w = lb_load_relaxed(&m->to_pop); w; w = w->next)
		n++;
	return n;
}

#define comutex_DESC                                                     \
	.name = "comutex",                                               \
	.summary = "thread-safe coroutine mutex: lock-free wait stack, " \
		   "hand-off, bounded spin (FIFO)",                      \
	.source = "LFthreads/OSv lfmutex; QEMU qemu-coroutine-lock.c",   \
	.flags = LB_FAIR | LB_NEEDS_COROUTINE,                           \
	.lock_size = sizeof(struct comutex), .node_size = 0,             \
	.trylock = comutex_trylock, .queued = comutex_queued

#endif /* LB_LOCKS_COMUTEX_H */
