/* SPDX-License-Identifier: MIT */
/*
 * validate.c - the generic validation every sync method passes before it is
 * benchmarked, built-in (tests/t_locks.c) or a plugin (`lockbench
 * validate`):
 *   - mutual exclusion under stress: N threads x M acquisitions (some by
 *     trylock), a plain counter that must come out exact and an "inside"
 *     flag that catches two holders at once;
 *   - FIFO order, for methods that claim it: waiters are queued one at a
 *     time (the method's queued() probe says when each is in line, so no
 *     sleep is needed) and must acquire in that order;
 *   - trylock semantics, where offered: fails while another thread holds
 *     the lock, succeeds on a free one;
 *   - recursion, for methods that claim it: the holder locks again, and the
 *     lock is free only after as many unlocks;
 *   - reader/writer exclusion, for LB_RW methods: readers and writers
 *     mixed; a writer is never inside with anybody, and the counter the
 *     writers increment comes out exact.
 * A check that deadlocks never returns: callers run it under a watchdog
 * (t_locks: alarm(); `lockbench validate`: a child process).
 */
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/engine/validate.h"
#include "runtime/atomics.h"
#include "runtime/clock.h"
#include "runtime/coroutine.h"
#include "runtime/evloop.h"

#define FIFO_WAITERS 4
#define FIFO_ROUNDS 3
#define QUEUE_TIMEOUT_NS 20000000000ull

/* One validation: the method, its options, where results go. */
struct vctx {
	const struct lb_lock_ops *ops;
	unsigned int iters; /* stress acquisitions per thread */
	lb_validate_report report;
	void *arg;
	unsigned int failed;
};

static void __attribute__((format(printf, 3, 4)))
say(struct vctx *v, bool ok, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	v->failed += !ok;
	v->report(v->arg, ok, msg);
}

/* A new lock, initialised; NULL (reported as @what failing) if init fails. */
static void *lock_new(struct vctx *v, const char *what)
{
	void *lock = lb_xaligned_zalloc(LB_PAD_SIZE, v->ops->lock_size);
	int e = v->ops->init(lock, NULL);

	if (!e)
		return lock;
	say(v, false, "%s: %s: init failed: error %d", v->ops->name, what, e);
	free(lock);
	return NULL;
}

struct shared {
	const struct lb_lock_ops *ops;
	void *lock;
	uint64_t counter; /* protected by the lock */
	unsigned int inside; /* holders right now, by relaxed xchg */
	unsigned int overlaps; /* times a holder found another inside */
	unsigned int readers, max_readers; /* LB_RW: readers inside, atomic */
	uint64_t writes; /* LB_RW: incremented atomically after unlock */
	unsigned int ready; /* workers at the start line */
	unsigned int go; /* set once all are there */
	unsigned int held; /* FIFO test: the holder is inside */
	unsigned int early; /* FIFO test: waiters in while held */
	unsigned int order[FIFO_WAITERS];
	unsigned int norder; /* protected by the lock */
};

/* One locker: a thread, or a coroutine in a thread's event loop. */
struct tworker {
	struct shared *sh;
	void *node;
	unsigned int id;
	unsigned int iters;
	bool use_trylock;
};

/* One thread running @k workers (as coroutines when @ev is set). */
struct tthread {
	struct tworker *workers;
	unsigned int k;
	void (*body)(void *worker);
	struct lb_evctx *ev;
	pthread_t thread;
};

static void *node_new(const struct lb_lock_ops *ops)
{
	return ops->node_size ?
		       lb_xaligned_zalloc(LB_PAD_SIZE, ops->node_size) :
		       NULL;
}

static bool needs_coroutine(const struct lb_lock_ops *ops)
{
	return ops->flags & LB_NEEDS_COROUTINE;
}

static void *tthread_main(void *arg)
{
	struct tthread *t = arg;
	void **args;
	unsigned int i;

	if (!t->ev) {
		t->body(&t->workers[0]);
		return NULL;
	}
	args = lb_xzalloc(t->k * sizeof(*args));
	for (i = 0; i < t->k; i++)
		args[i] = &t->workers[i];
	lb_evctx_run_coroutines(t->ev, t->body, args, t->k);
	free(args);
	return NULL;
}

static void tthread_start(struct tthread *t, bool coroutines)
{
	t->ev = coroutines ? lb_evctx_new() : NULL;
	lb_check_pthread(pthread_create(&t->thread, NULL, tthread_main, t));
}

/*
 * Contexts are freed only after every thread is joined: another thread may
 * still be inside lb_co_wake() for a coroutine of a context whose loop has
 * just finished.
 */
static void tthreads_join(struct tthread *t, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		lb_check_pthread(pthread_join(t[i].thread, NULL));
	for (i = 0; i < n; i++)
		if (t[i].ev)
			lb_evctx_free(t[i].ev);
}

/*
 * Wait politely.  In a coroutine, go round the event loop: the lock may
 * have been handed to another coroutine of this thread that waits in the
 * loop's queue to run.
 */
static void pause_worker(void)
{
	if (lb_in_coroutine()) {
		lb_co_schedule(lb_evctx_current(), lb_co_self());
		lb_co_yield();
	} else {
		sched_yield();
	}
}

static void acquire(struct tworker *w, unsigned int i)
{
	const struct lb_lock_ops *ops = w->sh->ops;

	if (w->use_trylock && ops->trylock && i % 4 == 0) {
		while (!ops->trylock(w->sh->lock, w->node))
			pause_worker();
		return;
	}
	ops->lock(w->sh->lock, w->node);
}

/*
 * Everybody starts together, so that the critical sections really overlap
 * in time: without this a lock that never waits can pass on two CPUs,
 * because each thread runs its whole loop alone.
 */
static void start_line(struct shared *sh)
{
	__atomic_fetch_add(&sh->ready, 1, __ATOMIC_RELAXED);
	while (!__atomic_load_n(&sh->go, __ATOMIC_ACQUIRE))
		pause_worker();
}

static void open_start_line(struct shared *sh, unsigned int n)
{
	while (__atomic_load_n(&sh->ready, __ATOMIC_RELAXED) < n)
		sched_yield();
	__atomic_store_n(&sh->go, 1, __ATOMIC_RELEASE);
}

static void stress_body(void *arg)
{
	struct tworker *w = arg;
	struct shared *sh = w->sh;
	unsigned int i, j;

	start_line(sh);
	for (i = 0; i < w->iters; i++) {
		acquire(w, i);
		if (__atomic_exchange_n(&sh->inside, 1, __ATOMIC_RELAXED))
			__atomic_fetch_add(&sh->overlaps, 1, __ATOMIC_RELAXED);
		sh->counter++;
		/* Critical sections of 0 to ~200 cycles. */
		for (j = 0; j < (i % 16) * 8; j++)
			lb_barrier();
		/*
		 * Now and then give the CPU away inside the section, so that
		 * the others run while it is held even when the machine is
		 * too busy to run the threads side by side.  Threads only:
		 * a coroutine that yields inside a section stalls its whole
		 * event loop behind the lock (the coroutine shapes overlap
		 * anyway, K lockers per loop).
		 */
		if (i % 1024 == 1023 && !lb_in_coroutine())
			sched_yield();
		__atomic_store_n(&sh->inside, 0, __ATOMIC_RELAXED);
		sh->ops->unlock(sh->lock, w->node);
	}
}

static unsigned int stress_threads(const struct lb_lock_ops *ops)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	/*
	 * A spinning lock with more threads than CPUs hands the lock to
	 * preempted waiters and crawls at scheduler speed: correct, but too
	 * slow for a test.  The benchmark covers oversubscription.
	 */
	if (ops->flags & LB_SPINS)
		return cpus < 2 ? 2 : cpus > 4 ? 4 : (unsigned int)cpus;
	return 4;
}

/*
 * A delegating method pays two cross-thread wake-ups per acquisition (tens
 * of microseconds on a VM): a tenth of the iterations stress it as much.
 */
static unsigned int iters_for(const struct vctx *v)
{
	return v->ops->flags & LB_DELEGATES ? v->iters / 10 : v->iters;
}

/*
 * Run @body in @n threads x @k workers (coroutines when k > 1 or the method
 * needs them), @iters operations each, all from one start line, on
 * sh->lock.  With @trylock, every second worker acquires by trylock now
 * and then.
 */
static void run_workers(struct shared *sh, unsigned int n, unsigned int k,
			unsigned int iters, void (*body)(void *), bool trylock)
{
	const struct lb_lock_ops *ops = sh->ops;
	struct tthread *t = lb_xzalloc(n * sizeof(*t));
	struct tworker *w = lb_xzalloc(n * k * sizeof(*w));
	unsigned int i;

	for (i = 0; i < n * k; i++)
		w[i] = (struct tworker){ .sh = sh,
					 .node = node_new(ops),
					 .id = i,
					 .iters = iters,
					 .use_trylock = trylock && i % 2 == 1 };
	for (i = 0; i < n; i++) {
		t[i] = (struct tthread){ .workers = &w[i * k],
					 .k = k,
					 .body = body };
		tthread_start(&t[i], k > 1 || needs_coroutine(ops));
	}
	open_start_line(sh, n * k);
	tthreads_join(t, n);
	for (i = 0; i < n * k; i++)
		free(w[i].node);
	free(w);
	free(t);
}

static void test_exclusion(struct vctx *v, unsigned int n, unsigned int k)
{
	const struct lb_lock_ops *ops = v->ops;
	struct shared sh = { .ops = ops };
	unsigned int iters = iters_for(v) / k;
	uint64_t want = (uint64_t)n * k * iters;
	bool ok;

	sh.lock = lock_new(v, "mutual exclusion");
	if (!sh.lock)
		return;
	run_workers(&sh, n, k, iters, stress_body, true);
	ok = sh.counter == want && !sh.overlaps;
	say(v, ok,
	    "%s: mutual exclusion%s, %u threads x %u%s x %u: counter %llu, "
	    "expected %llu, %u overlaps",
	    ops->name, ok ? "" : " broken", n, k, k > 1 ? " coroutines" : "",
	    iters, (unsigned long long)sh.counter, (unsigned long long)want,
	    sh.overlaps);
	ops->destroy(sh.lock);
	free(sh.lock);
}

static void fifo_body(void *arg)
{
	struct tworker *w = arg;
	struct shared *sh = w->sh;

	sh->ops->lock(sh->lock, w->node);
	/* The holder clears ->held just before it unlocks. */
	if (__atomic_load_n(&sh->held, __ATOMIC_RELAXED))
		__atomic_fetch_add(&sh->early, 1, __ATOMIC_RELAXED);
	sh->order[sh->norder++] = w->id;
	sh->ops->unlock(sh->lock, w->node);
}

/* Wait until @want lockers are queued behind @holder; false on timeout. */
static bool wait_queued(struct shared *sh, void *holder, unsigned int want)
{
	uint64_t deadline = lb_now_ns() + QUEUE_TIMEOUT_NS;

	while (sh->ops->queued(sh->lock, holder) < want) {
		if (lb_now_ns() > deadline)
			return false;
		sched_yield();
	}
	return true;
}

struct fifo_round {
	struct shared sh;
	struct tthread t[FIFO_WAITERS];
	struct tworker w[FIFO_WAITERS];
	unsigned int started;
	bool queued;
	char why[128];
};

/*
 * The holder: take the lock, start the waiters one at a time, each only
 * once the previous one is in line, then let them all go.  Runs on the
 * main thread, in a coroutine for coroutine methods.
 */
static void fifo_holder(void *arg)
{
	struct fifo_round *r = arg;
	const struct lb_lock_ops *ops = r->sh.ops;
	void *holder = node_new(ops);
	unsigned int i;

	ops->lock(r->sh.lock, holder);
	__atomic_store_n(&r->sh.held, 1, __ATOMIC_RELAXED);
	r->queued = true;
	for (i = 0; i < FIFO_WAITERS && r->queued; i++) {
		r->w[i] = (struct tworker){ .sh = &r->sh,
					    .node = node_new(ops),
					    .id = i };
		r->t[i] = (struct tthread){ .workers = &r->w[i],
					    .k = 1,
					    .body = fifo_body };
		tthread_start(&r->t[i], needs_coroutine(ops));
		r->started++;
		r->queued = wait_queued(&r->sh, holder, i + 1);
	}
	if (!r->queued)
		snprintf(r->why, sizeof(r->why),
			 "waiter %u never showed as queued", i - 1);
	__atomic_store_n(&r->sh.held, 0, __ATOMIC_RELAXED);
	ops->unlock(r->sh.lock, holder);
	free(holder);
}

static bool fifo_round(struct vctx *v, char *why, size_t len)
{
	const struct lb_lock_ops *ops = v->ops;
	struct fifo_round *r;
	struct tthread main_thread = { .k = 1, .body = fifo_holder };
	void *lock = lock_new(v, "FIFO order");
	bool ok;
	unsigned int i;

	if (!lock)
		return false;
	r = lb_xzalloc(sizeof(*r));
	main_thread.workers = (void *)r;
	r->sh.ops = ops;
	r->sh.lock = lock;
	if (needs_coroutine(ops)) {
		main_thread.ev = lb_evctx_new();
		tthread_main(&main_thread);
	} else {
		fifo_holder(r);
	}
	tthreads_join(r->t, r->started);
	if (main_thread.ev)
		lb_evctx_free(main_thread.ev);
	ok = r->queued && !r->sh.early;
	snprintf(why, len, "%s", r->why);
	if (r->sh.early)
		snprintf(why, len, "%u waiters got the lock while it was held",
			 r->sh.early);
	for (i = 0; ok && i < FIFO_WAITERS; i++) {
		if (r->sh.order[i] != i) {
			snprintf(why, len, "acquisition %u went to waiter %u",
				 i, r->sh.order[i]);
			ok = false;
		}
	}
	for (i = 0; i < r->started; i++)
		free(r->w[i].node);
	ops->destroy(r->sh.lock);
	free(r->sh.lock);
	free(r);
	return ok;
}

static void test_fifo(struct vctx *v)
{
	char why[128] = "";
	unsigned int r, failed = v->failed;
	bool ok = true;

	for (r = 0; r < FIFO_ROUNDS && ok; r++)
		ok = fifo_round(v, why, sizeof(why));
	if (v->failed != failed) /* init failed, and said so */
		return;
	say(v, ok, "%s: FIFO order%s, %d queued waiters, %u rounds%s%s",
	    v->ops->name, ok ? "" : " broken", FIFO_WAITERS, FIFO_ROUNDS,
	    ok ? "" : ": ", why);
}

/*
 * Reader/writer mix: one operation in four writes.  A writer checks that
 * nobody else is inside; a reader, that no writer is.
 */
static void rw_body(void *arg)
{
	struct tworker *w = arg;
	struct shared *sh = w->sh;
	unsigned int i, j, n, max;

	start_line(sh);
	for (i = 0; i < w->iters; i++) {
		if ((i + w->id) % 4 == 0) {
			sh->ops->lock(sh->lock, w->node);
			if (__atomic_exchange_n(&sh->inside, 1,
						__ATOMIC_RELAXED) ||
			    lb_load_relaxed(&sh->readers))
				lb_fetch_add_relaxed(&sh->overlaps, 1);
			sh->counter++;
			for (j = 0; j < i % 8; j++)
				lb_barrier();
			lb_store_relaxed(&sh->inside, 0);
			sh->ops->unlock(sh->lock, w->node);
			lb_fetch_add_relaxed(&sh->writes, 1);
			continue;
		}
		sh->ops->rdlock(sh->lock, w->node);
		n = lb_fetch_add_relaxed(&sh->readers, 1) + 1;
		max = lb_load_relaxed(&sh->max_readers);
		if (n > max)
			lb_store_relaxed(&sh->max_readers, n); /* a hint */
		if (lb_load_relaxed(&sh->inside))
			lb_fetch_add_relaxed(&sh->overlaps, 1);
		for (j = 0; j < i % 8; j++)
			lb_barrier();
		/* Now and then linger, so that readers overlap. */
		if (i % 16 == 1)
			pause_worker();
		if (lb_load_relaxed(&sh->inside))
			lb_fetch_add_relaxed(&sh->overlaps, 1);
		__atomic_fetch_sub(&sh->readers, 1, __ATOMIC_RELAXED);
		sh->ops->rdunlock(sh->lock, w->node);
	}
}

static void test_rw(struct vctx *v, unsigned int n, unsigned int k)
{
	const struct lb_lock_ops *ops = v->ops;
	struct shared sh = { .ops = ops };
	unsigned int iters = iters_for(v) / k;
	bool ok;

	sh.lock = lock_new(v, "reader/writer exclusion");
	if (!sh.lock)
		return;
	run_workers(&sh, n, k, iters, rw_body, false);
	ok = sh.writes && sh.counter == sh.writes && !sh.overlaps;
	say(v, ok,
	    "%s: reader/writer exclusion%s, %u threads x %u%s x %u (1 in 4 "
	    "writes): counter %llu, expected %llu writes, %u overlaps, up to "
	    "%u readers inside",
	    ops->name, ok ? "" : " broken", n, k, k > 1 ? " coroutines" : "",
	    iters, (unsigned long long)sh.counter,
	    (unsigned long long)sh.writes, sh.overlaps, sh.max_readers);
	ops->destroy(sh.lock);
	free(sh.lock);
}

struct try_case {
	struct shared sh;
	struct tworker other;
	void *node;
	bool free_ok, held_fails, after_ok;
};

static void try_other(void *arg)
{
	struct tworker *w = arg;

	/* Record the result in ->iters: 1 if the trylock succeeded. */
	w->iters = w->sh->ops->trylock(w->sh->lock, w->node);
	if (w->iters)
		w->sh->ops->unlock(w->sh->lock, w->node);
}

static void try_body(void *arg)
{
	struct try_case *c = arg;
	const struct lb_lock_ops *ops = c->sh.ops;
	struct tthread t = { .workers = &c->other, .k = 1, .body = try_other };

	c->free_ok = ops->trylock(c->sh.lock, c->node);
	tthread_start(&t, needs_coroutine(ops));
	tthreads_join(&t, 1);
	c->held_fails = c->free_ok && !c->other.iters;
	if (c->free_ok)
		ops->unlock(c->sh.lock, c->node);
	c->after_ok = ops->trylock(c->sh.lock, c->node);
	if (c->after_ok)
		ops->unlock(c->sh.lock, c->node);
}

static void test_trylock(struct vctx *v)
{
	const struct lb_lock_ops *ops = v->ops;
	struct try_case *c;
	struct tthread self = { .k = 1, .body = try_body };
	void *lock = lock_new(v, "trylock");

	if (!lock)
		return;
	c = lb_xzalloc(sizeof(*c));
	self.workers = (void *)c;
	c->sh.ops = ops;
	c->other = (struct tworker){ .sh = &c->sh, .node = node_new(ops) };
	c->node = node_new(ops);
	c->sh.lock = lock;
	if (needs_coroutine(ops)) {
		self.ev = lb_evctx_new();
		tthread_main(&self);
		lb_evctx_free(self.ev);
	} else {
		try_body(c);
	}
	say(v, c->free_ok && c->held_fails && c->after_ok,
	    "%s: trylock: free %s, held by another %s, after unlock %s",
	    ops->name, c->free_ok ? "succeeds" : "FAILS",
	    c->held_fails ? "fails" : "DOES NOT FAIL",
	    c->after_ok ? "succeeds" : "FAILS");
	ops->destroy(c->sh.lock);
	free(c->sh.lock);
	free(c->node);
	free(c->other.node);
	free(c);
}

/*
 * Recursion, for methods that claim it: the holder locks RECURSION_DEPTH
 * times and unlocks all but once; another thread must not get the lock
 * then (its lock has not returned RECURSION_WAIT_NS later: a broken lock
 * that frees too early is caught unless the machine starves that thread
 * for the whole wait, and a correct one never fails), and must get it
 * after the last unlock.  Threads only (no built-in coroutine method is
 * recursive).
 */
#define RECURSION_DEPTH 3
#define RECURSION_WAIT_NS 100000000ull

static void recursion_other(void *arg)
{
	struct tworker *w = arg;

	w->sh->ops->lock(w->sh->lock, w->node);
	/* ->go: the other thread got the lock (release: read with acquire). */
	__atomic_store_n(&w->sh->go, 1, __ATOMIC_RELEASE);
	w->sh->ops->unlock(w->sh->lock, w->node);
}

static void test_recursion(struct vctx *v)
{
	const struct lb_lock_ops *ops = v->ops;
	struct shared sh = { .ops = ops, .lock = lock_new(v, "recursion") };
	struct tworker other = { .sh = &sh, .node = node_new(ops) };
	struct tthread t = { .workers = &other,
			     .k = 1,
			     .body = recursion_other };
	void *node = node_new(ops);
	uint64_t until = lb_now_ns() + RECURSION_WAIT_NS;
	unsigned int i, early;

	if (!sh.lock)
		goto out;
	for (i = 0; i < RECURSION_DEPTH; i++)
		ops->lock(sh.lock, node);
	for (i = 1; i < RECURSION_DEPTH; i++)
		ops->unlock(sh.lock, node);
	tthread_start(&t, false);
	while (lb_now_ns() < until &&
	       !__atomic_load_n(&sh.go, __ATOMIC_ACQUIRE))
		sched_yield();
	early = __atomic_load_n(&sh.go, __ATOMIC_ACQUIRE);
	ops->unlock(sh.lock, node);
	tthreads_join(&t, 1);
	say(v, !early && sh.go,
	    "%s: recursion%s: locked %u times by one thread, another thread "
	    "%s while one level was held, %s after the last unlock",
	    ops->name, !early && sh.go ? "" : " broken", RECURSION_DEPTH,
	    early ? "GOT IT" : "waited", sh.go ? "got it" : "DID NOT GET IT");
	ops->destroy(sh.lock);
	free(sh.lock);
out:
	free(node);
	free(other.node);
}

/* Thread x coroutine shapes for coroutine methods. */
static const unsigned int co_shapes[][2] = { { 1, 8 }, { 2, 1 }, { 4, 4 } };

unsigned int lb_validate_count(const struct lb_lock_ops *ops)
{
	unsigned int shapes = needs_coroutine(ops) ? LB_ARRAY_SIZE(co_shapes) :
						     1;

	/* A reader/writer method without reader operations is a bug. */
	lb_bug_on(!(ops->flags & LB_RW) != !ops->rdlock ||
		  !ops->rdlock != !ops->rdunlock);
	lb_bug_on((ops->flags & LB_FAIR) && !ops->queued);
	return shapes * (1 + !!(ops->flags & LB_RW)) + !!ops->trylock +
	       !!(ops->flags & LB_FAIR) +
	       !!((ops->flags & LB_RECURSIVE) && !needs_coroutine(ops));
}

unsigned int lb_validate(const struct lb_lock_ops *ops,
			 const struct lb_validate_opts *o,
			 lb_validate_report report, void *arg)
{
	struct vctx v = { .ops = ops,
			  .iters = o && o->iters ? o->iters : 50000,
			  .report = report,
			  .arg = arg };
	unsigned int j, n = o && o->threads ? o->threads : stress_threads(ops);

	lb_validate_count(ops); /* its checks */
	if (needs_coroutine(ops)) {
		for (j = 0; j < LB_ARRAY_SIZE(co_shapes); j++)
			test_exclusion(&v, co_shapes[j][0], co_shapes[j][1]);
		for (j = 0; ops->rdlock && j < LB_ARRAY_SIZE(co_shapes); j++)
			test_rw(&v, co_shapes[j][0], co_shapes[j][1]);
	} else {
		test_exclusion(&v, n, 1);
		if (ops->rdlock)
			test_rw(&v, n, 1);
	}
	if (ops->trylock)
		test_trylock(&v);
	if (ops->flags & LB_FAIR)
		test_fifo(&v);
	if ((ops->flags & LB_RECURSIVE) && !needs_coroutine(ops))
		test_recursion(&v);
	return v.failed;
}
