/* SPDX-License-Identifier: MIT */
/*
 * acquire.c - the event-loop "acquire the context" pattern RFifoLock was
 * made for (QEMU's aio_context_acquire/release, ALGORITHMS.md 1e).
 *
 * One extra thread, started by setup() (it is not one of the -t threads),
 * runs an event loop over a context protected by the lock under test.
 * Each iteration waits for its next event, a 100 us timer tick
 * (LOOP_TICK_NS) or a kick on its eventfd, then dispatches it: --cs of work
 * under the lock, acquired once more inside (a nested acquisition, as a
 * handler that calls back into the context does).  The -t worker threads
 * (or coroutines) repeatedly acquire the context, do --cs of work and
 * release it, then --think.
 *
 * The loop differs by method, each in the way that method is meant to be
 * used:
 *   rfifolock          QEMU 2014: the loop HOLDS the context around its
 *                      blocking poll.  A worker that must wait runs the
 *                      contention callback, which kicks the eventfd, so
 *                      the poll returns and the loop releases the lock
 *                      (FIFO: the worker is next).
 *   pthread-recursive  QEMU since 2016 (QemuRecMutex, no callback): the
 *                      loop polls WITHOUT the lock and holds it only to
 *                      dispatch; nothing needs kicking.
 *   comutex            the coroutine version of the same: the loop is a
 *                      coroutine on the extra thread's event context; it
 *                      polls without the lock (CoMutex is not recursive:
 *                      no nested acquisition).
 * Other methods exit with status 2: without a callback, holding the lock
 * around a blocking poll only measures the timer tick, and a non-recursive
 * lock cannot nest.
 *
 * Figures: acquire latency of the workers (from the lock call to holding
 * it: p50/p90/p99/max, latency_ns in the result), and the loop's own
 * progress (loop_progress: iterations per second in the window, and
 * kicks).  The counters check exclusion as in `counter`: every critical
 * section, the loop's included, increments the plain counter inside and
 * the atomic one after.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "locks/comutex.h"
#include "locks/pthread_mutex.h"
#include "locks/rfifolock.h"
#include "runtime/atomics.h"
#include "runtime/clock.h"
#include "runtime/evloop.h"
#include "workloads/delay.h"
#include "workloads/samples.h"
#include "workloads/workload.h"

#define LOOP_TICK_NS 100000ull

enum acq_kind { ACQ_RFIFO, ACQ_RECMUTEX, ACQ_COMUTEX };

struct acq_state {
	struct lb_run *run;
	enum acq_kind kind;
	int efd; /* the loop's eventfd: kicked by the contention callback */
	pthread_t loop_thread;
	struct lb_evctx *ev; /* ACQ_COMUTEX: the loop thread's context */
	void *loop_node; /* the loop's lock node, if the method has nodes */
	struct lb_samples *samples; /* per worker */

	/* Written by teardown (release), read by the loop (acquire). */
	unsigned int stop lb_cacheline_aligned;
	/* Contention callbacks; under the RFifoLock's internal mutex. */
	uint64_t kicks;
	/* The loop thread's figures, read after it is joined. */
	uint64_t iters, iters0, iters1, t0, t1, kicks0, kicks1;
};

/* The contention callback: internal mutex held, so only a write(2). */
static void acq_kick(void *opaque)
{
	struct acq_state *st = opaque;
	uint64_t one = 1;

	lb_fetch_add_relaxed(&st->kicks, 1);
	if (write(st->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		lb_die("write to eventfd: errno %d", errno);
}

/* Wait for the next event: a kick, or the timer tick. */
static void acq_poll(struct acq_state *st)
{
	struct pollfd pfd = { .fd = st->efd, .events = POLLIN };
	struct timespec tick = lb_ns_to_timespec(LOOP_TICK_NS);
	uint64_t count;

	if (ppoll(&pfd, 1, &tick, NULL) < 0 && errno != EINTR)
		lb_die("ppoll: errno %d", errno);
	if (pfd.revents & POLLIN && read(st->efd, &count, sizeof(count)) < 0 &&
	    errno != EAGAIN)
		lb_die("read from eventfd: errno %d", errno);
}

/* The loop's phase bookkeeping; returns true when told to stop. */
static bool acq_loop_tick(struct acq_state *st, unsigned int *seen)
{
	unsigned int phase = lb_load_relaxed(&st->run->phase);

	st->iters++;
	/* Ticks (the bits above the phase) do not concern the loop. */
	phase = lb_phase_of(phase);
	if (phase != *seen) {
		uint64_t kicks = lb_load_relaxed(&st->kicks);

		if (phase == LB_PHASE_MEASURE) {
			st->iters0 = st->iters;
			st->t0 = lb_now_ns();
			st->kicks0 = kicks;
		} else if (phase == LB_PHASE_STOP) {
			st->iters1 = st->iters;
			st->t1 = lb_now_ns();
			st->kicks1 = kicks;
		}
		*seen = phase;
	}
	/* Keep serving until teardown: workers may still be finishing. */
	return lb_load_acquire(&st->stop);
}

static void acq_dispatch_thread(struct acq_state *st)
{
	struct lb_run *run = st->run;

	/* Nested acquisition: both methods are recursive. */
	run->ops->lock(run->lock, NULL);
	run->counter++;
	lb_delay(run->cs_iters);
	run->ops->unlock(run->lock, NULL);
}

static void acq_loop_threadlock(struct acq_state *st)
{
	struct lb_run *run = st->run;
	unsigned int seen = LB_PHASE_WARMUP;

	do {
		if (st->kind == ACQ_RFIFO) {
			/* Hold the context around the blocking poll. */
			rfifolock_lock(run->lock, NULL);
			acq_poll(st);
			acq_dispatch_thread(st);
			rfifolock_unlock(run->lock, NULL);
		} else {
			/* Poll without it, hold it to dispatch. */
			acq_poll(st);
			pmutex_recursive_lock(run->lock, NULL);
			acq_dispatch_thread(st);
			pmutex_recursive_unlock(run->lock, NULL);
		}
		lb_fetch_add_relaxed(&run->acounter, 1);
	} while (!acq_loop_tick(st, &seen));
}

/* ACQ_COMUTEX: the loop is a coroutine on the extra thread's context. */
static void acq_loop_coroutine(void *opaque)
{
	struct acq_state *st = opaque;
	struct lb_run *run = st->run;
	unsigned int seen = LB_PHASE_WARMUP;

	do {
		/*
		 * Blocks the thread, not just the coroutine: fine, it is the
		 * only coroutine there, and it holds no lock meanwhile.
		 */
		acq_poll(st);
		comutex_lock(run->lock, st->loop_node);
		run->counter++;
		lb_delay(run->cs_iters);
		comutex_unlock(run->lock, st->loop_node);
		lb_fetch_add_relaxed(&run->acounter, 1);
	} while (!acq_loop_tick(st, &seen));
}

static void *acq_loop_main(void *opaque)
{
	struct acq_state *st = opaque;
	void *args[1] = { st };

	if (st->kind == ACQ_COMUTEX)
		lb_evctx_run_coroutines(st->ev, acq_loop_coroutine, args, 1);
	else
		acq_loop_threadlock(st);
	return NULL;
}

/* The workers' loop, generated per method with its inline operations. */
#define ACQUIRE_LOOP(id)                                           \
	static void acquire_loop_##id(struct lb_worker *w)         \
	{                                                          \
		struct lb_run *run = w->run;                       \
		struct acq_state *st = run->wl;                    \
		struct lb_samples *s = &st->samples[w->index];     \
		void *lock = run->lock, *node = w->node;           \
		const uint64_t cs = run->cs_iters;                 \
		const uint64_t think = run->think_iters;           \
		unsigned int seen = LB_PHASE_WARMUP;               \
		uint32_t countdown = 0;                            \
		uint64_t ops = 0, t0, t1;                          \
                                                                   \
		while (!lb_loop_stop(w, &seen, ops, &countdown)) { \
			t0 = lb_now_ns();                          \
			id##_lock(lock, node);                     \
			t1 = lb_now_ns();                          \
			run->counter++;                            \
			lb_delay(cs);                              \
			id##_unlock(lock, node);                   \
			lb_fetch_add_relaxed(&run->acounter, 1);   \
			if (seen == LB_PHASE_MEASURE)              \
				lb_samples_add(s, t1 - t0);        \
			lb_delay(think);                           \
			ops++;                                     \
		}                                                  \
	}
ACQUIRE_LOOP(rfifolock)
ACQUIRE_LOOP(pmutex_recursive)
ACQUIRE_LOOP(comutex)

static const struct {
	const char *method;
	enum acq_kind kind;
	void (*loop)(struct lb_worker *w);
} acq_methods[] = {
	{ "rfifolock", ACQ_RFIFO, acquire_loop_rfifolock },
	{ "pthread-recursive", ACQ_RECMUTEX, acquire_loop_pmutex_recursive },
	{ "comutex", ACQ_COMUTEX, acquire_loop_comutex },
};

static int acq_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < LB_ARRAY_SIZE(acq_methods); i++)
		if (!strcmp(acq_methods[i].method, name))
			return (int)i;
	return -1;
}

static void (*acquire_loop_for(unsigned int lock_index))(struct lb_worker *w)
{
	int i = lock_index < lb_nlocks ? acq_find(lb_locks[lock_index]->name) :
					 -1;

	return i < 0 ? NULL : acq_methods[i].loop;
}

static int acq_setup(struct lb_run *run, char *err, size_t errlen)
{
	struct acq_state *st = lb_xaligned_zalloc(LB_PAD_SIZE, sizeof(*st));
	int i = acq_find(run->ops->name), e;

	lb_bug_on(i < 0);
	st->run = run;
	st->kind = acq_methods[i].kind;
	st->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (st->efd < 0)
		lb_die("eventfd: errno %d", errno);
	st->samples = lb_samples_new(run->nworkers);
	if (run->ops->node_size)
		st->loop_node =
			lb_xaligned_zalloc(LB_PAD_SIZE, run->ops->node_size);
	if (st->kind == ACQ_RFIFO)
		rfifolock_set_callback(run->lock, acq_kick, st);
	if (st->kind == ACQ_COMUTEX)
		st->ev = lb_evctx_new();
	run->wl = st;
	e = pthread_create(&st->loop_thread, NULL, acq_loop_main, st);
	if (e) {
		snprintf(err, errlen, "cannot create the event-loop thread: %s",
			 strerror(e));
		return -1;
	}
	return 0;
}

static void acq_teardown(struct lb_run *run, struct lb_wl_figures *fig)
{
	struct acq_state *st = run->wl;
	uint64_t one = 1;

	lb_store_release(&st->stop, 1);
	if (write(st->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		lb_die("write to eventfd: errno %d", errno);
	lb_check_pthread(pthread_join(st->loop_thread, NULL));
	if (st->kind == ACQ_RFIFO)
		rfifolock_set_callback(run->lock, NULL, NULL);
	lb_samples_finish(st->samples, run->nworkers, fig);
	fig->has_loop = true;
	fig->loop_iters = st->iters1 - st->iters0;
	fig->loop_per_sec = st->t1 > st->t0 ?
				    (double)fig->loop_iters * 1e9 /
					    (double)(st->t1 - st->t0) :
				    0;
	fig->loop_kicks = st->kicks1 - st->kicks0;
	if (st->ev)
		lb_evctx_free(st->ev);
	close(st->efd);
	free(st->loop_node);
	free(st);
	run->wl = NULL;
}

const struct lb_workload lb_workload_acquire = {
	.name = "acquire",
	.summary = "an event loop holds its context (the lock) around poll; "
		   "workers acquire it; acquire latency and loop progress",
	.loop_for = acquire_loop_for,
	.needs = "event-loop acquire pattern",
	.setup = acq_setup,
	.teardown = acq_teardown,
};
