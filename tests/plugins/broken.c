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
 *   BROKEN_FIFO      "broken-fifo": no exclusion, claims FIFO order (its
 *                    queued() says everybody is in line at once)
 *   BROKEN_ABI       a descriptor of ABI 2
 *   BROKEN_SIZE=N    lock_size N (0, or gigabytes)
 *   BROKEN_NOLOCK    lock is NULL
 *   BROKEN_NODESC    no descriptor at all
 */
#include <signal.h>

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

static __attribute__((unused)) unsigned int all_queued(void *lock, void *holder)
{
	return 1000;
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
#define LOCK_OP nop
#define UNLOCK_OP nop
#define FLAGS LOCKBENCH_LOCK_FIFO
#define QUEUED all_queued
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
	.init = fm_init,
	.destroy = fm_destroy,
	.lock = LOCK_OP,
	.unlock = UNLOCK_OP,
	.queued = QUEUED,
};
#endif
