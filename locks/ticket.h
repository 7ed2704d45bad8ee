/* SPDX-License-Identifier: MIT */
/*
 * ticket.h - the ticket spinlock, Linux's fair spinlock from 2.6.25 until
 * queued spinlocks replaced it in 4.2.
 *
 * Policy
 *   fairness:  strict FIFO by ticket number.
 *   sleeps:    never: waiters spin with a pause on the shared ->owner word,
 *              so every hand-off invalidates that line in every waiter's
 *              cache (the scalability problem that MCS queues fix).  With
 *              more threads than CPUs a hand-off to a preempted waiter
 *              stalls everybody behind it until the scheduler runs it.
 *   counted:   lb_futex_stats spins and spin_iters: a locker whose ticket
 *              is not served at once spins (one phase, its pause turns).
 *              Never sleeps: no waits, wakes or spin_then_slept.
 *   ordering:  lock is the acquire load that sees our ticket at ->owner;
 *              unlock is a release store of ->owner + 1.
 *   source:    Mellor-Crummey & Scott 1991 (ticket lock); Linux
 *              arch/x86/include/asm/spinlock.h (2.6.25-4.1).
 *
 * Both counters wrap; only their difference matters.  ->owner is written
 * only by the holder, so unlock needs no read-modify-write.
 */
#ifndef LB_LOCKS_TICKET_H
#define LB_LOCKS_TICKET_H

#include <stdint.h>

#include "locks/lock.h"
#include "runtime/atomics.h"
#include "runtime/futex.h"

struct ticket {
	uint32_t next; /* next ticket to hand out (fetch_add by lockers) */
	uint32_t owner; /* ticket now being served (written by the holder) */
} lb_cacheline_aligned;

static inline int ticket_init(void *lock, const struct lb_lock_cfg *cfg)
{
	struct ticket *t = lock;

	t->next = 0;
	t->owner = 0;
	return 0;
}

static inline void ticket_destroy(void *lock)
{
	struct ticket *t = lock;

	lb_bug_on(lb_load_relaxed(&t->next) != lb_load_relaxed(&t->owner));
}

/* Contended path, out of line so the fast path stays small. */
static lb_noinline lb_unused void ticket_lock_slow(struct ticket *t,
						   uint32_t me)
{
	uint64_t turns = 0;

	/* Pairs with the release store in ticket_unlock(). */
	do {
		lb_cpu_relax();
		turns++;
	} while (lb_load_acquire(&t->owner) != me);
	lb_spin_account(turns, false);
}

static inline void ticket_lock(void *lock, void *node)
{
	struct ticket *t = lock;
	uint32_t me = lb_fetch_add_relaxed(&t->next, 1);

	/* Pairs with the release store in ticket_unlock(). */
	if (lb_likely(lb_load_acquire(&t->owner) == me))
		return;
	ticket_lock_slow(t, me);
}

static inline bool ticket_trylock(void *lock, void *node)
{
	struct ticket *t = lock;
	/* Acquire: if the lock is free, see the last holder's section. */
	uint32_t owner = lb_load_acquire(&t->owner);

	/* Free means next == owner: take ticket `owner` if still so. */
	return lb_cmpxchg_relaxed(&t->next, owner, owner + 1);
}

static inline void ticket_unlock(void *lock, void *node)
{
	struct ticket *t = lock;

	/* Only the holder writes ->owner: a plain read of it is exact. */
	lb_store_release(&t->owner, lb_load_relaxed(&t->owner) + 1);
}

static inline unsigned int ticket_queued(void *lock, void *holder_node)
{
	struct ticket *t = lock;

	return lb_load_relaxed(&t->next) - lb_load_relaxed(&t->owner) - 1;
}

#define ticket_DESC                                                      \
	.name = "ticket", .summary = "ticket spinlock (FIFO, spins)",    \
	.source = "Mellor-Crummey & Scott 1991; Linux 2.6.25-4.1",       \
	.flags = LB_FAIR | LB_SPINS, .lock_size = sizeof(struct ticket), \
	.node_size = 0, .trylock = ticket_trylock, .queued = ticket_queued

#endif /* LB_LOCKS_TICKET_H */
