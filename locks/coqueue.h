/* SPDX-License-Identifier: MIT */
/*
 * coqueue.h - CoQueue: a FIFO of waiting coroutines, protected by a lock
 * the caller passes in (a condition variable for coroutines).
 *
 * Policy
 *   context:   coqueue_wait() runs in a coroutine.  coqueue_next() and
 *              coqueue_restart_all() run in a coroutine (or on a thread that
 *              is not the home of any waiter); coqueue_enter_next() and
 *              coqueue_enter_all() run anywhere, coroutine or plain thread.
 *   fairness:  FIFO: waiters are woken in the order they queued, except
 *              that COQUEUE_WAIT_FRONT queues a waiter at the head (for a
 *              waiter that was woken but must wait again and should not
 *              lose its turn).  A woken waiter re-takes the protecting lock
 *              like anybody else: there is no wait morphing (moving the
 *              waiter straight onto the lock's own queue), so waking many
 *              at once can make them contend for the lock.
 *   sleeps:    no thread sleeps in the queue; a waiter yields to its event
 *              loop.  (A pthread mutex as protecting lock may of course
 *              block the thread while it is taken.)
 *   ordering:  none of its own.  Every field is read and written with the
 *              protecting lock held, whose acquire/release orders them.  A
 *              wake is lb_co_wake(), which orders everything the waker did
 *              before it with everything the waiter does after it resumes
 *              (evloop.h: the schedule queue, or program order on one
 *              context).
 *   source:    QEMU's CoQueue (util/qemu-coroutine-lock.c: the mutex
 *              argument, 1ace7ceac5; callable outside coroutines,
 *              e18d9a9687; CO_QUEUE_WAIT_FRONT).  Our own code.
 *
 * The protecting lock ("L" below) is whatever the caller chose, passed as
 * a struct coqueue_lockable: our CoMutex (coqueue_lockable_comutex) or a
 * pthread mutex (coqueue_lockable_pthread).  Every operation on one queue
 * must use the same L, and the caller of every operation holds L.
 *
 * State, all protected by L
 *   head, tail      the waiters, oldest first; both NULL when empty.
 *   waiter->next    link; waiter->queued: true while on the list.
 * A waiter record lives on the waiting coroutine's stack.  It is valid from
 * the moment it is queued until its coroutine is woken: a waker reads
 * ->co and ->next before lb_co_wake(), never after, because a woken waiter
 * may return and discard its frame at once.
 *
 * Why the "enter" variants drop L around the wake
 *   Outside a coroutine, on the waiter's home thread, lb_co_wake() enters
 *   the waiter at once, and its first act is to re-take L.  With L still
 *   held by the waker that is a self-deadlock (a pthread mutex) or, for a
 *   CoMutex taken outside a coroutine, impossible.  So coqueue_enter_next()
 *   unlocks L, wakes, and locks L again; the popped waiter is already off
 *   the list, so nothing is lost while L is free.  Inside a coroutine a
 *   wake never enters directly (it is deferred until the waker yields, or
 *   queued onto another thread's loop), so coqueue_next() keeps L.
 *
 * What may run concurrently (X = the caller must exclude):
 *   everything is serialised by L; a waiter may be woken once per wait.
 */
#ifndef LB_LOCKS_COQUEUE_H
#define LB_LOCKS_COQUEUE_H

#include <pthread.h>
#include <stdbool.h>

#include "locks/comutex.h"
#include "runtime/coroutine.h"

/* Flags of coqueue_wait_flags(). */
enum {
	COQUEUE_WAIT_FRONT = 1u << 0, /* queue at the head, not the tail */
};

/* A lock the caller holds around every queue operation. */
struct coqueue_lockable {
	void *obj;
	void (*lock)(void *obj);
	void (*unlock)(void *obj);
};

/* A waiter's record, on the waiting coroutine's stack; protected by L. */
struct coqueue_waiter {
	struct coqueue_waiter *next;
	struct lb_co *co;
	bool queued;
};

struct coqueue {
	struct coqueue_waiter *head; /* oldest waiter; protected by L */
	struct coqueue_waiter *tail; /* newest waiter; protected by L */
};

#define COQUEUE_INITIALIZER \
	{                   \
		NULL, NULL  \
	}

/* No ordering; nobody may use @q concurrently.  Returns nothing. */
static inline void coqueue_init(struct coqueue *q)
{
	q->head = NULL;
	q->tail = NULL;
}

/*
 * coqueue_empty - whether nobody waits on @q
 *
 * Ordering: none (the caller holds L).  Returns true if the queue is empty.
 */
static inline bool coqueue_empty(const struct coqueue *q)
{
	return !q->head;
}

void coqueue_comutex_lock(void *m);
void coqueue_comutex_unlock(void *m);
void coqueue_pthread_lock(void *m);
void coqueue_pthread_unlock(void *m);

/* A CoMutex as L: usable only from coroutines. */
static inline struct coqueue_lockable
coqueue_lockable_comutex(struct comutex *m)
{
	return (struct coqueue_lockable){ m, coqueue_comutex_lock,
					  coqueue_comutex_unlock };
}

/* A pthread mutex as L: usable from coroutines and plain threads. */
static inline struct coqueue_lockable
coqueue_lockable_pthread(pthread_mutex_t *m)
{
	return (struct coqueue_lockable){ m, coqueue_pthread_lock,
					  coqueue_pthread_unlock };
}

/**
 * coqueue_wait_flags - queue the calling coroutine on @q and sleep
 * @l: L, held by the caller; released while waiting, held again on return
 * @flags: 0, or COQUEUE_WAIT_FRONT to queue at the head
 *
 * Queues a record, unlocks L, yields; when woken by coqueue_next/_all or
 * coqueue_enter_next/_all, locks L again.  There are no spurious wake-ups,
 * but the condition waited for may have changed again before L is back:
 * re-check it in a loop, as with a condition variable.
 *
 * Ordering: as L's unlock and lock.  Exclusion: the caller holds L and runs
 * in a coroutine (aborts otherwise).  Returns nothing.
 */
void coqueue_wait_flags(struct coqueue *q, const struct coqueue_lockable *l,
			unsigned int flags);

/* coqueue_wait_flags() at the tail. */
static inline void coqueue_wait(struct coqueue *q,
				const struct coqueue_lockable *l)
{
	coqueue_wait_flags(q, l, 0);
}

/**
 * coqueue_next - wake the oldest waiter of @q, keeping L held
 *
 * The waiter runs after the caller yields (same event context) or on its
 * own home thread, and then waits for L.
 *
 * Ordering: lb_co_wake()'s.  Exclusion: the caller holds L, and runs in a
 * coroutine or is not the waiter's home thread (aborts if the wake would
 * enter the waiter directly with L held: use coqueue_enter_next() there).
 *
 * Returns true if a waiter was woken, false if @q was empty.
 */
bool coqueue_next(struct coqueue *q);

/**
 * coqueue_restart_all - wake every waiter queued on @q now, keeping L held
 *
 * Waiters that queue afterwards (even those woken here and waiting again)
 * are not woken.  Ordering and exclusion: as coqueue_next().
 *
 * Returns the number of waiters woken.
 */
unsigned int coqueue_restart_all(struct coqueue *q);

/**
 * coqueue_enter_next - wake the oldest waiter, from a coroutine or not
 * @l: L, held by the caller; unlocked around the wake and locked again
 *
 * Outside a coroutine the waiter may run inside this call (if the caller
 * owns its home context), so L must be one a plain thread can take: a
 * pthread mutex.  L is free for a moment: anything the caller read under
 * it must be re-checked afterwards.
 *
 * Ordering: lb_co_wake()'s, and L's unlock/lock.  Exclusion: the caller
 * holds L.  Returns true if a waiter was woken, false if @q was empty (then
 * L was not dropped).
 */
bool coqueue_enter_next(struct coqueue *q, const struct coqueue_lockable *l);

/**
 * coqueue_enter_all - wake every waiter queued on @q now, from anywhere
 *
 * Takes the whole list under L, drops L once around all the wakes, locks L
 * again.  Ordering and exclusion: as coqueue_enter_next().
 *
 * Returns the number of waiters woken (L was dropped only if it is not 0).
 */
unsigned int coqueue_enter_all(struct coqueue *q,
			       const struct coqueue_lockable *l);

#endif /* LB_LOCKS_COQUEUE_H */
