/* SPDX-License-Identifier: MIT */
/*
 * threadpool.c - worker threads for blocking work; see threadpool.h.
 *
 * Source: QEMU's util/thread-pool.c (Paolo Bonzini, Stefan Hajnoczi and
 * others), as described in ALGORITHMS.md 1c.  Independent rewrite, with
 * these differences:
 *  - one pool serves many event contexts: the completion bottom half lives
 *    in a per-(pool, context) "port", found at submit time under the pool
 *    lock (a short list: one entry per submitting thread);
 *  - finished requests reach the port through a lock-free stack that the
 *    bottom half takes whole, instead of a scan of every request in flight;
 *    the bottom half is scheduled only by the push that finds the stack
 *    empty (later pushes ride on that run);
 *  - lb_co_run_in_worker() completes by waking the coroutine straight from
 *    the worker (no bottom half);
 *  - workers are created by the submitter (outside the lock) with the
 *    affinity of the pool's creator, instead of through a bottom half in
 *    the pool's home context: our pool has no single home context.
 *
 * Locking: pool->lock protects the request list, every thread count, the
 * port list, stopping and the statistics; request_cond wakes idle workers;
 * worker_stopped tells shutdown that a worker exited.  A request's state
 * changes from QUEUED only under pool->lock.  A port's done stack is
 * lock-free; its undelivered count belongs to the port's context owner.
 *
 * Spawn policy: a submit starts a new worker when the queued requests
 * outnumber the workers that will pick them up (idle ones, plus ones being
 * created), up to max_threads.  Signalling request_cond happens after
 * unlocking (QEMU found signalling inside the lock slower, 3c7b72ddca), as
 * does scheduling a completion.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/atomics.h"
#include "runtime/compiler.h"
#include "runtime/evloop.h"
#include "runtime/threadpool.h"

enum tp_state {
	TP_QUEUED = 0, /* on pool->head's list */
	TP_ACTIVE = 1, /* a worker runs it */
	TP_DONE = 2, /* ret is valid (published by the release store) */
};

enum tp_kind {
	TP_DETACHED, /* no completion: freed by whoever finishes it */
	TP_CALLBACK, /* cb(opaque, ret) from the port's bottom half */
	TP_COROUTINE, /* lb_co_wake(co) from the worker */
};

/* One per (pool, submitting event context). */
struct tp_port {
	/* Finished requests, newest first.  Pushed by any thread (release
	 * cmpxchg), taken whole by the owner's bottom half (acquire xchg). */
	struct lb_tp_req *done lb_cacheline_aligned;
	/* Constant after creation. */
	struct lb_evctx *ctx lb_cacheline_aligned;
	struct lb_bh *bh; /* runs tp_port_bh() in ctx's thread */
	struct tp_port *next; /* pool->ports; pool->lock */
	/* Requests submitted and not delivered yet; ctx's owner only. */
	unsigned long undelivered;
};

struct lb_tp_req {
	/* Links in the FIFO list while QUEUED; pool->lock. */
	struct lb_tp_req *prev, *next;
	/* Constant after submit. */
	enum tp_kind kind;
	lb_tp_func func;
	void *arg;
	lb_tp_cb cb; /* TP_CALLBACK */
	void *opaque;
	struct lb_co *co; /* TP_COROUTINE */
	struct tp_port *port; /* NULL when TP_DETACHED */
	bool heap; /* malloc'd by us, freed after completion */
	/* enum tp_state: see "the done protocol" in threadpool.h. */
	unsigned int state;
	long ret; /* published by the release store of TP_DONE */
	struct lb_tp_req *done_next; /* link in port->done */
};

struct lb_threadpool {
	pthread_mutex_t lock;
	pthread_cond_t request_cond; /* a request was queued, or stopping */
	pthread_cond_t worker_stopped; /* a worker exited */

	/* pool->lock */
	struct lb_tp_req *head, *tail; /* the FIFO list of QUEUED requests */
	struct tp_port *ports;
	unsigned int cur_threads; /* alive or being created */
	unsigned int idle_threads; /* waiting on request_cond */
	unsigned int starting; /* created, not yet in the loop */
	bool stopping;
	struct lb_threadpool_stats st; /* the counters part of it */
	/* Worker completions; atomic, outside the lock (see tp_worker). */
	uint64_t ncompleted;

	/* Constant after lb_threadpool_new(). */
	unsigned int min_threads, max_threads;
	uint64_t idle_timeout_ns;
	cpu_set_t affinity; /* of the creating thread; given to workers */
	bool have_affinity;
};

static void tp_lock(struct lb_threadpool *pool)
{
	lb_check_pthread(pthread_mutex_lock(&pool->lock));
}

static void tp_unlock(struct lb_threadpool *pool)
{
	lb_check_pthread(pthread_mutex_unlock(&pool->lock));
}

/* ---- completion ---- */

/* The bottom half of a port: deliver every finished request, oldest first. */
static void tp_port_bh(void *opaque)
{
	struct tp_port *port = opaque;
	struct lb_tp_req *list, *fifo = NULL, *req, *next;

	/* Acquire: pairs with the release cmpxchg in tp_port_push(). */
	list = lb_xchg_acquire(&port->done, NULL);
	while (list) { /* newest first: reverse */
		next = list->done_next;
		list->done_next = fifo;
		fifo = list;
		list = next;
	}
	for (req = fifo; req; req = next) {
		lb_tp_cb cb = req->cb;
		void *opaque_cb = req->opaque;
		bool heap = req->heap;
		long ret;

		/* Read before cb: a submit_co request lives on the stack of
		 * the coroutine that cb resumes. */
		next = req->done_next;
		/*
		 * Acquire: pairs with the release store of TP_DONE by the
		 * worker (or the canceller), which published ret.  "done"
		 * first, then the result.
		 */
		if (lb_unlikely(lb_load_acquire(&req->state) != TP_DONE))
			lb_die("BUG: request %p delivered before it was done",
			       (void *)req);
		ret = req->ret;
		port->undelivered--;
		if (heap)
			free(req);
		cb(opaque_cb, ret); /* may resume a coroutine; req is gone */
	}
}

static void tp_port_push(struct tp_port *port, struct lb_tp_req *req)
{
	struct lb_tp_req *old = lb_load_relaxed(&port->done);

	/*
	 * Release: our writes to the request (and, before them, the release
	 * store of TP_DONE) are visible to the bottom half's acquire xchg.
	 */
	do {
		req->done_next = old;
	} while (!__atomic_compare_exchange_n(&port->done, &old, req, true,
					      __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
	/*
	 * Only the push that made the stack non-empty schedules: the others
	 * are taken by the run it causes (or by one already pending that
	 * has not taken the stack yet).  A run may find the stack empty, if
	 * an earlier run took our request before we got here: harmless.
	 */
	if (!old)
		lb_bh_schedule(port->bh);
}

/*
 * Hand a request whose state is TP_DONE to whoever waits for it.  Called
 * without pool->lock (a wake may enter a coroutine that submits again).
 */
static void tp_complete(struct lb_tp_req *req)
{
	struct lb_co *co;

	switch (req->kind) {
	case TP_DETACHED:
		free(req);
		return;
	case TP_CALLBACK:
		tp_port_push(req->port, req);
		return;
	case TP_COROUTINE:
		/*
		 * req lives on co's stack: read co first, never touch req
		 * after the wake.  Runs on the worker (a cross-thread
		 * schedule), or on the thread that cancels.
		 */
		co = req->co;
		lb_co_wake(co);
		return;
	}
	lb_die("BUG: request kind %d", (int)req->kind);
}

/* ---- workers ---- */

static void *tp_worker(void *opaque);

static void tp_spawn(struct lb_threadpool *pool)
{
	pthread_attr_t attr;
	pthread_t tid;
	int err;

	lb_check_pthread(pthread_attr_init(&attr));
	lb_check_pthread(
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED));
	if (pool->have_affinity)
		lb_check_pthread(pthread_attr_setaffinity_np(
			&attr, sizeof(pool->affinity), &pool->affinity));
	err = pthread_create(&tid, &attr, tp_worker, pool);
	pthread_attr_destroy(&attr);
	if (!err)
		return;
	tp_lock(pool);
	pool->cur_threads--;
	pool->starting--;
	pool->st.created--;
	/* Others can still run the queue; with none left it would stall. */
	if (!pool->cur_threads && pool->head)
		lb_die("cannot create a worker thread (error %d), none left",
		       err);
	tp_unlock(pool);
}

/* Under pool->lock: reserve @n new workers; the caller spawns them. */
static void tp_reserve(struct lb_threadpool *pool, unsigned int n)
{
	pool->cur_threads += n;
	pool->starting += n;
	pool->st.created += n;
	if (pool->cur_threads > pool->st.max_seen)
		pool->st.max_seen = pool->cur_threads;
}

static struct timespec tp_deadline(uint64_t ns)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns += (uint64_t)ts.tv_nsec;
	ts.tv_sec += (time_t)(ns / 1000000000ull);
	ts.tv_nsec = (long)(ns % 1000000000ull);
	return ts;
}

/*
 * Wait for a request.  Called and returns with pool->lock held.  Returns
 * false when the worker must exit: stopping with nothing queued, or idle
 * for idle_timeout_ns while more than min_threads are alive.
 */
static bool tp_wait_request(struct lb_threadpool *pool)
{
	while (!pool->head) {
		struct timespec deadline;
		bool timed_out = false;
		int err;

		if (pool->stopping)
			return false;
		deadline = tp_deadline(pool->idle_timeout_ns);
		pool->idle_threads++;
		/* Spurious wake-ups re-check with the same deadline. */
		while (!pool->head && !pool->stopping && !timed_out) {
			err = pthread_cond_timedwait(&pool->request_cond,
						     &pool->lock, &deadline);
			if (err == ETIMEDOUT)
				timed_out = true;
			else if (err)
				lb_die("pthread_cond_timedwait: error %d", err);
		}
		pool->idle_threads--;
		if (!pool->head && timed_out &&
		    pool->cur_threads > pool->min_threads)
			return false;
	}
	return true;
}

static void *tp_worker(void *opaque)
{
	struct lb_threadpool *pool = opaque;

	tp_lock(pool);
	pool->starting--;
	while (tp_wait_request(pool)) {
		struct lb_tp_req *req = pool->head;
		long ret;

		pool->head = req->next;
		if (pool->head)
			pool->head->prev = NULL;
		else
			pool->tail = NULL;
		pool->st.queued--;
		/* Under the lock: cancel() no longer sees it QUEUED. */
		lb_store_relaxed(&req->state, TP_ACTIVE);
		tp_unlock(pool);

		ret = req->func(req->arg);
		req->ret = ret;
		/*
		 * Release: the result (and everything func did) is written
		 * before "done" is published; the completion loads "done"
		 * with acquire before it reads ret.
		 */
		lb_store_release(&req->state, TP_DONE);
		/*
		 * Counted before the completion is handed over, so that a
		 * submitter that has seen every completion also sees them
		 * counted (the count was taken after, and a test could read
		 * the stats in between).  Atomic: no lock held here.
		 */
		lb_fetch_add_relaxed(&pool->ncompleted, 1);
		tp_complete(req); /* outside the lock, as QEMU */

		tp_lock(pool);
	}
	pool->cur_threads--;
	pool->st.exited++;
	/*
	 * Both signals with the lock held, so that shutdown cannot destroy
	 * the condition variables under us (QEMU f4f71363fc).  The second
	 * passes on a wake-up we may have consumed.
	 */
	lb_check_pthread(pthread_cond_broadcast(&pool->worker_stopped));
	lb_check_pthread(pthread_cond_signal(&pool->request_cond));
	tp_unlock(pool);
	return NULL;
}

/* ---- creation and submission ---- */

struct lb_threadpool *lb_threadpool_new(const struct lb_threadpool_cfg *cfg)
{
	struct lb_threadpool *pool = lb_xzalloc(sizeof(*pool));
	pthread_condattr_t ca;
	unsigned int i;

	pool->min_threads = cfg ? cfg->min_threads : 0;
	pool->max_threads = cfg && cfg->max_threads ? cfg->max_threads :
						      LB_THREADPOOL_MAX_DEFAULT;
	if (pool->max_threads < pool->min_threads)
		pool->max_threads = pool->min_threads;
	pool->idle_timeout_ns = cfg && cfg->idle_timeout_ns ?
					cfg->idle_timeout_ns :
					LB_THREADPOOL_IDLE_DEFAULT_NS;
	pool->have_affinity = !pthread_getaffinity_np(
		pthread_self(), sizeof(pool->affinity), &pool->affinity);
	lb_check_pthread(pthread_mutex_init(&pool->lock, NULL));
	lb_check_pthread(pthread_condattr_init(&ca));
	lb_check_pthread(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC));
	lb_check_pthread(pthread_cond_init(&pool->request_cond, &ca));
	lb_check_pthread(pthread_cond_init(&pool->worker_stopped, &ca));
	pthread_condattr_destroy(&ca);

	tp_lock(pool);
	tp_reserve(pool, pool->min_threads);
	tp_unlock(pool);
	for (i = 0; i < pool->min_threads; i++)
		tp_spawn(pool);
	return pool;
}

/* Under pool->lock: the port of @ctx, created on first use. */
static struct tp_port *tp_port_get(struct lb_threadpool *pool,
				   struct lb_evctx *ctx)
{
	struct tp_port *p;

	for (p = pool->ports; p; p = p->next)
		if (p->ctx == ctx)
			return p;
	p = lb_xaligned_zalloc(LB_PAD_SIZE, sizeof(*p));
	p->ctx = ctx;
	p->bh = lb_bh_new(ctx, tp_port_bh, p);
	p->next = pool->ports;
	pool->ports = p;
	return p;
}

/*
 * Queue @req (kind, func, arg and cb/co set by the caller).  Returns false
 * if the pool is stopping: then @req is already TP_DONE with -ECANCELED and
 * the caller completes it.
 */
static bool tp_submit(struct lb_threadpool *pool, struct lb_tp_req *req)
{
	struct lb_evctx *ctx = NULL;
	unsigned int idle;
	bool spawn;

	if (req->kind != TP_DETACHED) {
		ctx = lb_evctx_current();
		if (!ctx)
			lb_die("thread pool completion needs an event context "
			       "in the submitting thread");
	}
	tp_lock(pool);
	if (ctx) {
		req->port = tp_port_get(pool, ctx);
		req->port->undelivered++; /* we are ctx's owner */
	}
	if (pool->stopping) {
		pool->st.cancelled++;
		req->ret = -ECANCELED;
		lb_store_release(&req->state, TP_DONE); /* publishes ret */
		tp_unlock(pool);
		return false;
	}
	lb_store_relaxed(&req->state, TP_QUEUED);
	req->next = NULL;
	req->prev = pool->tail;
	if (pool->tail)
		pool->tail->next = req;
	else
		pool->head = req;
	pool->tail = req;
	pool->st.queued++;
	idle = pool->idle_threads;
	spawn = pool->st.queued > idle + pool->starting &&
		pool->cur_threads < pool->max_threads;
	if (spawn)
		tp_reserve(pool, 1);
	tp_unlock(pool);
	if (spawn)
		tp_spawn(pool);
	else if (idle)
		lb_check_pthread(pthread_cond_signal(&pool->request_cond));
	return true;
}

struct lb_tp_req *lb_threadpool_submit(struct lb_threadpool *pool,
				       lb_tp_func func, void *arg, lb_tp_cb cb,
				       void *opaque)
{
	struct lb_tp_req *req = lb_xzalloc(sizeof(*req));

	req->kind = cb ? TP_CALLBACK : TP_DETACHED;
	req->func = func;
	req->arg = arg;
	req->cb = cb;
	req->opaque = opaque;
	req->heap = true;
	if (!tp_submit(pool, req))
		tp_complete(req); /* cancelled: the callback comes later */
	return cb ? req : NULL;
}

bool lb_threadpool_cancel(struct lb_threadpool *pool, struct lb_tp_req *req)
{
	tp_lock(pool);
	if (lb_load_relaxed(&req->state) != TP_QUEUED) {
		tp_unlock(pool);
		return false;
	}
	if (req->prev)
		req->prev->next = req->next;
	else
		pool->head = req->next;
	if (req->next)
		req->next->prev = req->prev;
	else
		pool->tail = req->prev;
	pool->st.queued--;
	pool->st.cancelled++;
	req->ret = -ECANCELED;
	lb_store_release(&req->state, TP_DONE); /* publishes ret */
	tp_unlock(pool);
	tp_complete(req);
	return true;
}

/* The calling coroutine, checked to live on the current thread's context. */
static struct lb_co *tp_self_co(const char *who)
{
	struct lb_co *self = lb_co_self();

	if (!self)
		lb_die("%s must be called from a coroutine", who);
	if (!lb_evctx_current() || lb_co_home(self) != lb_evctx_current())
		lb_die("%s: the coroutine's home context is not this "
		       "thread's event context",
		       who);
	return self;
}

struct tp_co_wait {
	struct lb_co *co;
	long ret;
	bool done;
};

/* Completion of submit_co: in the home thread, from the port's BH. */
static void tp_co_done(void *opaque, long ret)
{
	struct tp_co_wait *w = opaque;

	w->ret = ret;
	w->done = true;
	lb_co_wake(w->co); /* same context, not in a coroutine: enters it */
}

long lb_threadpool_submit_co(struct lb_threadpool *pool, lb_tp_func func,
			     void *arg)
{
	struct tp_co_wait w = { .co = tp_self_co(__func__) };
	struct lb_tp_req req = {
		.kind = TP_CALLBACK,
		.func = func,
		.arg = arg,
		.cb = tp_co_done,
		.opaque = &w,
	};

	if (!tp_submit(pool, &req)) {
		req.port->undelivered--;
		return -ECANCELED;
	}
	/*
	 * The completion runs in this thread's event loop, which cannot run
	 * before we yield: no wake-up can be lost or come too early.  The
	 * loop only guards against a stray wake-up by somebody else.
	 */
	while (!w.done)
		lb_co_yield();
	return w.ret;
}

struct tp_riw {
	void (*fn)(void *arg);
	void *arg;
};

static long tp_riw_call(void *opaque)
{
	struct tp_riw *r = opaque;

	r->fn(r->arg);
	return 0;
}

int lb_co_run_in_worker(struct lb_threadpool *pool, void (*fn)(void *arg),
			void *arg)
{
	struct tp_riw r = { .fn = fn, .arg = arg };
	struct lb_tp_req req = {
		.kind = TP_COROUTINE,
		.func = tp_riw_call,
		.arg = &r,
		.co = tp_self_co(__func__),
	};

	if (!tp_submit(pool, &req)) {
		req.port->undelivered--;
		return -ECANCELED;
	}
	/*
	 * The worker (or shutdown) wakes us with lb_co_wake() after the
	 * release store of TP_DONE.  From another thread that only queues
	 * us on our home context, which cannot enter us before this yield.
	 */
	lb_co_yield();
	/* Acquire: pairs with the release store of TP_DONE. */
	if (lb_unlikely(lb_load_acquire(&req.state) != TP_DONE))
		lb_die("BUG: coroutine %p resumed before its request was done",
		       (void *)req.co);
	req.port->undelivered--;
	return req.ret == -ECANCELED ? -ECANCELED : 0;
}

/* ---- shutdown ---- */

void lb_threadpool_shutdown(struct lb_threadpool *pool)
{
	struct lb_tp_req *cancelled, *req, *next;

	tp_lock(pool);
	pool->stopping = true;
	cancelled = pool->head;
	for (req = cancelled; req; req = req->next) {
		pool->st.queued--;
		pool->st.cancelled++;
		req->ret = -ECANCELED;
		lb_store_release(&req->state, TP_DONE); /* publishes ret */
	}
	pool->head = pool->tail = NULL;
	lb_check_pthread(pthread_cond_broadcast(&pool->request_cond));
	tp_unlock(pool);

	/* Without the lock: a wake-up may enter a coroutine right here. */
	for (req = cancelled; req; req = next) {
		next = req->next;
		tp_complete(req);
	}

	tp_lock(pool);
	while (pool->cur_threads)
		lb_check_pthread(
			pthread_cond_wait(&pool->worker_stopped, &pool->lock));
	tp_unlock(pool);
}

void lb_threadpool_free(struct lb_threadpool *pool)
{
	struct lb_evctx *own = lb_evctx_current();
	struct tp_port *p, *next;

	lb_threadpool_shutdown(pool);
	/* Nothing touches the port list any more: no lock needed. */
	for (p = pool->ports; p; p = p->next) {
		if (p->ctx != own) {
			if (p->undelivered)
				lb_die("%lu thread-pool completions for event "
				       "context %p were never delivered (its "
				       "loop ended too early)",
				       p->undelivered, (void *)p->ctx);
			continue;
		}
		while (p->undelivered) {
			if (lb_in_coroutine())
				lb_die("lb_threadpool_free from a coroutine "
				       "with completions still to deliver");
			lb_evctx_poll(own, true);
		}
	}
	for (p = pool->ports; p; p = next) {
		next = p->next;
		/* If a run is still pending (an empty one), the loop or
		 * lb_evctx_free() frees it. */
		lb_bh_free(p->bh);
		free(p);
	}
	lb_check_pthread(pthread_cond_destroy(&pool->request_cond));
	lb_check_pthread(pthread_cond_destroy(&pool->worker_stopped));
	lb_check_pthread(pthread_mutex_destroy(&pool->lock));
	free(pool);
}

void lb_threadpool_get_stats(struct lb_threadpool *pool,
			     struct lb_threadpool_stats *st)
{
	tp_lock(pool);
	*st = pool->st;
	st->completed = lb_load_relaxed(&pool->ncompleted);
	st->cur_threads = pool->cur_threads;
	st->idle_threads = pool->idle_threads;
	tp_unlock(pool);
}
