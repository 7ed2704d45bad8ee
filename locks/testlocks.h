/* SPDX-License-Identifier: MIT */
/*
 * testlocks.h - deliberately broken sync methods, for the harness's own
 * tests (tests/t_watchdog.sh): the harness must survive the locks it
 * measures.
 *
 * Policy
 *   flags:     LB_TEST_ONLY: hidden from `lockbench list`, skipped by the
 *              generic validation (tests/t_locks.c), and `lockbench run`
 *              accepts them by name only when LOCKBENCH_TEST_LOCKS=1 is set
 *              in the environment.
 *   never-unlock:  lock takes a futex-mutex word (Drepper's three states,
 *              locks/futex_mutex.h); unlock does nothing.  The second
 *              acquisition by anyone sleeps for ever on the lock word: the
 *              deadlock the watchdog must report ("in lock()").
 *   crash-lock:    a correct futex mutex that raises SIGSEGV on the 1000th
 *              acquisition (counted under the lock): a lock that crashes
 *              the process.
 *   no-exclusion:  lock and unlock do nothing but a compiler barrier: with
 *              two threads the counter workload loses updates and the run
 *              must fail with the observed and expected counts.  Unlike
 *              `none` it does not claim LB_NO_EXCLUSION, so it runs at any
 *              thread count.
 *   counted:   never-unlock and crash-lock as futex-mutex (waits, wakes;
 *              never spins); no-exclusion never waits.
 *   ordering:  never-unlock and crash-lock as futex-mutex (acquire on the
 *              exchange that takes the word); no-exclusion orders nothing.
 */
#ifndef LB_LOCKS_TESTLOCKS_H
#define LB_LOCKS_TESTLOCKS_H

#include <signal.h>
#include <stdint.h>

#include "locks/futex_mutex.h"
#include "locks/lock.h"
#include "runtime/atomics.h"

/* ------------------------------------------------------------ never-unlock */

struct never_unlock {
	struct futex_mutex m;
};

static inline int never_unlock_init(void *lock, const struct lb_lock_cfg *cfg)
{
	return futex_mutex_init(lock, cfg);
}

static inline void never_unlock_destroy(void *lock)
{
	/* Held for ever by design: no check that the word is free. */
}

static inline void never_unlock_lock(void *lock, void *node)
{
	struct never_unlock *l = lock;

	futex_mutex_lock(&l->m, node);
}

static inline void never_unlock_unlock(void *lock, void *node)
{
	/* The bug under test: the word stays locked. */
	lb_barrier();
}

#define never_unlock_DESC                                              \
	.name = "never-unlock",                                        \
	.summary = "TEST ONLY: futex mutex whose unlock does nothing " \
		   "(deadlocks)",                                      \
	.source = "-", .flags = LB_TEST_ONLY | LB_SLEEPS,              \
	.lock_size = sizeof(struct never_unlock), .node_size = 0

/* -------------------------------------------------------------- crash-lock */

#define CRASH_LOCK_AT 1000 /* the acquisition that raises SIGSEGV */

struct crash_lock {
	struct futex_mutex m;
	uint64_t acquisitions; /* protected by m */
};

static inline int crash_lock_init(void *lock, const struct lb_lock_cfg *cfg)
{
	struct crash_lock *l = lock;

	l->acquisitions = 0;
	return futex_mutex_init(&l->m, cfg);
}

static inline void crash_lock_destroy(void *lock)
{
	struct crash_lock *l = lock;

	futex_mutex_destroy(&l->m);
}

static inline void crash_lock_lock(void *lock, void *node)
{
	struct crash_lock *l = lock;

	futex_mutex_lock(&l->m, node);
	/* Under the lock: a plain increment counts every acquisition. */
	if (++l->acquisitions == CRASH_LOCK_AT)
		raise(SIGSEGV);
}

static inline void crash_lock_unlock(void *lock, void *node)
{
	struct crash_lock *l = lock;

	futex_mutex_unlock(&l->m, node);
}

#define crash_lock_DESC                                                        \
	.name = "crash-lock",                                                  \
	.summary = "TEST ONLY: futex mutex that raises SIGSEGV on the 1000th " \
		   "acquisition",                                              \
	.source = "-", .flags = LB_TEST_ONLY | LB_SLEEPS,                      \
	.lock_size = sizeof(struct crash_lock), .node_size = 0

/* ------------------------------------------------------------ no-exclusion */

struct no_exclusion {
	char unused;
};

static inline int no_exclusion_init(void *lock, const struct lb_lock_cfg *cfg)
{
	return 0;
}

static inline void no_exclusion_destroy(void *lock)
{
}

static inline void no_exclusion_lock(void *lock, void *node)
{
	/* Keeps the compiler from merging critical sections; excludes no one. */
	lb_barrier();
}

static inline void no_exclusion_unlock(void *lock, void *node)
{
	lb_barrier();
}

#define no_exclusion_DESC                                                  \
	.name = "no-exclusion",                                            \
	.summary = "TEST ONLY: lock and unlock do nothing (breaks mutual " \
		   "exclusion)",                                           \
	.source = "-", .flags = LB_TEST_ONLY,                              \
	.lock_size = sizeof(struct no_exclusion), .node_size = 0

#endif /* LB_LOCKS_TESTLOCKS_H */
