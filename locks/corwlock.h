/* SPDX-License-Identifier: MIT */
/*
 * corwlock.h - the thread-safe, fair coroutine reader/writer lock (CoRwlock),
 * built on the CoMutex.
 *
 * Policy
 *   context:   every operation runs in a coroutine (LB_NEEDS_COROUTINE), on
 *              any thread that runs an event context.  A waiter yields and
 *              is resumed on its own home context.
 *   fairness:  FIFO at the head of one queue of tickets, readers and writers
 *              alike.  A new reader joins the readers inside only when
 *              nobody is queued: it never overtakes a queued writer, so a
 *              stream of readers cannot starve a writer.  Consecutive
 *              readers at the head are granted together: each woken reader
 *              grants the next (a chain), so they end up inside at once.
 *   hand-off:  the grant is recorded in ->owners before the wake, under the
 *              internal mutex, so nobody can sneak in between an unlock and
 *              the wake-up of the waiter it chose; the woken coroutine
 *              already owns the lock when it runs.
 *   sleeps:    no thread sleeps; waiting coroutines yield to their loop.
 *   counted:   lb_futex_stats only through the internal CoMutex, whose
 *              bounded spin is a spin phase when it is contended (see
 *              comutex.h).  Waiting for the rwlock itself (a queued ticket)
 *              yields at once, without spinning: no spin phase.
 *   ordering:  every state change happens under the internal CoMutex:
 *              acquire by its lock, release by its unlock.  What a holder
 *              did in its critical section is ordered before the next
 *              holder's by that mutex (both take it), or, for a woken
 *              waiter, by lb_co_wake() (evloop.h), which the unlocker calls
 *              after its critical section and after the mutex unlock.
 *   upgrade:   not atomic.  If other readers are inside, or anybody is
 *              queued, the upgrader gives up its read lock and queues as a
 *              writer at the tail: writers and readers queued before it run
 *              first, so whatever it read must be re-validated.
 *   source:    QEMU's CoRwlock (util/qemu-coroutine-lock.c): thread-safe
 *              and fair since a7b91d35ba (Paolo Bonzini, 2017), rewritten
 *              with tickets by 050de36b13 (2021).  Our own code.
 *
 * State, all protected by ->mutex (written with relaxed atomic stores so
 * that the tests' corwlock_queued() may read them without the mutex)
 *   owners      >0: that many readers inside; -1: one writer; 0: free.
 *               Invariant at every mutex release: owners == 0 implies that
 *               no ticket is queued (a free lock is granted to the head).
 *   head, tail  the FIFO of tickets, oldest first, NULL when empty.  A
 *               ticket {read or write, coroutine, next} lives on the
 *               waiter's stack; it is valid until its coroutine is woken,
 *               and the waker reads ->co before unlocking the mutex.
 *
 * Grant rule (corwlock_wake_head_and_unlock, the only place that grants a
 * waiter): look only at the head ticket; a reader is granted while
 * owners >= 0 (owners++), a writer when owners == 0 (owners = -1).  Then
 * dequeue it, unlock the mutex and wake it.  A woken reader re-takes the
 * mutex and runs the rule again, which grants the next reader if the head
 * is one.
 */
#ifndef LB_LOCKS_CORWLOCK_H
#define LB_LOCKS_CORWLOCK_H

#include <stdbool.h>

#include "locks/comutex.h"
#include "locks/lock.h"
#include "runtime/atomics.h"
#include "runtime/coroutine.h"
#include "runtime/evloop.h"

/* A waiter's ticket, on the waiting coroutine's stack. */
struct corwlock_ticket {
	struct corwlock_ticket *next;
	struct lb_co *co;
	bool read;
};

struct corwlock {
	struct comutex mutex; /* protects everything below */
	int owners;
	struct corwlock_ticket *head, *tail;
};

static inline int corwlock_init(void *lock, const struct lb_lock_cfg *cfg)
{
	struct corwlock *rw = lock;

	rw->owners = 0;
	rw->head = NULL;
	rw->tail = NULL;
	return comutex_init(&rw->mutex, cfg);
}

static inline void corwlock_destroy(void *lock)
{
	struct corwlock *rw = lock;

	lb_bug_on(rw->owners != 0 || rw->head);
	comutex_destroy(&rw->mutex);
}

/* Mutex held. */
static inline void corwlock_set_owners(struct corwlock *rw, int owners)
{
	lb_store_relaxed(&rw->owners, owners);
}

/* Mutex held: append @t to the FIFO. */
static inline void corwlock_enqueue(struct corwlock *rw,
				    struct corwlock_ticket *t)
{
	t->next = NULL;
	/*
	 * Release: the ticket's fields before its link, for the tests'
	 * lock-free corwlock_queued() (its acquire loads pair with these).
	 */
	if (rw->tail)
		lb_store_release(&rw->tail->next, t);
	else
		lb_store_release(&rw->head, t);
	rw->tail = t;
}

/* Mutex held: queue a ticket, unlock, sleep until granted. */
static inline void corwlock_wait(struct corwlock *rw, bool read)
{
	struct corwlock_ticket t = { .co = lb_co_self(), .read = read };

	corwlock_enqueue(rw, &t);
	comutex_unlock(&rw->mutex, NULL);
	/* Re-entered by the waker once owners counts us in. */
	lb_co_yield();
}

/*
 * Mutex held; releases it.  Grant the lock to the head ticket if it can
 * have it now (see "Grant rule" above), and wake its coroutine.
 */
static inline void corwlock_wake_head_and_unlock(struct corwlock *rw)
{
	struct corwlock_ticket *t = rw->head;
	struct lb_co *co;

	if (t && (t->read ? rw->owners >= 0 : rw->owners == 0)) {
		/* Record the grant before the wake: nobody can sneak in. */
		corwlock_set_owners(rw, t->read ? rw->owners + 1 : -1);
		lb_store_relaxed(&rw->head, t->next);
		if (!t->next)
			rw->tail = NULL;
		/* The ticket vanishes once its owner runs: read it now. */
		co = t->co;
		comutex_unlock(&rw->mutex, NULL);
		lb_co_wake(co);
		return;
	}
	lb_bug_on(rw->owners == 0 && t);
	comutex_unlock(&rw->mutex, NULL);
}

static inline void corwlock_rdlock(void *lock, void *node)
{
	struct corwlock *rw = lock;

	comutex_lock(&rw->mutex, NULL);
	/* Join the readers only if no writer holds it and nobody queues. */
	if (rw->owners >= 0 && !rw->head) {
		corwlock_set_owners(rw, rw->owners + 1);
		comutex_unlock(&rw->mutex, NULL);
		return;
	}
	corwlock_wait(rw, true);
	/* Granted (owners counts us): pass the grant on to a reader behind. */
	comutex_lock(&rw->mutex, NULL);
	corwlock_wake_head_and_unlock(rw);
}

static inline void corwlock_rdunlock(void *lock, void *node)
{
	struct corwlock *rw = lock;

	comutex_lock(&rw->mutex, NULL);
	lb_bug_on(rw->owners <= 0);
	corwlock_set_owners(rw, rw->owners - 1);
	corwlock_wake_head_and_unlock(rw);
}

/* The writer's lock. */
static inline void corwlock_lock(void *lock, void *node)
{
	struct corwlock *rw = lock;

	comutex_lock(&rw->mutex, NULL);
	if (rw->owners == 0) {
		lb_bug_on(rw->head); /* owners == 0 implies an empty queue */
		corwlock_set_owners(rw, -1);
		comutex_unlock(&rw->mutex, NULL);
		return;
	}
	corwlock_wait(rw, false);
	/* Granted: owners == -1 was set for us by the waker. */
}

/*
 * Writer trylock: never waits for the rwlock, but may wait briefly for the
 * internal mutex (so it too must run in a coroutine).
 */
static inline bool corwlock_trylock(void *lock, void *node)
{
	struct corwlock *rw = lock;
	bool ok;

	comutex_lock(&rw->mutex, NULL);
	ok = rw->owners == 0;
	if (ok)
		corwlock_set_owners(rw, -1);
	comutex_unlock(&rw->mutex, NULL);
	return ok;
}

/* The writer's unlock. */
static inline void corwlock_unlock(void *lock, void *node)
{
	struct corwlock *rw = lock;

	comutex_lock(&rw->mutex, NULL);
	lb_bug_on(rw->owners != -1);
	corwlock_set_owners(rw, 0);
	corwlock_wake_head_and_unlock(rw);
}

/*
 * corwlock_upgrade - turn the caller's read lock into the write lock
 *
 * At once if the caller is the only reader and nobody queues; otherwise it
 * drops its read lock, queues as a writer and waits (see "upgrade" in the
 * policy: others may run first).  Exclusion: the caller holds a read lock.
 */
static inline void corwlock_upgrade(void *lock)
{
	struct corwlock *rw = lock;

	comutex_lock(&rw->mutex, NULL);
	lb_bug_on(rw->owners <= 0);
	if (rw->owners == 1 && !rw->head) {
		corwlock_set_owners(rw, -1);
		comutex_unlock(&rw->mutex, NULL);
		return;
	}
	corwlock_set_owners(rw, rw->owners - 1);
	{
		struct corwlock_ticket t = { .co = lb_co_self() };

		corwlock_enqueue(rw, &t);
		/*
		 * Our read lock is gone: if we were the last reader, grant
		 * the head (never our own ticket: with owners == 1 and an
		 * empty queue we took the shortcut above).
		 */
		corwlock_wake_head_and_unlock(rw);
		lb_co_yield();
	}
	/* Granted: owners == -1 was set for us by the waker. */
}

/*
 * corwlock_downgrade - turn the caller's write lock into a read lock,
 * letting the readers queued at the head in with it.
 * Exclusion: the caller holds the write lock.
 */
static inline void corwlock_downgrade(void *lock)
{
	struct corwlock *rw = lock;

	comutex_lock(&rw->mutex, NULL);
	lb_bug_on(rw->owners != -1);
	corwlock_set_owners(rw, 1);
	corwlock_wake_head_and_unlock(rw);
}

/*
 * Tests only: tickets queued.  Lock-free (acquire loads pair with the
 * release stores of corwlock_enqueue); exact while the caller holds the
 * lock in a way that stops grants (a writer, or a reader with a writer
 * queued at the head), since only grants dequeue.
 */
static inline unsigned int corwlock_queued(void *lock, void *holder_node)
{
	struct corwlock *rw = lock;
	struct corwlock_ticket *t;
	unsigned int n = 0;

	for (t = lb_load_acquire(&rw->head); t; t = lb_load_acquire(&t->next))
		n++;
	return n;
}

/* Tests only: readers inside (> 0), -1 for a writer, 0 if free. */
static inline int corwlock_owners(void *lock)
{
	struct corwlock *rw = lock;

	return lb_load_relaxed(&rw->owners);
}

#define corwlock_DESC                                                  \
	.name = "corwlock",                                            \
	.summary = "thread-safe fair coroutine rwlock on the CoMutex " \
		   "(FIFO tickets, batched readers)",                  \
	.source = "QEMU qemu-coroutine-lock.c CoRwlock",               \
	.flags = LB_FAIR | LB_RW | LB_NEEDS_COROUTINE,                 \
	.lock_size = sizeof(struct corwlock), .node_size = 0,          \
	.trylock = corwlock_trylock, .queued = corwlock_queued,        \
	LB_RW_OPS(corwlock)

#endif /* LB_LOCKS_CORWLOCK_H */
