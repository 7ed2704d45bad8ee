/* SPDX-License-Identifier: MIT */
/*
 * evloop.c - per-thread event contexts: scheduled coroutines, bottom halves,
 * eventfd wake-ups.
 *
 * Source of the ideas: QEMU's util/async.c (aio_co_schedule, aio_co_wake,
 * bottom halves, aio_notify) and util/aio-posix.c (aio_poll), as described
 * in ALGORITHMS.md 1d; the queues are liburcu's wait-free concurrent queue
 * (cds_wfcq, Desnoyers and Lai).  Independent rewrite.
 *
 * Queues.  Each context has two multi-producer single-consumer queues, one
 * of coroutines and one of bottom halves.  Producers enqueue from any thread
 * (wait-free: one xchg on the tail, then a store linking the old tail).  The
 * owner splices the whole shared queue into a private one and drains that,
 * so one iteration runs what was queued when it started.  Only the
 * __cds_wfcq_*_nonblocking calls are used: an enqueuer preempted between its
 * xchg and its link store leaves a hole, and the blocking calls would spin
 * and then sleep 10 ms (WFCQ_WAIT in urcu/static/wfcqueue.h).  We instead
 * leave what is behind the hole for a later iteration; the preempted
 * enqueuer kicks us (lb_evctx_notify) once it has linked its node, so
 * nothing is lost, and lb_evq_ready() tells "work behind a hole" from
 * "work ready" so that we sleep rather than spin meanwhile.
 *
 * Wake-up protocol (QEMU's notify_me/notified), a Dekker pattern:
 *
 *   owner, about to sleep                producer
 *   P1 notify_me = 1                     N1 enqueue (or set stopping)
 *   P2 full fence                        N2 full fence
 *   P3 if queue not ready and            N3 if notify_me:
 *         !notified: poll(eventfd)       N4   if !xchg(notified, 1):
 *   P4 notify_me = 0 (release)                   write(eventfd)
 *   P5 if xchg(notified, 0): read(eventfd)
 *
 * P2 and N2 pair: either P3 sees N1, or N3 sees P1 and the producer writes
 * the eventfd (or finds that another producer already did, notified == 1).
 * Producers therefore pay one fence and one load while the owner is busy,
 * and at most one eventfd write per sleep between them.  A write that lands
 * after P5's read leaves the eventfd readable, so the next sleep returns at
 * once: a spurious wake-up, harmless.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <urcu/wfcqueue.h>

#include "runtime/atomics.h"
#include "runtime/compiler.h"
#include "runtime/coroutine.h"
#include "runtime/evloop.h"

/*
 * ThreadSanitizer cannot see liburcu's inline-asm atomics (we link the
 * uninstrumented shared library): tell it that a node's contents written
 * before the enqueue happen before the dequeuer reads them.
 */
#ifdef LB_CO_TSAN
#include <sanitizer/tsan_interface.h>
#define lb_tsan_release(p) __tsan_release(p)
#define lb_tsan_acquire(p) __tsan_acquire(p)
#else
#define lb_tsan_release(p) ((void)(p))
#define lb_tsan_acquire(p) ((void)(p))
#endif

/*
 * The full fence of the Dekker pairs P2/N2 below.  gcc's ThreadSanitizer
 * does not support atomic_thread_fence (-Wtsan, and TSan does not model
 * fences anyway), so TSan builds use a seq_cst RMW on a thread-local dummy
 * instead: a full barrier on x86 (LOCK prefix), good enough for a test
 * build.  Everything else uses lb_smp_mb().
 */
#ifdef LB_CO_TSAN
static __thread int lb_evctx_fence_dummy;
#define lb_evctx_mb() \
	((void)__atomic_fetch_add(&lb_evctx_fence_dummy, 0, __ATOMIC_SEQ_CST))
#else
#define lb_evctx_mb() lb_smp_mb()
#endif

/* Bottom-half flags.  Transitions: see lb_bh_schedule and lb_evctx_run_bhs. */
#define LB_BH_PENDING 1u /* on the context's queue */
#define LB_BH_SCHEDULED 2u /* the callback should run when dequeued */
#define LB_BH_DELETED 4u /* freed while pending: the loop frees it */

struct lb_bh {
	struct cds_wfcq_node node; /* link in ctx->bhq while PENDING */
	unsigned int flags; /* LB_BH_*: or'ed by anyone, and'ed by owner */
	struct lb_evctx *ctx; /* constant */
	void (*cb)(void *opaque); /* constant */
	void *opaque; /* constant */
};

/* One MPSC queue: the shared part and the owner's private part. */
struct lb_evq {
	/* Spliced by the owner; linked by the enqueuer that finds it empty. */
	struct __cds_wfcq_head head lb_cacheline_aligned;
	/* xchg'd by every enqueuer. */
	struct cds_wfcq_tail tail lb_cacheline_aligned;
	/* Owner only. */
	struct __cds_wfcq_head phead lb_cacheline_aligned;
	struct cds_wfcq_tail ptail;
};

struct lb_evctx {
	struct lb_evq coq; /* scheduled coroutines (struct lb_co.qnode) */
	struct lb_evq bhq; /* pending bottom halves (struct lb_bh.node) */

	/* Written by producers, read and cleared by the owner. */
	bool notified lb_cacheline_aligned; /* eventfd written (or being) */
	bool stopping; /* lb_evctx_stop() not consumed */
	uint64_t kicks; /* eventfd writes (relaxed) */

	/* Written by the owner, read by producers. */
	bool notify_me lb_cacheline_aligned; /* owner may block in poll */

	/* Owner only (the stats are read relaxed by anyone). */
	int efd lb_cacheline_aligned;
	const void *owner; /* owner's marker; cmpxchg'd by attach */
	uint64_t polls, sleeps, coroutines, bhs, holes;
};

/*
 * container_of for our two node types.  Through void *: clang's
 * -Wcast-align rejects lb_container_of's char * cast to an aligned type.
 */
static inline struct lb_bh *lb_bh_of(struct cds_wfcq_node *n)
{
	return (struct lb_bh *)(void *)((char *)n -
					__builtin_offsetof(struct lb_bh, node));
}

static inline struct lb_co *lb_co_of(struct cds_wfcq_node *n)
{
	return (struct lb_co *)(void *)((char *)n -
					__builtin_offsetof(struct lb_co,
							   qnode));
}

/* A counter written by the owner only: no RMW needed, just atomicity. */
static inline void lb_stat_inc(uint64_t *p)
{
	lb_store_relaxed(p, lb_load_relaxed(p) + 1);
}

/* ---- queues ---- */

static void lb_evq_init(struct lb_evq *q)
{
	__cds_wfcq_init(&q->head, &q->tail);
	__cds_wfcq_init(&q->phead, &q->ptail);
}

/* Any thread.  The caller then kicks the owner (lb_evctx_notify). */
static void lb_evq_push(struct lb_evq *q, struct cds_wfcq_node *n)
{
	/* enqueue does not clear ->next: a recycled node must be re-inited */
	cds_wfcq_node_init(n);
	lb_tsan_release(n); /* pairs with lb_tsan_acquire in lb_evq_pop */
	cds_wfcq_enqueue(&q->head, &q->tail, n);
}

/* Owner: move everything linked so far onto the private queue. */
static void lb_evq_splice(struct lb_evq *q, uint64_t *holes)
{
	/* CDS_WFCQ_RET_WOULDBLOCK: first node not linked yet; see top. */
	if (__cds_wfcq_splice_nonblocking(&q->phead, &q->ptail, &q->head,
					  &q->tail) == CDS_WFCQ_RET_WOULDBLOCK)
		lb_stat_inc(holes);
}

/* Owner: next node of the private queue, or NULL if none is ready. */
static struct cds_wfcq_node *lb_evq_pop(struct lb_evq *q, uint64_t *holes)
{
	struct cds_wfcq_node *n;

	n = __cds_wfcq_dequeue_nonblocking(&q->phead, &q->ptail);
	if (n == CDS_WFCQ_WOULDBLOCK) {
		lb_stat_inc(holes); /* its enqueuer will kick us */
		return NULL;
	}
	if (n)
		lb_tsan_acquire(n);
	return n;
}

/*
 * Owner: could an iteration make progress on @q now?  Looks only at the
 * first node of each part, which is what decides it: nodes behind a hole
 * do not count, their enqueuer kicks us when the hole closes.
 */
static bool lb_evq_ready(struct lb_evq *q)
{
	struct cds_wfcq_node *n;

	n = __cds_wfcq_first_nonblocking(&q->head, &q->tail);
	if (n && n != CDS_WFCQ_WOULDBLOCK)
		return true;
	n = __cds_wfcq_first_nonblocking(&q->phead, &q->ptail);
	if (!n || n == CDS_WFCQ_WOULDBLOCK)
		return false;
	return __cds_wfcq_next_nonblocking(&q->phead, &q->ptail, n) !=
	       CDS_WFCQ_WOULDBLOCK;
}

/* ---- context lifetime and ownership ---- */

struct lb_evctx *lb_evctx_new(void)
{
	struct lb_evctx *ctx = lb_xaligned_zalloc(LB_PAD_SIZE, sizeof(*ctx));

	lb_evq_init(&ctx->coq);
	lb_evq_init(&ctx->bhq);
	ctx->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ctx->efd < 0)
		lb_die("eventfd: errno %d", errno);
	return ctx;
}

void lb_evctx_attach(struct lb_evctx *ctx)
{
	const void *me = &lb_co_tls_evctx;
	struct lb_evctx *cur = lb_co_thread_evctx();

	if (cur == ctx)
		return;
	if (cur)
		lb_die("this thread already owns event context %p",
		       (void *)cur);
	/*
	 * Acquire: pairs with the release in lb_evctx_detach(), handing the
	 * private queues and counters from the previous owner to us.
	 */
	if (!lb_cmpxchg_acquire(&ctx->owner, NULL, me))
		lb_die("event context %p is owned by another thread",
		       (void *)ctx);
	lb_co_thread_set_evctx(ctx);
}

void lb_evctx_detach(void)
{
	struct lb_evctx *ctx = lb_co_thread_evctx();

	if (!ctx)
		return;
	lb_co_thread_set_evctx(NULL);
	lb_store_release(&ctx->owner, NULL); /* pairs with lb_evctx_attach */
}

/* Make sure the caller may run @ctx's loop; true if we attached it now. */
static bool lb_evctx_enter(struct lb_evctx *ctx)
{
	if (lb_unlikely(lb_in_coroutine()))
		lb_die("the event loop cannot run inside a coroutine");
	if (lb_likely(lb_co_thread_evctx() == ctx))
		return false;
	lb_evctx_attach(ctx);
	return true;
}

void lb_evctx_free(struct lb_evctx *ctx)
{
	struct cds_wfcq_node *n;

	if (lb_co_thread_evctx() == ctx)
		lb_evctx_detach();
	if (lb_load_acquire(&ctx->owner))
		lb_die("lb_evctx_free: context %p is owned by a thread",
		       (void *)ctx);
	/* Nobody enqueues any more: the blocking calls cannot block. */
	__cds_wfcq_splice_blocking(&ctx->bhq.phead, &ctx->bhq.ptail,
				   &ctx->bhq.head, &ctx->bhq.tail);
	while ((n = __cds_wfcq_dequeue_blocking(&ctx->bhq.phead,
						&ctx->bhq.ptail))) {
		struct lb_bh *bh = lb_bh_of(n);

		lb_tsan_acquire(n);
		if (!(lb_load_acquire(&bh->flags) & LB_BH_DELETED))
			lb_die("lb_evctx_free: bottom half %p is still pending",
			       (void *)bh);
		free(bh);
	}
	__cds_wfcq_splice_blocking(&ctx->coq.phead, &ctx->coq.ptail,
				   &ctx->coq.head, &ctx->coq.tail);
	if (!cds_wfcq_empty(&ctx->coq.phead, &ctx->coq.ptail))
		lb_die("lb_evctx_free: coroutines are still scheduled on %p",
		       (void *)ctx);
	close(ctx->efd);
	free(ctx);
}

/* ---- notification ---- */

void lb_evctx_notify(struct lb_evctx *ctx)
{
	uint64_t one = 1;

	/*
	 * N2: order the caller's publication (enqueue, stopping) before the
	 * load of notify_me.  Pairs with P2 in lb_evctx_iterate().
	 */
	lb_evctx_mb();
	if (!lb_load_relaxed(&ctx->notify_me))
		return; /* N3: the owner is busy and will look at the queues */
	/*
	 * N4: one write per sleep is enough.  Full-barrier xchg, paired with
	 * the xchg at P5: if we find notified already set, the owner's P5
	 * xchg reads from our write and sees our publication.
	 */
	if (lb_xchg_mb(&ctx->notified, true))
		return;
	lb_fetch_add_relaxed(&ctx->kicks, 1);
	if (write(ctx->efd, &one, sizeof(one)) != (ssize_t)sizeof(one) &&
	    errno != EAGAIN)
		lb_die("write to eventfd: errno %d", errno);
}

static void lb_evctx_drain_eventfd(struct lb_evctx *ctx)
{
	uint64_t count;

	/* EAGAIN: the kicker set notified but has not written yet. */
	if (read(ctx->efd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		lb_die("read from eventfd: errno %d", errno);
}

static void lb_evctx_sleep(struct lb_evctx *ctx)
{
	struct pollfd pfd = { .fd = ctx->efd, .events = POLLIN };

	lb_stat_inc(&ctx->sleeps);
	if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
		lb_die("poll on eventfd: errno %d", errno);
}

/* ---- dispatch ---- */

static unsigned int lb_evctx_run_bhs(struct lb_evctx *ctx)
{
	struct cds_wfcq_node *n;
	unsigned int ran = 0;

	lb_evq_splice(&ctx->bhq, &ctx->holes);
	while ((n = lb_evq_pop(&ctx->bhq, &ctx->holes))) {
		struct lb_bh *bh = lb_bh_of(n);
		unsigned int old;

		/*
		 * Off the queue: clear PENDING and SCHEDULED before the
		 * callback, so that a schedule from now on queues it again.
		 * Acquire pairs with the fetch_or in lb_bh_schedule(): the
		 * callback sees what its schedulers published.
		 */
		old = __atomic_fetch_and(&bh->flags,
					 ~(LB_BH_PENDING | LB_BH_SCHEDULED),
					 __ATOMIC_ACQ_REL);
		if (old & LB_BH_DELETED) {
			free(bh);
			continue;
		}
		if (!(old & LB_BH_SCHEDULED))
			continue; /* cancelled */
		lb_stat_inc(&ctx->bhs);
		bh->cb(bh->opaque); /* may free bh: do not touch it after */
		ran++;
	}
	return ran;
}

static unsigned int lb_evctx_run_scheduled(struct lb_evctx *ctx)
{
	struct cds_wfcq_node *n;
	unsigned int ran = 0;

	lb_evq_splice(&ctx->coq, &ctx->holes);
	while ((n = lb_evq_pop(&ctx->coq, &ctx->holes))) {
		struct lb_co *co = lb_co_of(n);

		/*
		 * Clear the claim before entering, so that co can be woken
		 * again as soon as it yields.  Acquire pairs with the
		 * cmpxchg in lb_co_schedule_from(): co sees what its
		 * scheduler did before scheduling it.
		 */
		if (!__atomic_exchange_n(&co->scheduled, NULL,
					 __ATOMIC_ACQ_REL))
			lb_die("BUG: coroutine %p queued but not scheduled",
			       (void *)co);
		lb_stat_inc(&ctx->coroutines);
		lb_co_enter(co);
		ran++;
	}
	return ran;
}

static bool lb_evctx_dispatch(struct lb_evctx *ctx)
{
	unsigned int ran = lb_evctx_run_bhs(ctx);

	ran += lb_evctx_run_scheduled(ctx);
	return ran != 0;
}

/* P3: anything that must keep the owner from sleeping? */
static bool lb_evctx_has_work(struct lb_evctx *ctx, bool stop_wakes)
{
	if (lb_load_relaxed(&ctx->notified))
		return true;
	if (stop_wakes && lb_load_relaxed(&ctx->stopping))
		return true;
	return lb_evq_ready(&ctx->bhq) || lb_evq_ready(&ctx->coq);
}

/* One iteration; the caller owns @ctx.  See the protocol at the top. */
static bool lb_evctx_iterate(struct lb_evctx *ctx, bool blocking,
			     bool stop_wakes)
{
	lb_stat_inc(&ctx->polls);
	if (lb_evctx_dispatch(ctx))
		return true;
	if (!blocking)
		return false;

	lb_store_relaxed(&ctx->notify_me, true); /* P1 */
	/*
	 * P2: order the store to notify_me before the loads of the queues,
	 * notified and stopping.  Pairs with N2 in lb_evctx_notify().
	 */
	lb_evctx_mb();
	if (!lb_evctx_has_work(ctx, stop_wakes))
		lb_evctx_sleep(ctx);
	/* P4: release: our reads of the queues are done before it. */
	lb_store_release(&ctx->notify_me, false);
	/*
	 * P5: accept the kick.  Full-barrier xchg: pairs with N4, and
	 * orders clearing notified before the queue loads below, so a kick
	 * we clear here carries work that we are about to see.
	 */
	if (lb_xchg_mb(&ctx->notified, false))
		lb_evctx_drain_eventfd(ctx);
	return lb_evctx_dispatch(ctx);
}

/* ---- loops ---- */

bool lb_evctx_poll(struct lb_evctx *ctx, bool blocking)
{
	bool attached = lb_evctx_enter(ctx);
	bool progress = lb_evctx_iterate(ctx, blocking, false);

	if (attached)
		lb_evctx_detach();
	return progress;
}

void lb_evctx_run(struct lb_evctx *ctx)
{
	bool attached = lb_evctx_enter(ctx);

	for (;;) {
		/*
		 * Consume one stop request.  Acquire pairs with the release
		 * store in lb_evctx_stop().
		 */
		if (lb_load_relaxed(&ctx->stopping) &&
		    lb_xchg_acquire(&ctx->stopping, false))
			break;
		lb_evctx_iterate(ctx, true, true);
	}
	if (attached)
		lb_evctx_detach();
}

void lb_evctx_stop(struct lb_evctx *ctx)
{
	/* Release: pairs with the acquire xchg in lb_evctx_run(). */
	lb_store_release(&ctx->stopping, true);
	lb_evctx_notify(ctx); /* N2..N4 */
}

void lb_evctx_run_until_idle(struct lb_evctx *ctx, const unsigned *live_count)
{
	bool attached = lb_evctx_enter(ctx);

	/* Acquire: pairs with the finishing coroutines' release decrement. */
	while (lb_load_acquire(live_count))
		lb_evctx_iterate(ctx, true, false);
	if (attached)
		lb_evctx_detach();
}

struct lb_evctx_job {
	void (*entry)(void *arg);
	void *arg;
	unsigned int *live;
};

static void lb_evctx_job_entry(void *opaque)
{
	struct lb_evctx_job *job = opaque;

	job->entry(job->arg);
	/* Release: pairs with the acquire in lb_evctx_run_until_idle(). */
	lb_fetch_sub_release(job->live, 1);
}

void lb_evctx_run_coroutines(struct lb_evctx *ctx, void (*entry)(void *),
			     void *const args[], unsigned k)
{
	struct lb_evctx_job *jobs;
	unsigned int live = k;
	unsigned int i;

	if (!k)
		return;
	jobs = lb_xzalloc(k * sizeof(*jobs));
	for (i = 0; i < k; i++) {
		jobs[i].entry = entry;
		jobs[i].arg = args ? args[i] : NULL;
		jobs[i].live = &live;
		lb_co_schedule(ctx, lb_co_create(lb_evctx_job_entry, &jobs[i]));
	}
	lb_evctx_run_until_idle(ctx, &live);
	free(jobs);
}

void lb_evctx_get_stats(struct lb_evctx *ctx, struct lb_evctx_stats *st)
{
	st->polls = lb_load_relaxed(&ctx->polls);
	st->sleeps = lb_load_relaxed(&ctx->sleeps);
	st->coroutines = lb_load_relaxed(&ctx->coroutines);
	st->bhs = lb_load_relaxed(&ctx->bhs);
	st->kicks = lb_load_relaxed(&ctx->kicks);
	st->holes = lb_load_relaxed(&ctx->holes);
}

/* ---- scheduling and waking coroutines ---- */

/* Claim @co for one entry; abort if somebody already did. */
static void lb_co_claim(struct lb_co *co, const char *who)
{
	const char *prev = NULL;

	/*
	 * Full barrier: the caller's writes happen before the claim; the
	 * owner's acq_rel xchg that clears it (lb_evctx_run_scheduled, or
	 * lb_co_enter for a local wake-up) reads from it.
	 */
	if (lb_unlikely(!__atomic_compare_exchange_n(&co->scheduled, &prev, who,
						     false, __ATOMIC_SEQ_CST,
						     __ATOMIC_RELAXED)))
		lb_die("coroutine %p already scheduled by %s; %s scheduled it again before it ran",
		       (void *)co, prev, who);
}

void lb_co_schedule_from(struct lb_evctx *ctx, struct lb_co *co,
			 const char *who)
{
	struct lb_evctx *home;

	lb_co_claim(co, who);
	home = lb_load_acquire(&co->ctx); /* pairs with lb_co_run's release */
	if (lb_unlikely(home && home != ctx))
		lb_die("%s: coroutine %p lives on event context %p, not %p: coroutines never migrate",
		       who, (void *)co, (void *)home, (void *)ctx);
	lb_evq_push(&ctx->coq, &co->qnode); /* N1 */
	lb_evctx_notify(ctx);
}

void lb_co_wake_from(struct lb_co *co, const char *who)
{
	/* Acquire: pairs with the release store of co->ctx in lb_co_run. */
	struct lb_evctx *home = lb_load_acquire(&co->ctx);
	struct lb_co *self;

	if (lb_unlikely(!home))
		lb_die("%s: coroutine %p has no home event context (never entered from one)",
		       who, (void *)co);
	if (home != lb_evctx_current()) {
		lb_co_schedule_from(home, co, who);
		return;
	}
	self = lb_co_self();
	if (!self) {
		lb_co_enter(co);
		return;
	}
	/*
	 * Inside a coroutine of the same context: co runs after self yields
	 * or terminates (lb_co_enter drains self's wake-up list).  The claim
	 * catches a double wake exactly like a double schedule.
	 */
	lb_co_claim(co, who);
	co->wake_next = NULL;
	if (self->wake_tail)
		self->wake_tail->wake_next = co;
	else
		self->wake_head = co;
	self->wake_tail = co;
}

/* ---- bottom halves ---- */

struct lb_bh *lb_bh_new(struct lb_evctx *ctx, void (*cb)(void *opaque),
			void *opaque)
{
	struct lb_bh *bh = lb_xzalloc(sizeof(*bh));

	cds_wfcq_node_init(&bh->node);
	bh->ctx = ctx;
	bh->cb = cb;
	bh->opaque = opaque;
	return bh;
}

bool lb_bh_schedule(struct lb_bh *bh)
{
	/*
	 * Full barrier RMW: the caller's writes happen before it; pairs with
	 * the acq_rel fetch_and in lb_evctx_run_bhs().  Only the caller that
	 * sets PENDING enqueues, so the node is on the queue at most once.
	 */
	unsigned int old = __atomic_fetch_or(
		&bh->flags, LB_BH_PENDING | LB_BH_SCHEDULED, __ATOMIC_SEQ_CST);

	if (!(old & LB_BH_PENDING)) {
		lb_evq_push(&bh->ctx->bhq, &bh->node); /* N1 */
		lb_evctx_notify(bh->ctx);
	}
	return !(old & LB_BH_SCHEDULED);
}

void lb_bh_cancel(struct lb_bh *bh)
{
	/* PENDING stays: the node is still queued and the loop skips it. */
	__atomic_fetch_and(&bh->flags, ~LB_BH_SCHEDULED, __ATOMIC_RELEASE);
}

void lb_bh_free(struct lb_bh *bh)
{
	unsigned int old =
		__atomic_fetch_or(&bh->flags, LB_BH_DELETED, __ATOMIC_ACQ_REL);

	if (!(old & LB_BH_PENDING))
		free(bh);
	/* else the loop frees it when it dequeues it (lb_evctx_run_bhs) */
}
