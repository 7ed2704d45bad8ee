/* SPDX-License-Identifier: MIT */
/*
 * evloop.h - one event context per worker thread: a loop that runs
 * coroutines and bottom halves scheduled onto it from any thread.
 *
 * The design follows QEMU's AioContext (util/async.c, util/aio-posix.c):
 *  - a wait-free multi-producer, single-consumer queue of scheduled
 *    coroutines and another of pending bottom halves (liburcu cds_wfcq:
 *    producers enqueue from anywhere; the owner splices the whole queue into
 *    a private one and drains it);
 *  - an eventfd that producers write only when the owner is (about to be)
 *    blocked in poll(2): the notify_me/notified protocol, a Dekker pattern
 *    (store, full fence, load on both sides; see evloop.c);
 *  - lb_co_wake(): enter directly when the coroutine lives on the caller's
 *    own context, otherwise queue it onto its home context.
 *
 * Ownership: a context is owned by one thread at a time, the one that
 * attached it (lb_evctx_attach) or runs it (lb_evctx_run/poll attach it for
 * their duration).  Only the owner polls it and enters its coroutines.
 *
 * Concurrency (X = the caller must exclude, - = safe concurrently):
 *
 *                        schedule wake bh_schedule notify stop poll  free
 *   lb_co_schedule(co)     X(co)   X(co)    -        -     -    -     X
 *   lb_bh_schedule(bh)      -       -       -        -     -    -     X
 *   lb_evctx_notify/stop    -       -       -        -     -    -     X
 *   lb_evctx_poll/run       -       -       -        -     -  owner   X
 *
 * "X(co)": a coroutine may be scheduled once per yield; a second schedule
 * before the first is processed aborts ("already scheduled").
 */
#ifndef LB_EVLOOP_H
#define LB_EVLOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/coroutine.h"

struct lb_evctx;
struct lb_bh;

/* Counters of one context, see lb_evctx_get_stats(). */
struct lb_evctx_stats {
	uint64_t polls; /* lb_evctx_poll iterations */
	uint64_t sleeps; /* poll(2) calls that could block */
	uint64_t coroutines; /* coroutines entered from the schedule queue */
	uint64_t bhs; /* bottom-half callbacks run */
	uint64_t kicks; /* eventfd writes by notifiers (any thread) */
	uint64_t holes; /* dequeues/splices deferred: enqueue in flight */
};

/**
 * lb_evctx_current - the event context the calling thread owns
 *
 * Ordering: none (thread-local).  Returns the context or NULL.
 */
static inline struct lb_evctx *lb_evctx_current(void)
{
	return lb_co_thread_evctx();
}

/**
 * lb_evctx_new - create an event context (an eventfd and two queues)
 *
 * Returns the context, owned by nobody until attached or run; never NULL
 * (failure to create the eventfd is fatal).
 */
struct lb_evctx *lb_evctx_new(void);

/**
 * lb_evctx_free - destroy a context
 *
 * Frees pending bottom halves that were already lb_bh_free'd.  Aborts if
 * coroutines are still scheduled on it or live bottom halves are pending.
 * Exclusion: nobody owns, schedules onto or notifies the context any more.
 */
void lb_evctx_free(struct lb_evctx *ctx);

/**
 * lb_evctx_attach - make the calling thread the owner of @ctx
 *
 * After this, lb_co_wake() of @ctx's coroutines from this thread enters them
 * directly, and coroutines first entered from this thread get @ctx as home.
 * Aborts if the thread owns another context or another thread owns @ctx.
 * Ordering: acq_rel on the owner field.  Returns nothing.
 */
void lb_evctx_attach(struct lb_evctx *ctx);

/* Undo lb_evctx_attach() for the calling thread's context, if any. */
void lb_evctx_detach(void);

/**
 * lb_evctx_poll - one iteration of the loop
 * @blocking: if nothing was ready, sleep in poll(2) until notified
 *
 * Runs the bottom halves pending and the coroutines scheduled at the time
 * of the call (work queued meanwhile waits for the next iteration).  If
 * @blocking and nothing ran, announces itself (notify_me), sleeps until a
 * producer kicks the eventfd, then runs what arrived.  A wake-up without
 * work (a spurious eventfd read) returns false.
 *
 * Exclusion: the caller owns @ctx (attached, or attaches it for the call)
 * and is not inside a coroutine (aborts otherwise).  May be nested from a
 * bottom-half callback.
 *
 * Returns whether a bottom half or a coroutine ran.
 */
bool lb_evctx_poll(struct lb_evctx *ctx, bool blocking);

/**
 * lb_evctx_run - run the loop until lb_evctx_stop()
 *
 * Each lb_evctx_stop() ends one run: a stop issued while no run is going
 * makes the next run return at once.  Exclusion: as lb_evctx_poll().
 */
void lb_evctx_run(struct lb_evctx *ctx);

/**
 * lb_evctx_stop - make lb_evctx_run(@ctx) return, from any thread
 *
 * Ordering: release store of the stop request, then a full fence and a
 * kick (lb_evctx_notify).  Returns nothing.
 */
void lb_evctx_stop(struct lb_evctx *ctx);

/**
 * lb_evctx_notify - wake @ctx's owner if it sleeps in (or is entering) poll
 *
 * Call it after publishing anything the owner should look at.  Costs a full
 * fence, plus one eventfd write if the owner announced that it may block.
 *
 * Ordering: full fence (pairs with the fence after notify_me is set in
 * lb_evctx_poll): the owner either sees what the caller published before
 * blocking, or is woken.  Exclusion: none.  Returns nothing.
 */
void lb_evctx_notify(struct lb_evctx *ctx);

/**
 * lb_evctx_run_until_idle - run the loop until *@live_count is zero
 *
 * For "K coroutines on my loop until all terminated": their entries
 * decrement the counter (with release or stronger) as they finish.  A
 * decrement from another thread must be followed by lb_evctx_notify(@ctx).
 * lb_evctx_stop() does not end it.  Exclusion: as lb_evctx_poll().
 */
void lb_evctx_run_until_idle(struct lb_evctx *ctx, const unsigned *live_count);

/**
 * lb_evctx_run_coroutines - run @k coroutines @entry(@args[i]) on @ctx
 * @args: k arguments, or NULL to pass NULL to every coroutine
 *
 * Creates the coroutines, schedules them onto @ctx (in order) and runs the
 * loop until all have terminated.  Exclusion: as lb_evctx_poll().
 */
void lb_evctx_run_coroutines(struct lb_evctx *ctx, void (*entry)(void *),
			     void *const args[], unsigned k);

/**
 * lb_evctx_get_stats - read @ctx's counters (relaxed; may lag)
 */
void lb_evctx_get_stats(struct lb_evctx *ctx, struct lb_evctx_stats *st);

/**
 * lb_co_schedule - queue @co to be entered by @ctx's owner, from any thread
 *
 * Aborts with "already scheduled" if @co was scheduled (or woken) and not
 * entered since, and with "would migrate" if @co's home context is not @ctx.
 * The caller's __func__ is recorded for that message.
 *
 * Ordering: a full-barrier cmpxchg on co->scheduled; the owner clears it
 * with an acquire xchg before entering @co, so everything the caller did
 * before scheduling is visible to @co.  Then a kick (lb_evctx_notify).
 * Exclusion: one schedule per yield of @co (see the file comment); @co must
 * not be running on another thread in a way that lets it terminate before
 * the schedule is processed.
 *
 * Returns nothing.
 */
#define lb_co_schedule(ctx, co) lb_co_schedule_from((ctx), (co), __func__)
void lb_co_schedule_from(struct lb_evctx *ctx, struct lb_co *co,
			 const char *who);

/**
 * lb_co_wake - resume @co on its home context, from any thread
 *
 *  - caller owns @co's home context and is not in a coroutine: enter @co now;
 *  - caller is a coroutine on that context: queue @co on the caller, to be
 *    entered right after the caller yields or terminates;
 *  - otherwise: lb_co_schedule() onto the home context.
 * Why this never enters @co before it yielded: only the home thread enters
 * @co, and the home thread is inside @co until @co yields; a wake issued from
 * another thread while @co still runs just waits in the queue, and a wake
 * from @co's own thread cannot happen while @co runs unless @co wakes itself
 * (then it runs after it yields, through the wakeup list).
 *
 * Aborts if @co has no home context (never entered from an event context),
 * or as lb_co_schedule()/lb_co_enter() do.
 * Ordering: as lb_co_schedule() (direct entry: program order).
 * Exclusion: one wake per yield of @co.
 *
 * Returns nothing.
 */
#define lb_co_wake(co) lb_co_wake_from((co), __func__)
void lb_co_wake_from(struct lb_co *co, const char *who);

/**
 * lb_bh_new - a bottom half: @cb(@opaque) to run in @ctx's owner thread
 *
 * Returns the bottom half, not pending; never NULL.
 */
struct lb_bh *lb_bh_new(struct lb_evctx *ctx, void (*cb)(void *opaque),
			void *opaque);

/**
 * lb_bh_schedule - make @bh run once in its context's loop, from any thread
 *
 * Idempotent while pending: any number of schedules before the callback
 * starts give one run.  A schedule after the callback started gives another
 * run.
 *
 * Ordering: full-barrier fetch_or on bh->flags, paired with the owner's
 * acq_rel fetch_and before it runs the callback: what the caller did before
 * scheduling is visible to the callback.  Then a kick if it was queued.
 * Exclusion: none, except against lb_bh_free.
 *
 * Returns true if this call made the bottom half scheduled (so the number
 * of runs equals the number of true returns, barring lb_bh_cancel), false
 * if it already was.
 */
bool lb_bh_schedule(struct lb_bh *bh);

/**
 * lb_bh_cancel - unschedule @bh if its callback has not started yet
 *
 * The callback may be running or about to start when this returns; to be
 * sure, cancel from the owner thread outside the callback.
 * Ordering: relaxed-release fetch_and.  Exclusion: none.  Returns nothing.
 */
void lb_bh_cancel(struct lb_bh *bh);

/**
 * lb_bh_free - free @bh (now, or when the loop next dequeues it)
 *
 * May be called from the callback itself.  Exclusion: no lb_bh_schedule on
 * @bh may run concurrently or afterwards, and the callback is not running
 * on another thread (call from the owner thread, or after its loop ended).
 */
void lb_bh_free(struct lb_bh *bh);

#endif /* LB_EVLOOP_H */
