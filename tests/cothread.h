/* SPDX-License-Identifier: MIT */
/*
 * cothread.h - test helpers: threads that run coroutines in their own event
 * loop (or, for methods that do not need one, their worker straight on the
 * thread), a polite pause, and a bounded wait.
 *
 * A bounded wait is a hang guard, not a timing assertion: COT_TIMEOUT_NS is
 * far longer than any correct run needs, and a test that times out reports
 * a failure (and releases what it holds) instead of hanging.
 */
#ifndef LB_TESTS_COTHREAD_H
#define LB_TESTS_COTHREAD_H

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>

#include "locks/lock.h"
#include "runtime/clock.h"
#include "runtime/compiler.h"
#include "runtime/coroutine.h"
#include "runtime/evloop.h"

#define COT_TIMEOUT_NS 30000000000ull
#define COT_MAX 16

/* A locker's queue node for @ops, if it takes one (NULL otherwise). */
static inline void *node_new(const struct lb_lock_ops *ops)
{
	return ops->node_size ?
		       lb_xaligned_zalloc(LB_PAD_SIZE, ops->node_size) :
		       NULL;
}

/* Whether @ops may only be used from a coroutine. */
static inline bool needs_coroutine(const struct lb_lock_ops *ops)
{
	return ops->flags & LB_NEEDS_COROUTINE;
}

/*
 * A thread running k coroutines entry(args[i]) on its own event context,
 * or (ev NULL, k 1) entry(args[0]) straight on the thread.
 */
struct cothread {
	void (*entry)(void *arg);
	void *args[COT_MAX];
	unsigned int k;
	struct lb_evctx *ev;
	pthread_t thread;
};

static void *cothread_main(void *arg)
{
	struct cothread *t = arg;

	if (t->ev)
		lb_evctx_run_coroutines(t->ev, t->entry, t->args, t->k);
	else
		t->entry(t->args[0]);
	return NULL;
}

/*
 * Start @t running @k workers @entry(@args[i]): as coroutines of its own
 * event context if @coroutines, else (@k 1) straight on the thread.
 */
static inline void cothread_spawn(struct cothread *t, bool coroutines,
				  void (*entry)(void *), void *const args[],
				  unsigned int k)
{
	unsigned int i;

	lb_bug_on(k > COT_MAX || (!coroutines && k != 1));
	t->entry = entry;
	t->k = k;
	for (i = 0; i < k; i++)
		t->args[i] = args[i];
	t->ev = coroutines ? lb_evctx_new() : NULL;
	lb_check_pthread(pthread_create(&t->thread, NULL, cothread_main, t));
}

/* Start @t running @k coroutines @entry(@args[i]). */
static inline void cothread_start_k(struct cothread *t, void (*entry)(void *),
				    void *const args[], unsigned int k)
{
	cothread_spawn(t, true, entry, args, k);
}

/* Start @t running one coroutine @entry(@arg). */
static inline void cothread_start(struct cothread *t, void (*entry)(void *),
				  void *arg)
{
	cothread_start_k(t, entry, &arg, 1);
}

/*
 * Join @n threads, then free their contexts: another thread may still be
 * inside lb_co_wake() for a coroutine of a loop that has just finished.
 */
static inline void cothread_join(struct cothread *t, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		lb_check_pthread(pthread_join(t[i].thread, NULL));
	for (i = 0; i < n; i++)
		if (t[i].ev)
			lb_evctx_free(t[i].ev);
}

/*
 * Run one coroutine @entry(@arg) on the calling thread until it ends.
 * Returns its context: free it with lb_evctx_free() only after joining
 * every thread that may have woken the coroutine (a waker can still be
 * inside lb_co_wake(), kicking the context, after the coroutine ended).
 */
static inline struct lb_evctx *cothread_run_here(void (*entry)(void *),
						 void *arg)
{
	struct lb_evctx *ev = lb_evctx_new();

	lb_evctx_run_coroutines(ev, entry, &arg, 1);
	return ev;
}

/* The same, in a coroutine only if @coroutine: else a plain call, NULL. */
static inline struct lb_evctx *
cothread_run_here_if(bool coroutine, void (*entry)(void *), void *arg)
{
	if (coroutine)
		return cothread_run_here(entry, arg);
	entry(arg);
	return NULL;
}

/*
 * Let others run.  In a coroutine, go round the event loop (another
 * coroutine of this thread may be what we wait for); else yield the CPU.
 */
static inline void cot_pause(void)
{
	if (lb_in_coroutine()) {
		lb_co_schedule(lb_evctx_current(), lb_co_self());
		lb_co_yield();
	} else {
		sched_yield();
	}
}

/* Wait until @cond holds, pausing; false if COT_TIMEOUT_NS passed first. */
#define COT_WAIT(cond)                                                 \
	({                                                             \
		uint64_t cot_deadline_ = lb_now_ns() + COT_TIMEOUT_NS; \
		bool cot_ok_ = true;                                   \
		while (!(cond)) {                                      \
			if (lb_now_ns() > cot_deadline_) {             \
				cot_ok_ = false;                       \
				break;                                 \
			}                                              \
			cot_pause();                                   \
		}                                                      \
		cot_ok_;                                               \
	})

#endif /* LB_TESTS_COTHREAD_H */
