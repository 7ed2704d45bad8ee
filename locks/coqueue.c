/* SPDX-License-Identifier: MIT */
/*
 * coqueue.c - CoQueue, see coqueue.h for the policy and the protocol.
 */
#include "locks/coqueue.h"

#include "runtime/evloop.h"

void coqueue_comutex_lock(void *m)
{
	comutex_lock(m, NULL);
}

void coqueue_comutex_unlock(void *m)
{
	comutex_unlock(m, NULL);
}

void coqueue_pthread_lock(void *m)
{
	lb_check_pthread(pthread_mutex_lock(m));
}

void coqueue_pthread_unlock(void *m)
{
	lb_check_pthread(pthread_mutex_unlock(m));
}

void coqueue_wait_flags(struct coqueue *q, const struct coqueue_lockable *l,
			unsigned int flags)
{
	struct coqueue_waiter self = { .co = lb_co_self(), .queued = true };

	if (!self.co)
		lb_die("coqueue_wait called outside a coroutine");
	if (flags & COQUEUE_WAIT_FRONT) {
		self.next = q->head;
		q->head = &self;
		if (!q->tail)
			q->tail = &self;
	} else {
		if (q->tail)
			q->tail->next = &self;
		else
			q->head = &self;
		q->tail = &self;
	}
	/*
	 * A waker may pop us as soon as L is free, before we yield: its wake
	 * then waits in our home context's queue (or our wake-up list) until
	 * we have yielded, because only this thread enters us (evloop.h).
	 */
	l->unlock(l->obj);
	lb_co_yield();
	l->lock(l->obj);
	/* Only a waker that took us off the list may have entered us. */
	lb_bug_on(self.queued);
}

/* Take the oldest waiter off @q (L held); NULL if empty. */
static struct coqueue_waiter *coqueue_pop(struct coqueue *q)
{
	struct coqueue_waiter *w = q->head;

	if (!w)
		return NULL;
	q->head = w->next;
	if (!q->head)
		q->tail = NULL;
	w->queued = false;
	return w;
}

/* Take every waiter off @q (L held); returns the old list, oldest first. */
static struct coqueue_waiter *coqueue_take_all(struct coqueue *q)
{
	struct coqueue_waiter *list = q->head, *w;

	for (w = list; w; w = w->next)
		w->queued = false;
	q->head = NULL;
	q->tail = NULL;
	return list;
}

/* Wake @co from a caller that keeps L: it must not be entered right now. */
static void coqueue_wake_keeping_lock(struct lb_co *co)
{
	if (!lb_in_coroutine() && lb_co_home(co) == lb_evctx_current())
		lb_die("coqueue: waking coroutine %p would enter it with its "
		       "lock held; use coqueue_enter_next/_all outside "
		       "coroutines",
		       (void *)co);
	lb_co_wake(co);
}

bool coqueue_next(struct coqueue *q)
{
	struct coqueue_waiter *w = coqueue_pop(q);

	if (!w)
		return false;
	coqueue_wake_keeping_lock(w->co);
	return true;
}

unsigned int coqueue_restart_all(struct coqueue *q)
{
	struct coqueue_waiter *w = coqueue_take_all(q), *next;
	unsigned int n = 0;

	for (; w; w = next, n++) {
		/* Read the link first: a woken waiter's record may vanish. */
		next = w->next;
		coqueue_wake_keeping_lock(w->co);
	}
	return n;
}

bool coqueue_enter_next(struct coqueue *q, const struct coqueue_lockable *l)
{
	struct coqueue_waiter *w = coqueue_pop(q);
	struct lb_co *co;

	if (!w)
		return false;
	co = w->co;
	/* The waiter may run inside lb_co_wake() and want L: drop it. */
	l->unlock(l->obj);
	lb_co_wake(co);
	l->lock(l->obj);
	return true;
}

unsigned int coqueue_enter_all(struct coqueue *q,
			       const struct coqueue_lockable *l)
{
	struct coqueue_waiter *w = coqueue_take_all(q), *next;
	unsigned int n = 0;

	if (!w)
		return 0;
	l->unlock(l->obj);
	for (; w; w = next, n++) {
		/*
		 * Read the link first: a woken waiter's record may vanish.
		 * The records after it are still valid, their coroutines
		 * are asleep until we wake them (nobody else has them: they
		 * left the queue under L).
		 */
		next = w->next;
		lb_co_wake(w->co);
	}
	l->lock(l->obj);
	return n;
}
