/* SPDX-License-Identifier: MIT */
/*
 * futex.h - the only place in lockbench that makes futex system calls.
 *
 * Every futex user in the project goes through lb_futex_wait() and
 * lb_futex_wake(), so that:
 *  - errors are handled once: EAGAIN (the word already changed) and EINTR
 *    (a signal) return to the caller, which must re-check the word in user
 *    space; spurious wake-ups are expected and harmless; any other errno is
 *    a bug and aborts with file and line;
 *  - private futexes (FUTEX_PRIVATE_FLAG, no mm-wide hash lookup) are the
 *    default, and process-shared ones are one flag away;
 *  - the syscalls are counted per thread (lb_futex_stats), cheaply: only the
 *    slow path that already pays for a system call touches the counters.
 *
 * We do not use liburcu's <urcu/futex.h>: it defines a function named futex()
 * and needs -lurcu-common for its compat path.
 */
#ifndef LB_FUTEX_H
#define LB_FUTEX_H

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "runtime/compiler.h"

/* Per-thread counts of futex system calls made by lock code. */
struct lb_futex_stats {
	uint64_t waits; /* FUTEX_WAIT calls (went to sleep, or tried to) */
	uint64_t wakes; /* FUTEX_WAKE calls */
	uint64_t woken; /* threads those wakes actually woke */
};

extern __thread struct lb_futex_stats lb_futex_stats;

/**
 * lb_futex_wait - sleep while *@uaddr still holds @expected
 * @uaddr: the futex word (32-bit, naturally aligned)
 * @expected: the value that means "keep sleeping"
 * @timeout: relative timeout, or NULL to wait for ever
 *
 * Ordering: the kernel reads *@uaddr under its hash-bucket lock after this
 * thread is queued, so a waker that changes the word and then calls
 * lb_futex_wake() cannot be missed.  It gives no ordering to user memory:
 * callers re-read the word with an acquire load after return.
 *
 * Returns 0 on wake-up (possibly spurious), -EAGAIN if the word did not
 * hold @expected, -EINTR on a signal, -ETIMEDOUT on timeout.
 */
static inline int lb_futex_wait(uint32_t *uaddr, uint32_t expected,
				const struct timespec *timeout)
{
	long ret;

	lb_futex_stats.waits++;
	ret = syscall(SYS_futex, uaddr, FUTEX_WAIT_PRIVATE, expected, timeout,
		      NULL, 0);
	if (ret == 0)
		return 0;
	if (errno == EAGAIN || errno == EINTR || errno == ETIMEDOUT)
		return -errno;
	lb_die("FUTEX_WAIT on %p: errno %d", (void *)uaddr, errno);
}

/**
 * lb_futex_wake - wake up to @nr threads sleeping on @uaddr
 *
 * Ordering: none by itself.  The caller must have made the new value of the
 * word (and everything it publishes) visible first, with a release store or
 * an RMW, before calling.
 *
 * Returns the number of threads woken.
 */
static inline int lb_futex_wake(uint32_t *uaddr, int nr)
{
	long ret;

	lb_futex_stats.wakes++;
	ret = syscall(SYS_futex, uaddr, FUTEX_WAKE_PRIVATE, nr, NULL, NULL, 0);
	if (lb_unlikely(ret < 0))
		lb_die("FUTEX_WAKE on %p: errno %d", (void *)uaddr, errno);
	lb_futex_stats.woken += (uint64_t)ret;
	return (int)ret;
}

#endif /* LB_FUTEX_H */
