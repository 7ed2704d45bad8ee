/* SPDX-License-Identifier: MIT */
/*
 * none.h - no lock at all: the floor under every figure.
 *
 * Policy
 *   exclusion: none (LB_NO_EXCLUSION).  It runs at one thread only, where
 *              nothing needs excluding, and measures what a workload's loop
 *              costs by itself: the phase check, the plain and atomic
 *              counter increments, the busy work, the loop.  Subtract its
 *              ns/op from a lock's at one thread to get the cost of that
 *              lock's uncontended lock + unlock.
 *   ordering:  a compiler barrier on each side, so that the compiler cannot
 *              merge the critical sections of consecutive iterations (a real
 *              lock's atomics would forbid that too); no CPU fence.
 *   counted:   nothing ever waits: every lb_futex_stats count stays 0.
 */
#ifndef LB_LOCKS_NONE_H
#define LB_LOCKS_NONE_H

#include "locks/lock.h"
#include "runtime/atomics.h"

struct lb_none {
	char unused;
};

static inline int none_init(void *lock, const struct lb_lock_cfg *cfg)
{
	return 0;
}

static inline void none_destroy(void *lock)
{
}

static inline void none_lock(void *lock, void *node)
{
	lb_barrier();
}

static inline void none_unlock(void *lock, void *node)
{
	lb_barrier();
}

#define none_DESC                                                         \
	.name = "none",                                                   \
	.summary = "no lock (1 thread only): the harness's own cost per " \
		   "operation",                                           \
	.source = "-", .flags = LB_NO_EXCLUSION,                          \
	.lock_size = sizeof(struct lb_none), .node_size = 0

#endif /* LB_LOCKS_NONE_H */
