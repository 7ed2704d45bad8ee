/* SPDX-License-Identifier: MIT */
/*
 * t_spins.c - the spin counters of runtime/futex.h (lb_futex_stats spins,
 * spin_iters, spin_then_slept), lock by lock:
 *   - lb_spin_account() itself: a phase of 0 turns is no phase;
 *   - uncontended, one thread: no lock counts a spin phase (and the futex
 *     locks make no system call);
 *   - contended: thread A holds the lock while thread B calls lock.  A lets
 *     go only once B is provably waiting: for methods that sleep, once B's
 *     thread is blocked in the kernel (state S in /proc: a futex wait, or
 *     its event loop's poll after the coroutine yielded); for spinning
 *     methods, once B is queued (FIFO methods' queued() probe) or has
 *     announced the call, plus a hold of a few ms, doubled and retried
 *     when B got no chance to spin (preempted on a busy machine).  Then
 *     B's own counters must say exactly how it waited: a spinning lock one
 *     phase; a spin-then-sleep lock one phase of exactly spin_limit turns
 *     that ended in a sleep; a sleeping lock waits and no spin; a glibc
 *     lock (opaque) nothing at all.
 * Every registered method must be declared in expect[] below: a new
 * method fails here until someone says how it waits and what it counts.
 * Built a second time with ThreadSanitizer (make check-tsan).
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "locks/lock.h"
#include "runtime/atomics.h"
#include "runtime/clock.h"
#include "runtime/coroutine.h"
#include "runtime/evloop.h"
#include "runtime/futex.h"
#include "tests/cothread.h"
#include "tests/tap.h"

#define SPIN_LIMIT 64u /* cfg.spin_limit for the methods that honour it */
#define UNCONTENDED_ITERS 2000u
#define HOLD_NS 2000000ull /* first hold of a spinning lock, doubled */
#define HOLD_TRIES 5
#define DEADLINE_NS 20000000000ull /* a handshake that never comes */

enum how {
	SPIN, /* spins until granted: one phase, no sleep */
	SPIN_SLEEP, /* spins spin_limit turns, then sleeps or yields */
	SLEEP, /* futex wait at once: waits, no spin */
	YIELD, /* the coroutine yields at once: no spin */
	OPAQUE_SPIN, /* glibc spins: nothing countable */
	OPAQUE_SLEEP, /* glibc sleeps: nothing countable */
};

static const struct expect {
	const char *name;
	enum how how;
	bool futex_waits; /* B's sleep is a counted FUTEX_WAIT */
} expect[] = {
	{ "pthread", OPAQUE_SLEEP, false },
	{ "pthread-adaptive", OPAQUE_SLEEP, false },
	{ "pthread-recursive", OPAQUE_SLEEP, false },
	{ "mcs-futex", SPIN_SLEEP, true },
	{ "futex-mutex", SLEEP, true },
	{ "ticket", SPIN, false },
	{ "comutex", SPIN_SLEEP, false },
	/* The holder keeps the rwlock, not its internal CoMutex: no spin. */
	{ "corwlock", YIELD, false },
	{ "pthread-rw", OPAQUE_SLEEP, false },
	{ "ttas", SPIN, false },
	{ "mcs-spin", SPIN, false },
	{ "clh", SPIN, false },
	{ "pthread-spin", OPAQUE_SPIN, false },
	{ "futex-pi", SLEEP, true },
	{ "qspinlock", SPIN, false },
	{ "rfifolock", OPAQUE_SLEEP, false },
	{ "tpool", YIELD, false },
};

static const struct expect *expect_for(const struct lb_lock_ops *ops)
{
	unsigned int i;

	for (i = 0; i < LB_ARRAY_SIZE(expect); i++)
		if (!strcmp(expect[i].name, ops->name))
			return &expect[i];
	return NULL;
}

static bool sleeps(enum how how)
{
	return how != SPIN && how != OPAQUE_SPIN;
}

static struct lb_futex_stats stats_delta(const struct lb_futex_stats *a,
					 const struct lb_futex_stats *b)
{
	return (struct lb_futex_stats){
		.waits = b->waits - a->waits,
		.wakes = b->wakes - a->wakes,
		.woken = b->woken - a->woken,
		.spins = b->spins - a->spins,
		.spin_iters = b->spin_iters - a->spin_iters,
		.spin_then_slept = b->spin_then_slept - a->spin_then_slept,
	};
}

/* Politely, also from a coroutine (only one runs per loop here). */
static void pause_a_little(void)
{
	sched_yield();
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000ull),
			       .tv_nsec = (long)(ns % 1000000000ull) };

	while (nanosleep(&ts, &ts))
		;
}

/* ------------------------------------------------------ the helper itself */

static void test_account(void)
{
	struct lb_futex_stats a = lb_futex_stats, d;

	lb_spin_account(0, false);
	lb_spin_account(0, true);
	d = stats_delta(&a, &lb_futex_stats);
	tap_ok(!d.spins && !d.spin_iters && !d.spin_then_slept,
	       "lb_spin_account: phases of 0 turns are not counted (%llu, "
	       "%llu, %llu)",
	       (unsigned long long)d.spins, (unsigned long long)d.spin_iters,
	       (unsigned long long)d.spin_then_slept);
	a = lb_futex_stats;
	lb_spin_account(5, false);
	lb_spin_account(3, true);
	d = stats_delta(&a, &lb_futex_stats);
	tap_ok(d.spins == 2 && d.spin_iters == 8 && d.spin_then_slept == 1 &&
		       !d.waits && !d.wakes,
	       "lb_spin_account: (5 turns, got it) + (3 turns, slept) = 2 "
	       "spins, 8 turns, 1 slept (got %llu, %llu, %llu)",
	       (unsigned long long)d.spins, (unsigned long long)d.spin_iters,
	       (unsigned long long)d.spin_then_slept);
}

/* ------------------------------------------------------------ uncontended */

struct solo {
	const struct lb_lock_ops *ops;
	void *lock, *node;
	struct lb_futex_stats d;
};

static void solo_body(void *arg)
{
	struct solo *s = arg;
	struct lb_futex_stats a = lb_futex_stats, b;
	unsigned int i;

	for (i = 0; i < UNCONTENDED_ITERS; i++) {
		if (s->ops->trylock && i % 2) {
			if (!s->ops->trylock(s->lock, s->node))
				lb_die("%s: trylock of a free lock failed",
				       s->ops->name);
		} else {
			s->ops->lock(s->lock, s->node);
		}
		s->ops->unlock(s->lock, s->node);
	}
	b = lb_futex_stats;
	s->d = stats_delta(&a, &b);
}

static void test_uncontended(const struct lb_lock_ops *ops,
			     const struct expect *e)
{
	struct lb_lock_cfg cfg = { .spin_limit = SPIN_LIMIT };
	struct solo s = { .ops = ops, .node = node_new(ops) };
	struct cothread t;
	/* tpool's unlock always wakes its worker: not a wait of ours. */
	bool futex_quiet = !e || e->how == SPIN || e->how == SPIN_SLEEP ||
			   e->how == SLEEP;

	s.lock = lb_xaligned_zalloc(LB_PAD_SIZE, ops->lock_size);
	lb_bug_on(ops->init(s.lock, &cfg));
	cothread_spawn(&t, needs_coroutine(ops), solo_body, (void *[]){ &s },
		       1);
	cothread_join(&t, 1);
	tap_ok(!s.d.spins && !s.d.spin_iters && !s.d.spin_then_slept &&
		       (!futex_quiet || (!s.d.waits && !s.d.wakes)),
	       "%s: uncontended, %u lock/unlock: spins %llu, spin_iters "
	       "%llu, spin_then_slept %llu (all 0), waits %llu, wakes %llu%s",
	       ops->name, UNCONTENDED_ITERS, (unsigned long long)s.d.spins,
	       (unsigned long long)s.d.spin_iters,
	       (unsigned long long)s.d.spin_then_slept,
	       (unsigned long long)s.d.waits, (unsigned long long)s.d.wakes,
	       futex_quiet ? " (both 0)" : "");
	ops->destroy(s.lock);
	free(s.lock);
	free(s.node);
}

/* -------------------------------------------------------------- contended */

struct duel {
	const struct lb_lock_ops *ops;
	const struct expect *e;
	void *lock, *a_node, *b_node;
	uint64_t hold_ns;
	uint32_t held; /* A owns the lock (release/acquire) */
	uint32_t calling; /* B is about to call lock (release/acquire) */
	uint32_t b_tid; /* written before ->calling */
	bool b_blocked, b_queued, timed_out;
	struct lb_futex_stats d; /* B's, read after the join */
};

/* The state letter of thread @tid of this process, '?' if unreadable. */
static char thread_state(uint32_t tid)
{
	char path[64], buf[512], *p;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%u/stat", tid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* "tid (comm) S ...": comm may hold anything but not a last ')'. */
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* Poll @done until true or the deadline; false on timeout. */
static bool wait_until(bool (*done)(struct duel *d), struct duel *d)
{
	uint64_t deadline = lb_now_ns() + DEADLINE_NS;

	while (!done(d)) {
		if (lb_now_ns() > deadline)
			return false;
		pause_a_little();
	}
	return true;
}

static bool b_calling(struct duel *d)
{
	return lb_load_acquire(&d->calling);
}

static bool b_in_kernel(struct duel *d)
{
	return thread_state(lb_load_relaxed(&d->b_tid)) == 'S';
}

static bool b_in_queue(struct duel *d)
{
	return d->ops->queued(d->lock, d->a_node) >= 1;
}

static void holder_body(void *arg)
{
	struct duel *d = arg;

	d->ops->lock(d->lock, d->a_node);
	/* Release: B's acquire load sees us inside before it calls lock. */
	lb_store_release(&d->held, 1);
	if (!wait_until(b_calling, d)) {
		d->timed_out = true;
	} else if (sleeps(d->e->how)) {
		/*
		 * B sets ->calling just before its lock call; from then on it
		 * can be blocked in the kernel only inside lock (a futex
		 * wait, or its loop's poll once the coroutine yielded).
		 */
		d->b_blocked = wait_until(b_in_kernel, d);
		d->timed_out = !d->b_blocked;
	} else {
		/* B spins: make sure it is inside lock, then let it spin. */
		if (d->ops->queued)
			d->b_queued = wait_until(b_in_queue, d);
		sleep_ns(d->hold_ns);
	}
	d->ops->unlock(d->lock, d->a_node);
}

static void waiter_body(void *arg)
{
	struct duel *d = arg;
	struct lb_futex_stats a, b;

	/* Pairs with the release store in holder_body(). */
	while (!lb_load_acquire(&d->held))
		pause_a_little();
	lb_store_relaxed(&d->b_tid, (uint32_t)syscall(SYS_gettid));
	a = lb_futex_stats;
	/* Release: publishes ->b_tid to the holder's acquire load. */
	lb_store_release(&d->calling, 1);
	d->ops->lock(d->lock, d->b_node);
	b = lb_futex_stats;
	d->ops->unlock(d->lock, d->b_node);
	d->d = stats_delta(&a, &b);
}

/* One round: A holds, B waits.  Returns B's counts in @d->d. */
static void duel_round(struct duel *d)
{
	struct lb_lock_cfg cfg = { .spin_limit = SPIN_LIMIT };
	struct cothread t[2];

	d->lock = lb_xaligned_zalloc(LB_PAD_SIZE, d->ops->lock_size);
	d->a_node = node_new(d->ops);
	d->b_node = node_new(d->ops);
	lb_bug_on(d->ops->init(d->lock, &cfg));
	cothread_spawn(&t[0], needs_coroutine(d->ops), holder_body,
		       (void *[]){ d }, 1);
	cothread_spawn(&t[1], needs_coroutine(d->ops), waiter_body,
		       (void *[]){ d }, 1);
	cothread_join(t, 2);
	d->ops->destroy(d->lock);
	free(d->lock);
	free(d->a_node);
	free(d->b_node);
}

static bool judge(const struct duel *d, char *why, size_t len)
{
	const struct lb_futex_stats *s = &d->d;
	bool ok = false;

	if (d->timed_out) {
		snprintf(why, len, "%s",
			 !d->b_blocked && sleeps(d->e->how) ?
				 "B never blocked in the kernel" :
				 "B never called lock");
		return false;
	}
	switch (d->e->how) {
	case SPIN:
		ok = s->spins == 1 && s->spin_iters >= 1 &&
		     !s->spin_then_slept && !s->waits;
		break;
	case SPIN_SLEEP:
		ok = s->spins == 1 && s->spin_iters == SPIN_LIMIT &&
		     s->spin_then_slept == 1 &&
		     (!d->e->futex_waits || s->waits >= 1);
		break;
	case SLEEP:
	case YIELD:
		ok = !s->spins && !s->spin_iters && !s->spin_then_slept &&
		     (!d->e->futex_waits || s->waits >= 1);
		break;
	case OPAQUE_SPIN:
	case OPAQUE_SLEEP:
		ok = !s->spins && !s->spin_iters && !s->spin_then_slept;
		break;
	}
	snprintf(why, len,
		 "spins %llu, spin_iters %llu, spin_then_slept %llu, waits "
		 "%llu",
		 (unsigned long long)s->spins,
		 (unsigned long long)s->spin_iters,
		 (unsigned long long)s->spin_then_slept,
		 (unsigned long long)s->waits);
	return ok;
}

static const char *const want_str[] = {
	[SPIN] = "1 spin phase, no sleep",
	[SPIN_SLEEP] = "1 spin phase of spin_limit turns, then slept",
	[SLEEP] = "futex waits, no spin",
	[YIELD] = "yielded, no spin",
	[OPAQUE_SPIN] = "glibc spins, nothing counted",
	[OPAQUE_SLEEP] = "glibc sleeps, nothing counted",
};

static void test_contended(const struct lb_lock_ops *ops,
			   const struct expect *e)
{
	struct duel d;
	char why[160];
	unsigned int tries = 0;
	uint64_t hold = HOLD_NS;
	bool ok;

	if (!e) {
		tap_ok(false,
		       "%s: contended: no entry in t_spins.c expect[]: "
		       "declare how it waits and what it counts",
		       ops->name);
		return;
	}
	do {
		d = (struct duel){ .ops = ops, .e = e, .hold_ns = hold };
		duel_round(&d);
		ok = judge(&d, why, sizeof(why));
		tries++;
		hold *= 2;
		/*
		 * Only a spinning waiter that got no turn (not yet on a CPU
		 * when the hold ended) is retried, with a longer hold.
		 */
	} while (!ok && e->how == SPIN && !d.timed_out && !d.d.spins &&
		 tries < HOLD_TRIES);
	tap_ok(ok, "%s: contended (A holds, B locks%s): %s: %s%s", ops->name,
	       sleeps(e->how) ? ", A waits for B to block" :
	       d.b_queued     ? ", B queued" :
				"",
	       want_str[e->how], why, tries > 1 ? " (after longer holds)" : "");
}

int main(void)
{
	unsigned int i;
	int plan = 2;

	alarm(600); /* a deadlocked handshake fails the test, never hangs */
	for (i = 0; i < lb_nlocks; i++)
		if (!(lb_locks[i]->flags & (LB_TEST_ONLY | LB_NO_EXCLUSION)))
			plan += 2;
	tap_plan(plan);
	test_account();
	for (i = 0; i < lb_nlocks; i++) {
		const struct lb_lock_ops *ops = lb_locks[i];

		if (ops->flags & (LB_TEST_ONLY | LB_NO_EXCLUSION))
			continue;
		test_uncontended(ops, expect_for(ops));
		test_contended(ops, expect_for(ops));
	}
	return tap_done();
}
