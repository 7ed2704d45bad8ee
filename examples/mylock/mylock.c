/* SPDX-License-Identifier: MIT */
/*
 * mylock.c - a lock of your own, measured by lockbench: a futex mutex
 * with three states (Drepper, "Futexes Are Tricky", 2011, mutex 2).
 *
 *   make                                   # needs lockbench installed
 *   lockbench validate --lock-lib ./mylock.so
 *   lockbench run --lock-lib ./mylock.so -m mylock,pthread -t 1,2
 *
 * Ordering: lock is the acquire exchange (or compare-exchange) that takes
 * the word; unlock is the release exchange that frees it.
 */
#include <errno.h>
#include <linux/futex.h>
#include <lockbench/lock.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { FREE = 0, LOCKED = 1, CONTENDED = 2 };

struct mylock {
	uint32_t word;
};

static int mylock_init(void *lock, const struct lockbench_lock_cfg *cfg)
{
	struct mylock *l = lock;

	l->word = FREE;
	return 0;
}

static void mylock_destroy(void *lock)
{
}

static void mylock_lock(void *lock, void *node)
{
	struct mylock *l = lock;
	uint32_t c = FREE;

	if (__atomic_compare_exchange_n(&l->word, &c, LOCKED, 0,
					__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	/* Say there are waiters, then sleep until the word is free. */
	if (c != CONTENDED)
		c = __atomic_exchange_n(&l->word, CONTENDED, __ATOMIC_ACQUIRE);
	while (c != FREE) {
		if (syscall(SYS_futex, &l->word, FUTEX_WAIT_PRIVATE, CONTENDED,
			    NULL, NULL, 0) &&
		    errno != EAGAIN && errno != EINTR)
			abort();
		c = __atomic_exchange_n(&l->word, CONTENDED, __ATOMIC_ACQUIRE);
	}
}

static bool mylock_trylock(void *lock, void *node)
{
	struct mylock *l = lock;
	uint32_t c = FREE;

	return __atomic_compare_exchange_n(&l->word, &c, LOCKED, 0,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static void mylock_unlock(void *lock, void *node)
{
	struct mylock *l = lock;

	if (__atomic_exchange_n(&l->word, FREE, __ATOMIC_RELEASE) == CONTENDED)
		syscall(SYS_futex, &l->word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL,
			0);
}

const struct lockbench_lock lockbench_lock_plugin = {
	LOCKBENCH_LOCK_HEADER,
	.name = "mylock",
	.summary = "three-state futex mutex (an out-of-tree example)",
	.flags = LOCKBENCH_LOCK_SLEEPS,
	.lock_size = sizeof(struct mylock),
	.init = mylock_init,
	.destroy = mylock_destroy,
	.lock = mylock_lock,
	.unlock = mylock_unlock,
	.trylock = mylock_trylock,
};
