/* SPDX-License-Identifier: MIT */
/*
 * validate.h - the generic validation of a sync method (validate.c): the
 * checks every built-in method passes in tests/t_locks.c and a plugin
 * passes in `lockbench validate`.
 */
#ifndef LB_HARNESS_ENGINE_VALIDATE_H
#define LB_HARNESS_ENGINE_VALIDATE_H

#include <stdbool.h>

#include "locks/lock.h"

struct lb_validate_opts {
	unsigned int iters; /* acquisitions per thread in the stress checks;
			       0: 50000 */
	unsigned int threads; /* stress threads; 0: the method's default
				 (4, or the CPUs up to 4 for spinning
				 methods; coroutine methods: fixed shapes) */
};

/*
 * Called once per check with its verdict and a one-line message that
 * starts with the method's name ("mylock: mutual exclusion broken:
 * counter 1999873, expected 2000000, ...").
 */
typedef void (*lb_validate_report)(void *arg, bool ok, const char *msg);

/* How many checks lb_validate() reports for @ops. */
unsigned int lb_validate_count(const struct lb_lock_ops *ops);

/*
 * Run every check that fits @ops (@o may be NULL), reporting each; returns
 * how many failed.  A lock that deadlocks makes it hang and one that
 * crashes kills the process: run it under a watchdog.
 */
unsigned int lb_validate(const struct lb_lock_ops *ops,
			 const struct lb_validate_opts *o,
			 lb_validate_report report, void *arg);

#endif /* LB_HARNESS_ENGINE_VALIDATE_H */
