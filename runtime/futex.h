/* SPDX-License-Identifier: MIT */
/*
 * futex.h - the only place in lockbench that makes futex system calls.
 *
 * Every futex user in the project goes through lb_futex_wait() and
 * lb_futex_wake() (priority-inheritance locks: lb_futex_lock_pi() and
 * lb_futex_unlock_pi()), so that:
 *  - errors are handled once: EAGAIN (the word already changed) and EINTR
 *    (a signal) return to the caller, which must re-check the word in user
 *    space; spurious wake-ups are expected and harmless; any other errno is
 *    a bug and aborts with file and line;
 *  - private futexes (FUTEX_PRIVATE_FLAG, no mm-wide hash lookup) are the
 *    default, and process-shared ones are one flag away;
 *  - the syscalls are counted per thread (lb_futex_stats), cheaply: only the
 *    slow path that already pays for a system call touches the counters;
 *  - so is the spinning that lock slow paths do before they get the lock or
 *    give up and sleep (lb_spin_account()), so that a figure can say how a
 *    lock waited: spun, slept, or spun and then slept.
 *
 * We do not use liburcu's <urcu/futex.h>: it defines a function named futex()
 * and needs -lurcu-common for its compat path.
 */
#ifndef LB_FUTEX_H
#define LB_FUTEX_H

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "runtime/compiler.h"

/*
 * Per-thread counts of how lock code waited: futex system calls, and the
 * spin-wait phases of lock slow paths.
 *
 * A spin phase is what one acquisition does between finding the lock taken
 * and either owning it or going to sleep: every lb_cpu_relax() turn of its
 * waiting loops (several loops in one acquisition make one phase: ttas's
 * test loop and backoffs, qspinlock's pending, queue and head waits).  A
 * phase of zero turns (the lock came free before the first pause) is no
 * phase: uncontended acquisitions never count.  Waits in unlock (for a
 * successor's link) are not phases.  What each lock counts is in its
 * policy block; locks built on glibc (pthread-*) cannot be counted.
 *
 * The three spin figures answer "spun before sleeping": spins is how many
 * acquisitions waited by spinning at all, spin_iters / spins how long they
 * spun, spin_then_slept how many of them spun in vain and slept anyway
 * (spins - spin_then_slept got the lock by spinning).  A lock that sleeps
 * without spinning (futex-mutex) shows waits and no spins.  waits alone
 * cannot say this: a sleeper re-waits after spurious wake-ups, and a
 * spinning lock never waits.
 */
struct lb_futex_stats {
	uint64_t waits; /* FUTEX_WAIT calls (went to sleep, or tried to) */
	uint64_t wakes; /* FUTEX_WAKE calls */
	uint64_t woken; /* threads those wakes actually woke */
	uint64_t spins; /* acquisitions that spun (phases of >= 1 turn) */
	uint64_t spin_iters; /* lb_cpu_relax() turns in those phases */
	uint64_t spin_then_slept; /* phases that gave up and slept/yielded */
};

extern __thread struct lb_futex_stats lb_futex_stats;

/**
 * lb_spin_account - record the spin phase of one acquisition, once, at its end
 * @turns: lb_cpu_relax() turns of the phase, counted in a local variable
 *         (a register) by the waiting loops; 0 if it never paused
 * @slept: the phase gave up and the locker goes to sleep: a futex wait, or
 *         a coroutine that yields to its event loop
 *
 * Call it once per acquisition that took the slow path, when the spinning
 * is over (before the sleep, or once the lock is ours), never per turn and
 * never on the fast path.  Touches only this thread's counters: no atomics,
 * no ordering.  A coroutine never migrates, so its thread's counters are
 * the right ones even across a yield.
 */
static inline void lb_spin_account(uint64_t turns, bool slept)
{
	if (!turns)
		return;
	lb_futex_stats.spins++;
	lb_futex_stats.spin_iters += turns;
	if (slept)
		lb_futex_stats.spin_then_slept++;
}

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

/**
 * lb_futex_lock_pi - take a priority-inheritance futex lock in the kernel
 * @uaddr: the PI futex word: 0 when free, else the owner's TID, possibly
 *         with FUTEX_WAITERS (and FUTEX_OWNER_DIED for robust futexes)
 *
 * The slow path of a PI lock, after the user-space cmpxchg 0 -> TID failed.
 * The kernel sets FUTEX_WAITERS in the word, queues us by priority (FIFO
 * among equal priorities), boosts the owner to our priority if that is
 * higher, and returns once the word holds our TID: either it was 0 and the
 * kernel took it for us, or the owner's FUTEX_UNLOCK_PI handed it to us.
 * No timeout.  Counted as a wait in lb_futex_stats.
 *
 * Ordering: the kernel changes the word only with atomic RMWs under its own
 * locks, so it adds no ordering of user memory in the language model by
 * itself.  The caller re-reads the word with an acquire load after a 0
 * return; that load reads the kernel's RMW, which continues the release
 * sequence of the previous owner's release RMW on the word (see
 * lb_futex_unlock_pi()), so the previous critical section happens-before.
 *
 * Returns 0 when we own the lock, -EAGAIN (the owner is exiting; retry) or
 * -EINTR (retry).  Any other errno is a bug and aborts: EDEADLK (we already
 * own it), ESRCH (the word names no thread: it is corrupt), EINVAL, EPERM.
 */
static inline int lb_futex_lock_pi(uint32_t *uaddr)
{
	long ret;

	lb_futex_stats.waits++;
	ret = syscall(SYS_futex, uaddr, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL,
		      0);
	if (ret == 0)
		return 0;
	if (errno == EAGAIN || errno == EINTR)
		return -errno;
	lb_die("FUTEX_LOCK_PI on %p: errno %d", (void *)uaddr, errno);
}

/**
 * lb_futex_unlock_pi - release a PI futex lock that has waiters
 * @uaddr: the PI futex word, holding our TID | FUTEX_WAITERS
 *
 * The slow path of a PI unlock, after the user-space cmpxchg TID -> 0
 * failed because FUTEX_WAITERS is set.  The kernel writes the top waiter's
 * TID (with FUTEX_WAITERS) into the word and wakes it, so ownership passes
 * directly: nobody can barge in.  If the waiters are gone it writes 0.
 * Counted as a wake in lb_futex_stats; not in ->woken, because the call
 * does not say whether it woke anybody.
 *
 * Ordering: none visible to the language model (see lb_futex_lock_pi()).
 * The caller must first perform a release RMW on the word, even one that
 * changes nothing: the kernel's RMW that writes the new owner continues its
 * release sequence, which the new owner's acquire load then reads.
 *
 * Returns 0, or -EAGAIN / -EINTR (retry; we still own the lock).  Any
 * other errno is a bug and aborts: EPERM (we do not own the lock), EINVAL.
 */
static inline int lb_futex_unlock_pi(uint32_t *uaddr)
{
	long ret;

	lb_futex_stats.wakes++;
	ret = syscall(SYS_futex, uaddr, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL,
		      0);
	if (ret == 0)
		return 0;
	if (errno == EAGAIN || errno == EINTR)
		return -errno;
	lb_die("FUTEX_UNLOCK_PI on %p: errno %d", (void *)uaddr, errno);
}

#endif /* LB_FUTEX_H */
