/* SPDX-License-Identifier: MIT */
/*
 * futex_pi.h - a priority-inheritance mutex on a PI futex: the word holds
 * the owner's TID, the kernel queues the waiters and boosts the owner.
 *
 * Policy
 *   fairness:  not claimed (no LB_FAIR, no queued() probe).  With waiters,
 *              FUTEX_UNLOCK_PI writes the top waiter's TID into the word, so
 *              user space cannot barge.  The kernel orders its waiters by
 *              priority, FIFO among equal ones (non-real-time threads all
 *              rank as DEFAULT_PRIO since Linux 5.15), so for SCHED_OTHER
 *              threads the lock is mostly FIFO.  Not strictly: the rt_mutex
 *              behind the word lets a non-real-time waiter take it from a
 *              woken equal-priority top waiter that has not run yet
 *              ("lateral steal", rt_mutex_steal() in
 *              kernel/locking/rtmutex.c), the order depends on priorities
 *              and kernel version, and the queue lives in the kernel where
 *              user space cannot count it (FUTEX_WAITERS is one bit): no
 *              truthful queued() probe can be written.
 *   sleeps:    yes, at once (no spinning): FUTEX_LOCK_PI as soon as the
 *              user-space cmpxchg fails.  The hand-off wakes the new owner,
 *              which must then be scheduled before anyone can use the lock:
 *              expect a convoy under contention, like any hand-off lock.
 *   counted:   lb_futex_stats waits (each FUTEX_LOCK_PI) and wakes (each
 *              FUTEX_UNLOCK_PI).  It never spins in user space (the
 *              kernel's rt_mutex may spin on a running owner, unseen):
 *              spins, spin_iters and spin_then_slept stay 0.
 *   ordering:  uncontended: lock is the acquire cmpxchg 0 -> TID, unlock the
 *              release cmpxchg TID -> 0, and they pair.  Contended: the
 *              unlocker first issues a release RMW on the word that changes
 *              nothing (fetch_or 0), then FUTEX_UNLOCK_PI; the kernel's
 *              cmpxchg that writes the new owner's TID is an RMW and so
 *              continues that release sequence; the new owner, back from
 *              FUTEX_LOCK_PI, does an acquire load of the word (and checks
 *              that it holds its TID), which reads the kernel's value and
 *              so synchronises with the unlocker's release.  The same holds
 *              when the kernel takes a free word for a waiter: its RMW
 *              continues the release sequence of the unlock cmpxchg.  The
 *              kernel's own barriers make this true on the hardware; the
 *              explicit RMW makes it true in the C11 model, and visible to
 *              ThreadSanitizer, which does not see the syscall.
 *   source:    Linux Documentation/locking/pi-futex.rst and futex(2)
 *              (FUTEX_LOCK_PI, FUTEX_UNLOCK_PI); kernel/futex/pi.c; glibc
 *              nptl/pthread_mutex_lock.c (PTHREAD_PRIO_INHERIT) does the
 *              same protocol.
 *
 * The futex word (struct futex_pi.word), valid transitions:
 *
 *   0             -> TID             uncontended lock (user cmpxchg)
 *   TID           -> TID|WAITERS     a waiter entered FUTEX_LOCK_PI (kernel)
 *   0             -> TID2            FUTEX_LOCK_PI found it free (kernel)
 *   TID           -> 0               uncontended unlock (user cmpxchg)
 *   TID|WAITERS   -> TID2|WAITERS    FUTEX_UNLOCK_PI hands it to TID2
 *                                    (kernel; WAITERS stays while the
 *                                    kernel keeps PI state)
 *   TID|WAITERS   -> 0               FUTEX_UNLOCK_PI, the waiters are gone
 *
 * FUTEX_OWNER_DIED (robust futexes) never appears: we do not register the
 * word on the robust list.  A thread's TID is cached per thread on first
 * use (gettid is a real system call).
 */
#ifndef LB_LOCKS_FUTEX_PI_H
#define LB_LOCKS_FUTEX_PI_H

#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "locks/lock.h"
#include "runtime/atomics.h"
#include "runtime/futex.h"

struct futex_pi {
	uint32_t word; /* 0 or owner TID [| FUTEX_WAITERS]; see above */
} lb_cacheline_aligned;

/* This thread's kernel TID, as the PI futex protocol wants it. */
static inline uint32_t futex_pi_tid(void)
{
	static __thread uint32_t tid;

	if (lb_unlikely(!tid))
		tid = (uint32_t)syscall(SYS_gettid);
	return tid;
}

static inline int futex_pi_init(void *lock, const struct lb_lock_cfg *cfg)
{
	struct futex_pi *l = lock;

	l->word = 0;
	return 0;
}

static inline void futex_pi_destroy(void *lock)
{
	struct futex_pi *l = lock;

	lb_bug_on(lb_load_relaxed(&l->word) != 0);
}

static lb_noinline lb_unused void futex_pi_lock_slow(struct futex_pi *l,
						     uint32_t tid)
{
	uint32_t word;

	/* EAGAIN/EINTR: the word may be free by now; try user space first. */
	while (lb_futex_lock_pi(&l->word))
		if (lb_cmpxchg_acquire(&l->word, 0, tid))
			return;
	/*
	 * The kernel made us the owner.  Acquire: reads the kernel's RMW,
	 * which continues the release sequence of the previous owner's
	 * release RMW in futex_pi_unlock().
	 */
	word = lb_load_acquire(&l->word);
	lb_bug_on((word & FUTEX_TID_MASK) != tid);
}

static inline void futex_pi_lock(void *lock, void *node)
{
	struct futex_pi *l = lock;
	uint32_t tid = futex_pi_tid();

	/* Pairs with the release cmpxchg in futex_pi_unlock(). */
	if (lb_likely(lb_cmpxchg_acquire(&l->word, 0, tid)))
		return;
	futex_pi_lock_slow(l, tid);
}

static inline bool futex_pi_trylock(void *lock, void *node)
{
	struct futex_pi *l = lock;

	/*
	 * With waiters the word is never 0 (ownership is handed over in the
	 * kernel), so user space alone decides: no FUTEX_TRYLOCK_PI needed.
	 */
	return lb_cmpxchg_acquire(&l->word, 0, futex_pi_tid());
}

static inline void futex_pi_unlock(void *lock, void *node)
{
	struct futex_pi *l = lock;
	uint32_t tid = futex_pi_tid();

	/* Release: publishes our section to the next acquire cmpxchg. */
	if (lb_likely(lb_cmpxchg_release(&l->word, tid, 0)))
		return;
	/* Only FUTEX_WAITERS can differ: nobody else writes an owned word. */
	lb_bug_on((lb_load_relaxed(&l->word) & FUTEX_TID_MASK) != tid);
	/*
	 * A release RMW that changes nothing: heads the release sequence that
	 * the kernel's hand-off RMW continues (see the policy block).
	 */
	__atomic_fetch_or(&l->word, 0, __ATOMIC_RELEASE);
	while (lb_futex_unlock_pi(&l->word))
		; /* EAGAIN/EINTR: we still own it, retry */
}

#define futex_pi_DESC                                                       \
	.name = "futex-pi",                                                 \
	.summary = "priority-inheritance futex lock, word holds the owner " \
		   "TID (FUTEX_LOCK_PI/UNLOCK_PI)",                         \
	.source = "Linux pi-futex.rst, futex(2)", .flags = LB_SLEEPS,       \
	.lock_size = sizeof(struct futex_pi), .node_size = 0,               \
	.trylock = futex_pi_trylock

#endif /* LB_LOCKS_FUTEX_PI_H */
