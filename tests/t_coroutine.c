/* SPDX-License-Identifier: MIT */
/*
 * t_coroutine.c - TAP tests of runtime/coroutine.c: switching order, values,
 * the pool, nesting, the guard page, the aborts, and the switch cost
 * (printed as a comment, never asserted).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/atomics.h"
#include "runtime/clock.h"
#include "runtime/coroutine.h"
#include "tests/death.h"
#include "tests/tap.h"

#define NTESTS 16

#if defined(LB_CO_TSAN) || defined(LB_CO_ASAN)
#define SLOW_BUILD 1
#else
#define SLOW_BUILD 0
#endif

#ifdef LB_CO_TSAN
const char *__tsan_default_options(void);
/*
 * TSan counts fibers as threads, so every fork() here is a "multi-threaded
 * fork", after which it refuses to start threads.  The foreign-thread death
 * test's child starts one thread that only aborts: allow it.
 */
const char *__tsan_default_options(void)
{
	return "die_after_fork=0";
}
#endif

/* ---- 1: order of enter, yield, terminate ---- */

static char order_log[32];
static size_t order_len;

static void log_c(char c)
{
	order_log[order_len++] = c;
}

static void order_entry(void *arg)
{
	struct lb_co **me = arg;
	int inside = lb_in_coroutine() && lb_co_self() == *me;

	log_c(inside ? 'a' : 'X');
	lb_co_yield();
	log_c('b');
	lb_co_yield();
	log_c('c');
}

static void test_order(void)
{
	struct lb_co *co = NULL;

	co = lb_co_create(order_entry, &co);
	log_c('1');
	lb_co_enter(co);
	log_c('2');
	lb_co_enter(co);
	log_c('3');
	lb_co_enter(co); /* terminates: back to the pool */
	log_c('4');
	tap_ok(strcmp(order_log, "1a2b3c4") == 0 && !lb_in_coroutine() &&
		       lb_co_self() == NULL,
	       "enter/yield/terminate order (%s)", order_log);
}

/* ---- 2: values in and out across yields ---- */

struct exchange {
	long in, out;
	int rounds;
};

static void exchange_entry(void *arg)
{
	struct exchange *x = arg;

	for (;;) {
		x->out = x->in * 2 + 1;
		x->rounds++;
		if (x->in < 0)
			return;
		lb_co_yield();
	}
}

static void test_values(void)
{
	struct exchange x = { 0, 0, 0 };
	struct lb_co *co = lb_co_create(exchange_entry, &x);
	int good = 1;
	long i;

	for (i = 0; i < 10; i++) {
		x.in = i * 1000;
		lb_co_enter(co);
		good &= x.out == i * 2000 + 1;
	}
	x.in = -5;
	lb_co_enter(co);
	tap_ok(good && x.out == -9 && x.rounds == 11,
	       "arguments and values passed across 11 entries");
}

/* ---- 3, 4: pool ---- */

static unsigned long pool_runs;

static void count_entry(void *arg)
{
	(void)arg;
	pool_runs++;
}

static void nop_entry(void *arg)
{
	(void)arg;
}

static void test_pool_reuse(void)
{
	struct lb_co_stats before, after;
	unsigned long n = 100000, i;
	uint64_t t0, t1;

	lb_co_get_stats(&before);
	t0 = lb_now_ns();
	for (i = 0; i < n; i++)
		lb_co_enter(lb_co_create(count_entry, NULL));
	t1 = lb_now_ns();
	lb_co_get_stats(&after);
	tap_diag("create+enter+terminate from the pool: %.1f ns",
		 (double)(t1 - t0) / (double)n);
	tap_ok(pool_runs == n &&
		       after.stacks_mapped - before.stacks_mapped <= 1 &&
		       after.pool_hits - before.pool_hits >= n - 1,
	       "100k create/terminate: %lu runs, %llu mmaps, %llu pool hits",
	       pool_runs,
	       (unsigned long long)(after.stacks_mapped - before.stacks_mapped),
	       (unsigned long long)(after.pool_hits - before.pool_hits));
}

static void test_pool_bounded(void)
{
	enum { N = 200 };
	static struct lb_co *cos[N];
	struct lb_co_stats st;
	int i;

	for (i = 0; i < N; i++)
		cos[i] = lb_co_create(count_entry, NULL);
	for (i = 0; i < N; i++)
		lb_co_enter(cos[i]); /* all terminate: 64 kept */
	lb_co_get_stats(&st);
	tap_ok(st.pool_size == LB_CO_POOL_MAX &&
		       st.stacks_mapped - st.stacks_unmapped == LB_CO_POOL_MAX,
	       "pool bounded: %d live at once -> pool %llu, stacks alive %llu",
	       N, (unsigned long long)st.pool_size,
	       (unsigned long long)(st.stacks_mapped - st.stacks_unmapped));
}

/* ---- 5: nesting ---- */

struct nest {
	struct lb_co *a, *b;
	char log[16];
	size_t len;
	int self_ok;
};

static void nest_b(void *arg)
{
	struct nest *n = arg;

	n->self_ok &= lb_co_self() == n->b;
	n->log[n->len++] = 'B';
	lb_co_yield(); /* back to A, not to the thread */
	n->self_ok &= lb_co_self() == n->b;
	n->log[n->len++] = 'b';
}

static void nest_a(void *arg)
{
	struct nest *n = arg;

	n->log[n->len++] = 'A';
	n->b = lb_co_create(nest_b, n);
	lb_co_enter(n->b);
	n->self_ok &= lb_co_self() == n->a;
	n->log[n->len++] = 'a';
	lb_co_yield();
	lb_co_enter(n->b); /* B terminates inside A */
	n->log[n->len++] = '.';
}

static void test_nested(void)
{
	struct nest n = { .self_ok = 1 };

	n.a = lb_co_create(nest_a, &n);
	lb_co_enter(n.a);
	n.log[n.len++] = '|';
	lb_co_enter(n.a);
	tap_ok(strcmp(n.log, "ABa|b.") == 0 && n.self_ok && !lb_in_coroutine(),
	       "nested enter: coroutine enters another (%s)", n.log);
}

/* ---- 6..9: aborts ---- */

static void reenter_self_entry(void *arg)
{
	(void)arg;
	lb_co_enter(lb_co_self());
}

static void die_reenter_self(void)
{
	lb_co_enter(lb_co_create(reenter_self_entry, NULL));
}

static struct lb_co *outer_co;

static void reenter_outer_entry(void *arg)
{
	(void)arg;
	lb_co_enter(outer_co); /* outer is running: it entered us */
}

static void outer_entry(void *arg)
{
	(void)arg;
	lb_co_enter(lb_co_create(reenter_outer_entry, NULL));
}

static void die_reenter_outer(void)
{
	outer_co = lb_co_create(outer_entry, NULL);
	lb_co_enter(outer_co);
}

static void die_enter_terminated(void)
{
	struct lb_co *co = lb_co_create(count_entry, NULL);

	lb_co_enter(co);
	lb_co_enter(co);
}

static void die_yield_outside(void)
{
	lb_co_yield();
}

static void test_aborts(void)
{
	death_ok(die_reenter_self, "already running",
		 "coroutine entering itself aborts");
	death_ok(die_reenter_outer, "already running",
		 "entering the coroutine that entered us aborts");
	death_ok(die_enter_terminated, "has terminated",
		 "entering a terminated coroutine aborts");
	death_ok(die_yield_outside, "outside a coroutine",
		 "lb_co_yield outside a coroutine aborts");
}

/* ---- 10, 11: stack size and guard page ---- */

/* Each frame is written by its callee, so it must really exist. */
static lb_noinline unsigned long recurse(unsigned long depth, unsigned long max,
					 volatile char *up)
{
	volatile char frame[512];
	unsigned long r;

	frame[0] = (char)depth;
	frame[1] = 0;
	if (up)
		up[1] = 1;
	if (depth == max)
		return 1;
	r = recurse(depth + 1, max, frame);
	return r + (unsigned long)frame[1];
}

static unsigned long deep_result;

static void deep_entry(void *arg)
{
	/* ~100 KiB of frames when arg is 180 */
	deep_result = recurse(0, (unsigned long)(uintptr_t)arg, NULL);
}

static void test_stack_size(void)
{
	struct lb_co *co;
	int bad = lb_co_set_stack_size(4096);
	int good = lb_co_set_stack_size(256 * 1024 + 1);

	co = lb_co_create(deep_entry, (void *)(uintptr_t)180);
	tap_ok(bad == -EINVAL && good == 0 &&
		       lb_co_get_stack_size() == 256 * 1024 + 4096 &&
		       co->stack_size == lb_co_get_stack_size(),
	       "stack size: too small rejected, 256 KiB + 1 rounded to pages");
	lb_co_enter(co);
	lb_co_set_stack_size(LB_CO_STACK_SIZE_DEFAULT);
	tap_ok(deep_result == 181, "~100 KiB of frames fit in a 256 KiB stack");
}

static void overflow_entry(void *arg)
{
	(void)arg;
	deep_result = recurse(0, 100000, NULL); /* 50 MB of frames */
}

static void die_overflow(void)
{
	lb_co_enter(lb_co_create(overflow_entry, NULL));
}

static void test_guard_page(void)
{
	char buf[4096];
	int st = death_test(die_overflow, buf, sizeof(buf));

	/* SIGSEGV on the guard page; sanitizers report it and exit. */
	int r = (WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV) ||
		(WIFEXITED(st) && WEXITSTATUS(st) != 0 &&
		 (strstr(buf, "stack-overflow") || strstr(buf, "SEGV")));

	death_dump(r, buf);
	tap_ok(r, "stack overflow hits the guard page (status 0x%x)", st);
}

/* ---- 12: pools are per thread and freed at thread exit ---- */

static void *pool_thread(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 1000; i++)
		lb_co_enter(lb_co_create(nop_entry, NULL));
	return NULL;
}

static void test_thread_pools(void)
{
	struct lb_co_stats before, after;
	pthread_t th[2];
	int i;

	lb_co_get_stats(&before);
	for (i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, pool_thread, NULL);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	lb_co_get_stats(&after);
	tap_ok(after.stacks_mapped - before.stacks_mapped == 2 &&
		       after.stacks_unmapped - before.stacks_unmapped == 2,
	       "two threads: one stack each, both freed at thread exit");
}

/* ---- 13: a coroutine never migrates ---- */

static void yield_once_entry(void *arg)
{
	(void)arg;
	lb_co_yield();
}

static void *enter_foreign(void *arg)
{
	lb_co_enter(arg);
	return NULL;
}

static void die_foreign_thread(void)
{
	struct lb_co *co = lb_co_create(yield_once_entry, NULL);
	pthread_t th;

	lb_co_enter(co);
	pthread_create(&th, NULL, enter_foreign, co);
	pthread_join(th, NULL);
}

static void test_foreign_thread(void)
{
	death_ok(die_foreign_thread, "never migrate",
		 "entering from a thread other than the home thread aborts");
}

/* ---- 14: switch cost (printed; asserted only that each enter switched) ---- */

static unsigned long pingpong_turns;

static void pingpong_entry(void *arg)
{
	(void)arg;
	for (;;) {
		pingpong_turns++;
		lb_co_yield();
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void test_switch_cost(void)
{
	struct lb_co *co = lb_co_create(pingpong_entry, NULL);
	unsigned long n = SLOW_BUILD ? 100000 : 2000000, i;
	double ns[7];
	int r;

	lb_co_enter(co); /* warm up */
	for (r = 0; r < 7; r++) {
		uint64_t t0 = lb_now_ns();

		for (i = 0; i < n; i++)
			lb_co_enter(co); /* two switches */
		ns[r] = (double)(lb_now_ns() - t0) / (2.0 * (double)n);
	}
	qsort(ns, 7, sizeof(ns[0]), cmp_double);
	tap_diag(
		"switch: %.1f ns (median of 7 x %lu round trips; min %.1f, max %.1f)",
		ns[3], n, ns[0], ns[6]);
	lb_co_delete(co); /* suspended forever: stack dropped */
	tap_ok(pingpong_turns == 1 + 7 * n && ns[0] > 0,
	       "switch cost measured: every one of %lu enters ran the coroutine",
	       1 + 7 * n);
}

/* ---- 15: delete ---- */

static void test_delete(void)
{
	struct lb_co_stats a, b;
	struct lb_co *fresh, *suspended;

	lb_co_pool_flush();
	lb_co_get_stats(&a);
	fresh = lb_co_create(count_entry, NULL);
	suspended = lb_co_create(yield_once_entry, NULL);
	lb_co_enter(suspended);
	lb_co_delete(fresh); /* to the pool */
	lb_co_delete(suspended); /* unmapped */
	lb_co_get_stats(&b);
	tap_ok(b.pool_size == 1 && b.stacks_unmapped - a.stacks_unmapped == 1,
	       "delete: fresh coroutine pooled, suspended one unmapped");
	lb_co_pool_flush();
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_plan(NTESTS);
	test_order();
	test_values();
	test_pool_reuse();
	test_pool_bounded();
	test_nested();
	test_aborts();
	test_stack_size();
	test_guard_page();
	test_thread_pools();
	test_foreign_thread();
	test_switch_cost();
	test_delete();
	return tap_done();
}
