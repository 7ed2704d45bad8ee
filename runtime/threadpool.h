/* SPDX-License-Identifier: MIT */
/*
 * threadpool.h - a pool of worker threads that run blocking functions for
 * event-loop threads and coroutines, and deliver the results back to them.
 *
 * The design follows QEMU's AIO thread pool (util/thread-pool.c, described
 * in ALGORITHMS.md 1c); the code is ours.
 *  - Workers are created on demand, when a request finds no idle worker,
 *    up to max_threads; min_threads are started at once and never exit.
 *    A worker idle for idle_timeout_ns exits (if more than min_threads).
 *  - Requests wait in one FIFO list; a request still queued can be
 *    cancelled.
 *  - A result goes back to the event context of the thread that submitted
 *    (runtime/evloop.h): each (pool, context) pair has a completion "port"
 *    with one bottom half, which calls the callbacks in the submitter's
 *    thread.  The bottom half costs an eventfd write only when that thread
 *    sleeps in poll (the evloop's notify_me protocol).
 *
 * The "done" protocol of a request (QEMU's THREAD_QUEUED/ACTIVE/DONE):
 *
 *   QUEUED -> ACTIVE   a worker takes it off the list (under pool->lock)
 *   QUEUED -> DONE     cancelled (lb_threadpool_cancel or shutdown), with
 *                      ret = -ECANCELED, under pool->lock
 *   ACTIVE -> DONE     the worker stores ret, then state with a RELEASE
 *                      store: ret is published by that store.
 *
 * The completion reads state with an ACQUIRE load, and only then ret.
 *
 * What may run concurrently with what (X = the caller must exclude):
 *
 *                     submit*  cancel  shutdown  free  (workers)
 *   lb_threadpool_submit*  -     -        -       X       -
 *   lb_threadpool_cancel   -     -        -       X       -
 *   lb_threadpool_shutdown -     -        -       X       -
 *   lb_threadpool_free     X     X        X       X       -
 *
 * Lifetime rule: every event context that submitted to a pool (submit with
 * a callback, submit_co, lb_co_run_in_worker) must stay alive until
 * lb_threadpool_free() has returned: a worker may still be inside
 * lb_bh_schedule()/lb_co_wake() for that context after the completion ran.
 */
#ifndef LB_THREADPOOL_H
#define LB_THREADPOOL_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/coroutine.h"

#define LB_THREADPOOL_MAX_DEFAULT 64
#define LB_THREADPOOL_IDLE_DEFAULT_NS 10000000000ull /* 10 s, as QEMU */

struct lb_threadpool;
struct lb_tp_req;

/* A blocking function run on a worker; its return value is the result. */
typedef long (*lb_tp_func)(void *arg);
/* A completion: called once in the submitter's thread with the result. */
typedef void (*lb_tp_cb)(void *opaque, long ret);

struct lb_threadpool_cfg {
	unsigned int min_threads; /* started at once, never exit (0) */
	unsigned int max_threads; /* 0: LB_THREADPOOL_MAX_DEFAULT */
	uint64_t idle_timeout_ns; /* 0: LB_THREADPOOL_IDLE_DEFAULT_NS */
};

struct lb_threadpool_stats {
	unsigned int cur_threads; /* workers alive (or being created) */
	unsigned int idle_threads; /* ... of which waiting for a request */
	unsigned int max_seen; /* highest cur_threads so far */
	unsigned int queued; /* requests in the FIFO list */
	uint64_t created, exited; /* workers, ever */
	uint64_t completed, cancelled; /* requests, ever */
};

/**
 * lb_threadpool_new - create a pool and start its min_threads workers
 * @cfg: limits; NULL for the defaults (0 .. 64 workers, 10 s idle timeout)
 *
 * Workers inherit the CPU affinity of the thread that calls this (not of
 * the submitter that happens to make them), so a pinned benchmark thread
 * does not drag the pool onto its own CPU.
 *
 * Returns the pool; never NULL (out of memory or threads is fatal).
 */
struct lb_threadpool *lb_threadpool_new(const struct lb_threadpool_cfg *cfg);

/**
 * lb_threadpool_submit - run @func(@arg) on a worker, then @cb(@opaque, ret)
 *
 * With a callback, the calling thread must own an event context
 * (lb_evctx_current() != NULL, aborts otherwise): @cb runs later from that
 * context's loop, in this thread, exactly once, with @func's result or
 * -ECANCELED if the request was cancelled before it started.  With @cb ==
 * NULL the request is fire-and-forget (no context needed, no completion; a
 * cancelled one simply never runs).  After lb_threadpool_shutdown() a new
 * request is cancelled at once (its callback still comes, asynchronously).
 *
 * Ordering: everything the caller did happens before @func runs (pool
 * lock); everything @func did happens before @cb runs (the release store of
 * DONE, the acquire load in the completion).
 * Exclusion: none (see the table in the file comment).
 *
 * Returns a handle for lb_threadpool_cancel(), valid until @cb has started;
 * NULL when @cb is NULL.
 */
struct lb_tp_req *lb_threadpool_submit(struct lb_threadpool *pool,
				       lb_tp_func func, void *arg, lb_tp_cb cb,
				       void *opaque);

/**
 * lb_threadpool_cancel - cancel @req if no worker has taken it yet
 *
 * On success the callback is still called, later and asynchronously (from
 * the event loop, never from inside this call), with -ECANCELED.
 *
 * Ordering: under pool->lock.  Exclusion: call from the thread that
 * submitted @req, before @req's callback has run (the handle is freed
 * right after it).
 *
 * Returns true if @req was cancelled, false if it already runs or ran.
 */
bool lb_threadpool_cancel(struct lb_threadpool *pool, struct lb_tp_req *req);

/**
 * lb_threadpool_submit_co - run @func(@arg) on a worker from a coroutine
 *
 * Submits with a completion that wakes the calling coroutine, yields, and
 * returns @func's result (or -ECANCELED after shutdown).  The
 * submit-then-yield race is closed by the runtime: the completion is a
 * bottom half of this coroutine's home context, so it runs in this thread
 * from the event loop, and this thread cannot be in its event loop until
 * this coroutine yields.  No wake-up can come between the submit and the
 * yield, however fast the worker is.
 *
 * Ordering: as lb_threadpool_submit().  Exclusion: call from a coroutine
 * whose home context is the current thread's (aborts otherwise).
 *
 * Returns @func's return value, or -ECANCELED.
 */
long lb_threadpool_submit_co(struct lb_threadpool *pool, lb_tp_func func,
			     void *arg);

/**
 * lb_co_run_in_worker - run a block of a coroutine on a worker thread
 * @fn: the block, called on a worker thread as @fn(@arg)
 * @arg: usually a pointer to the coroutine's own locals
 *
 * The coroutine suspends, @fn runs on a worker, and the coroutine resumes
 * on its home thread when @fn has returned.  Nothing is copied: @fn works on
 * the coroutine's locals in place through @arg, which is safe because the
 * coroutine's stack frame cannot change or go away while it is suspended.
 *
 * This is not a migration of the coroutine itself: runtime/coroutine.h
 * allows entering a coroutine only on its home thread (thread-local state
 * cached across a switch, TSan fibers).  The block therefore runs on the
 * worker's own stack.  It returns home by lb_co_wake() straight from the
 * worker (one cross-thread schedule, no bottom half), which is also how a
 * real migration would come back.  A wake from another thread only queues
 * the coroutine on its home context, which enters it after it yielded: the
 * submit-then-yield race is closed as for lb_threadpool_submit_co().
 *
 * Ordering: everything before the call happens before @fn; everything @fn
 * did happens before the return (release store of DONE, acquire load).
 * Exclusion: as lb_threadpool_submit_co().
 *
 * Returns 0, or -ECANCELED if the pool was shut down before @fn started
 * (then @fn did not run).
 */
int lb_co_run_in_worker(struct lb_threadpool *pool, void (*fn)(void *arg),
			void *arg);

/**
 * lb_threadpool_shutdown - stop the pool, losing no request
 *
 * Requests still queued are cancelled (each callback gets -ECANCELED, each
 * waiting coroutine resumes with -ECANCELED); requests already running
 * finish normally.  Returns when every worker has exited, so every
 * completion has been handed to its event context; the callbacks run when
 * those contexts' loops next run.  Later submissions are cancelled at once.
 * Idempotent.
 *
 * Ordering: pool->lock; workers' exits are observed under it.
 * Exclusion: not concurrently with lb_threadpool_free(); may be called from
 * any thread, while submitters' loops keep running.
 */
void lb_threadpool_shutdown(struct lb_threadpool *pool);

/**
 * lb_threadpool_free - shut down (if not done yet) and free the pool
 *
 * Completions of the calling thread's own event context are delivered by
 * running its loop here until none is left.  Every other context must have
 * received all of its completions and ended its loop first (a callback
 * still pending elsewhere aborts, it would be lost).
 *
 * Exclusion: no other call on @pool, concurrently or afterwards; not from a
 * coroutine when the caller's context still has completions to receive.
 */
void lb_threadpool_free(struct lb_threadpool *pool);

/* Snapshot of the counters, under pool->lock. */
void lb_threadpool_get_stats(struct lb_threadpool *pool,
			     struct lb_threadpool_stats *st);

#endif /* LB_THREADPOOL_H */
