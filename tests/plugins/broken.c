/* SPDX-License-Identifier: MIT */
/*
 * broken.c - plugins that are wrong on purpose, one per BROKEN_* macro,
 * for the tests of `lockbench validate`, of the loader's refusals and of
 * the watchdog (tests/t_watchdog.sh; these were test-only methods built
 * into lockbench before plugins existed):
 *
 *   BROKEN_NOEXCL    "no-exclusion": lock and unlock do nothing
 *   BROKEN_DEADLOCK  "never-unlock": a futex mutex whose unlock does
 *                    nothing (the second acquisition never returns)
 *   BROKEN_CRASH     "crash-lock": a futex mutex that raises SIGSEGV on
 *                    its 1000th acquisition
 *   BROKEN_RECURSIVE "broken-recursive": no exclusion, claims recursion
 *   BROKEN_FIFO      "broken-fifo": excludes, but hands the lock to the
 *                    LAST waiter in line (a stack), and claims FIFO
 *   BROKEN_ABI       a descriptor of ABI 2
 *   BROKEN_SIZE=N    lock_size N (0, or gigabytes)
 *   BROKEN_NOLOCK    lock is NULL
 *   BROKEN_NODESC    no descriptor at all
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>

#include "plugin.h"

/* A futex mutex (Drepper, "Futexes Are Tricky", 2011, mutex #2). */
struct fmutex {
	uint32_t word; /* 0 free, 1 locked, 2 locked with waiters */
	uint32_t acquisitions; /* under the lock */
};

static __attribute__((unused)) int fm_init(void *lock,
					   const struct lockbench_lock_cfg *cfg)
{
	struct fmutex *m = lock;

	m->word = 0;
	m->acquisitions = 0;
	return 0;
}

static __attribute__((unused)) void fm_destroy(void *lock)
{
}

static __attribute__((unused)) void fm_lock(void *lock, void *node)
{
	struct fmutex *m = lock;
	uint32_t c = 0;

	if (__atomic_compare_exchange_n(&m->word, &c, 1, false,
					__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		goto taken;
	if (c != 2)
		c = __atomic_exchange_n(&m->word, 2, __ATOMIC_ACQUIRE);
	while (c) {
		plug_futex_wait(&m->word, 2);
		c = __atomic_exchange_n(&m->word, 2, __ATOMIC_ACQUIRE);
	}
taken:
#ifdef BROKEN_CRASH
	if (++m->acquisitions == 1000)
		raise(SIGSEGV);
#endif
	return;
}

static __attribute__((unused)) void fm_unlock(void *lock, void *node)
{
	struct fmutex *m = lock;

#ifdef BROKEN_DEADLOCK
	/* The bug under test: the word stays locked. */
	(void)m;
#else
	if (__atomic_exchange_n(&m->word, 0, __ATOMIC_RELEASE) == 2)
		plug_futex_wake(&m->word, 1);
#endif
}

static __attribute__((unused)) void nop(void *lock, void *node)
{
	__asm__ __volatile__("" ::: "memory");
}

/*
 * The LIFO lock: a held flag and a stack of waiters, all under a pthread
 * mutex; unlock hands the lock to the waiter on top.  Waiters spin (with
 * sched_yield) on their own node's granted flag.
 */
struct lifo {
	pthread_mutex_t m;
	bool held; /* under m */
	struct lifo_node *top; /* under m */
	unsigned int depth; /* under m; read relaxed by queued() */
};

struct lifo_node {
	struct lifo_node *next; /* under m */
	bool granted; /* set by the unlocker (release) */
};

static __attribute__((unused)) int lifo_init(void *lock,
					     const struct lockbench_lock_cfg *c)
{
	struct lifo *l = lock;

	l->held = false;
	l->top = NULL;
	l->depth = 0;
	return pthread_mutex_init(&l->m, NULL);
}

static __attribute__((unused)) void lifo_lock(void *lock, void *node)
{
	struct lifo *l = lock;
	struct lifo_node *n = node;

	pthread_mutex_lock(&l->m);
	if (!l->held) {
		l->held = true;
		pthread_mutex_unlock(&l->m);
		return;
	}
	__atomic_store_n(&n->granted, false, __ATOMIC_RELAXED);
	n->next = l->top;
	l->top = n;
	__atomic_store_n(&l->depth, l->depth + 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&l->m);
	while (!__atomic_load_n(&n->granted, __ATOMIC_ACQUIRE))
		sched_yield();
}

static __attribute__((unused)) void lifo_unlock(void *lock, void *node)
{
	struct lifo *l = lock;
	struct lifo_node *n;

	pthread_mutex_lock(&l->m);
	n = l->top;
	if (n) {
		l->top = n->next;
		__atomic_store_n(&l->depth, l->depth - 1, __ATOMIC_RELAXED);
		__atomic_store_n(&n->granted, true, __ATOMIC_RELEASE);
	} else {
		l->held = false;
	}
	pthread_mutex_unlock(&l->m);
}

static __attribute__((unused)) unsigned int lifo_queued(void *lock,
							void *holder)
{
	struct lifo *l = lock;

	return __atomic_load_n(&l->depth, __ATOMIC_RELAXED);
}

#if defined(BROKEN_NOEXCL)
#define NAME "no-exclusion"
#define LOCK_OP nop
#define UNLOCK_OP nop
#elif defined(BROKEN_RECURSIVE)
#define NAME "broken-recursive"
#define LOCK_OP nop
#define UNLOCK_OP nop
#define FLAGS LOCKBENCH_LOCK_RECURSIVE
#elif defined(BROKEN_FIFO)
#define NAME "broken-fifo"
#define LOCK_OP lifo_lock
#define UNLOCK_OP lifo_unlock
#define INIT_OP lifo_init
#define FLAGS LOCKBENCH_LOCK_FIFO
#define QUEUED lifo_queued
#define BROKEN_SIZE sizeof(struct lifo)
#define NODE_SIZE sizeof(struct lifo_node)
#elif defined(BROKEN_DEADLOCK)
#define NAME "never-unlock"
#elif defined(BROKEN_CRASH)
#define NAME "crash-lock"
#else
#define NAME "broken-desc"
#endif
#ifndef LOCK_OP
#define LOCK_OP fm_lock
#define UNLOCK_OP fm_unlock
#endif
#ifdef BROKEN_NOLOCK
#undef LOCK_OP
#define LOCK_OP NULL
#endif
#ifndef BROKEN_SIZE
#define BROKEN_SIZE sizeof(struct fmutex)
#endif
#ifndef FLAGS
#define FLAGS LOCKBENCH_LOCK_SLEEPS
#endif
#ifndef INIT_OP
#define INIT_OP fm_init
#endif
#ifndef NODE_SIZE
#define NODE_SIZE 0
#endif
#ifndef QUEUED
#define QUEUED NULL
#endif

#ifndef BROKEN_NODESC
const struct lockbench_lock lockbench_lock_plugin = {
#ifdef BROKEN_ABI
	.abi = 2,
	.size = sizeof(struct lockbench_lock),
#else
	LOCKBENCH_LOCK_HEADER,
#endif
	.name = NAME,
	.summary = "TEST ONLY: broken on purpose (tests/plugins/broken.c)",
	.flags = FLAGS,
	.lock_size = BROKEN_SIZE,
	.node_size = NODE_SIZE,
	.init = INIT_OP,
	.destroy = fm_destroy,
	.lock = LOCK_OP,
	.unlock = UNLOCK_OP,
	.queued = QUEUED,
};
#endif
