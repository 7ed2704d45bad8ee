/* SPDX-License-Identifier: MIT */
/*
 * t_comutex.c - a long CoMutex run between two threads, the shape that
 * exercises the hand-off protocol (QEMU's /aio/multi/mutex/handoff): with
 * two contenders the queue is often one deep, unlockers often find no
 * record yet and publish an offer, and lockers sometimes take it.  The
 * spin is turned off so that contended lockers always queue.
 *
 * Correctness is checked (the protected counter is exact, and every
 * offer is either withdrawn by its unlocker or taken by a locker, or still
 * pending); how often each path ran is printed, not asserted: it depends on
 * timing, and the test must not flake on a busy machine.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "locks/comutex.h"
#include "runtime/clock.h"
#include "tests/tap.h"

#define THREADS 2

struct shared {
	struct comutex lock;
	uint64_t counter; /* protected by the lock */
	uint64_t deadline_ns;
	unsigned int stop; /* set by the first coroutine past the deadline */
	struct comutex_stats stats[THREADS];
	uint64_t ops[THREADS];
};

struct worker {
	struct shared *sh;
	unsigned int id;
	struct lb_evctx *ev;
	pthread_t thread;
};

static void body(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	uint64_t ops = 0;

	while (!lb_load_relaxed(&sh->stop)) {
		comutex_lock(&sh->lock, NULL);
		sh->counter++;
		comutex_unlock(&sh->lock, NULL);
		/* Check the clock now and then, not per operation. */
		if (++ops % 1024 == 0 && lb_now_ns() > sh->deadline_ns)
			lb_store_relaxed(&sh->stop, 1);
	}
	sh->ops[w->id] = ops;
}

static void *thread_main(void *arg)
{
	struct worker *w = arg;
	void *args[1] = { w };

	lb_evctx_run_coroutines(w->ev, body, args, 1);
	/* This thread's slow-path counts, read after join. */
	w->sh->stats[w->id] = comutex_stats;
	return NULL;
}

static void sum(const struct shared *sh, struct comutex_stats *t)
{
	unsigned int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < THREADS; i++) {
		t->spun += sh->stats[i].spun;
		t->slept += sh->stats[i].slept;
		t->took_self += sh->stats[i].took_self;
		t->took_other += sh->stats[i].took_other;
		t->offered += sh->stats[i].offered;
		t->withdrew += sh->stats[i].withdrew;
		t->woke += sh->stats[i].woke;
	}
}

int main(void)
{
	const char *scale = getenv("LB_TEST_SCALE");
	uint64_t seconds = scale && !strcmp(scale, "tsan") ? 1 : 3;
	struct shared *sh = lb_xaligned_zalloc(LB_PAD_SIZE, sizeof(*sh));
	struct worker w[THREADS];
	struct comutex_stats t;
	unsigned int i;
	uint64_t total = 0;

	alarm(120);
	tap_plan(3);
	/*
	 * No spinning: every contended locker takes the slow path at once,
	 * which widens the window between its count and its push that the
	 * hand-off offer exists for.
	 */
	comutex_init(&sh->lock, &(struct lb_lock_cfg){ .spin_limit = 1 });
	sh->deadline_ns = lb_now_ns() + seconds * 1000000000ull;
	for (i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .sh = sh,
					.id = i,
					.ev = lb_evctx_new() };
		lb_check_pthread(
			pthread_create(&w[i].thread, NULL, thread_main, &w[i]));
	}
	for (i = 0; i < THREADS; i++)
		lb_check_pthread(pthread_join(w[i].thread, NULL));
	for (i = 0; i < THREADS; i++) {
		lb_evctx_free(w[i].ev);
		total += sh->ops[i];
	}
	sum(sh, &t);
	tap_diag("%llu lock/unlock pairs in %llus by %d threads",
		 (unsigned long long)total, (unsigned long long)seconds,
		 THREADS);
	tap_diag("paths: spun %llu, slept %llu, unlock woke %llu, "
		 "offered %llu (withdrawn %llu), offer taken: self %llu, "
		 "other %llu",
		 (unsigned long long)t.spun, (unsigned long long)t.slept,
		 (unsigned long long)t.woke, (unsigned long long)t.offered,
		 (unsigned long long)t.withdrew,
		 (unsigned long long)t.took_self,
		 (unsigned long long)t.took_other);
	tap_ok(sh->counter == total && total > 0, "counter exact: %llu of %llu",
	       (unsigned long long)sh->counter, (unsigned long long)total);
	/* Each offer ends withdrawn, taken, or still pending (at most 1). */
	tap_ok(t.offered - t.withdrew - t.took_self - t.took_other <= 1 &&
		       t.withdrew + t.took_self + t.took_other <= t.offered,
	       "offers accounted for: %llu = %llu withdrawn + %llu taken "
	       "(+ at most one pending)",
	       (unsigned long long)t.offered, (unsigned long long)t.withdrew,
	       (unsigned long long)(t.took_self + t.took_other));
	tap_ok(lb_load_relaxed(&sh->lock.locked) == 0 && !sh->lock.from_push &&
		       !sh->lock.to_pop,
	       "lock free and no wait record left at the end");
	free(sh);
	return tap_done();
}
