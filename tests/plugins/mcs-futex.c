/* SPDX-License-Identifier: MIT */
/*
 * mcs-futex.c - locks/mcs_futex.h again, as a plugin ("plug-mcs-futex")
 * built against the installed header only: an MCS queue whose waiters spin
 * briefly on their own node, then sleep on a futex in it (Mellor-Crummey &
 * Scott 1991; the fair mutex of QEMU's tests/unit/test-aio-multithread.c).
 * Same states, hand-off and memory order as the built-in; see the comments
 * there.  It lacks lockbench's spin and futex counters.
 */
#include <stddef.h>

#include "plugin.h"

#define MCS_SPIN 100

enum { GRANTED = 0, WAITING = 1, SLEEPING = 2 };

struct node {
	struct node *next; /* successor; written once by it (release) */
	uint32_t state; /* futex word */
};

struct mcs {
	struct node *tail; /* last in line; NULL when free */
	unsigned int spin_limit;
};

static int mcs_init(void *lock, const struct lockbench_lock_cfg *cfg)
{
	struct mcs *l = lock;

	l->tail = NULL;
	l->spin_limit = cfg->spin_limit ? cfg->spin_limit : MCS_SPIN;
	return 0;
}

static void mcs_destroy(void *lock)
{
}

static __attribute__((noinline)) void mcs_wait(struct mcs *l, struct node *n)
{
	unsigned int spins;
	uint32_t expect = WAITING;

	for (spins = 0; spins < l->spin_limit; spins++) {
		if (__atomic_load_n(&n->state, __ATOMIC_ACQUIRE) == GRANTED)
			return;
		plug_relax();
	}
	/* Fails only if granted meanwhile: acquire on failure too. */
	if (!__atomic_compare_exchange_n(&n->state, &expect, SLEEPING, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE))
		return;
	while (__atomic_load_n(&n->state, __ATOMIC_ACQUIRE) != GRANTED)
		plug_futex_wait(&n->state, SLEEPING);
}

static void mcs_lock(void *lock, void *node)
{
	struct mcs *l = lock;
	struct node *n = node, *prev;

	__atomic_store_n(&n->next, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&n->state, WAITING, __ATOMIC_RELAXED);
	/* Release publishes the node; acquire takes a free lock. */
	prev = __atomic_exchange_n(&l->tail, n, __ATOMIC_ACQ_REL);
	if (!prev)
		return;
	__atomic_store_n(&prev->next, n, __ATOMIC_RELEASE);
	mcs_wait(l, n);
}

static bool mcs_trylock(void *lock, void *node)
{
	struct mcs *l = lock;
	struct node *n = node, *expect = NULL;

	if (__atomic_load_n(&l->tail, __ATOMIC_RELAXED))
		return false;
	__atomic_store_n(&n->next, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&n->state, WAITING, __ATOMIC_RELAXED);
	return __atomic_compare_exchange_n(&l->tail, &expect, n, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

static void mcs_unlock(void *lock, void *node)
{
	struct mcs *l = lock;
	struct node *n = node, *next, *self = n;

	next = __atomic_load_n(&n->next, __ATOMIC_ACQUIRE);
	if (!next) {
		/* Still the tail: the queue empties (release). */
		if (__atomic_compare_exchange_n(&l->tail, &self, NULL, false,
						__ATOMIC_RELEASE,
						__ATOMIC_RELAXED))
			return;
		while (!(next = __atomic_load_n(&n->next, __ATOMIC_ACQUIRE)))
			plug_relax();
	}
	/* Hand over (release); wake the successor only if it sleeps. */
	if (__atomic_exchange_n(&next->state, GRANTED, __ATOMIC_RELEASE) ==
	    SLEEPING)
		plug_futex_wake(&next->state, 1);
}

static unsigned int mcs_queued(void *lock, void *holder_node)
{
	struct node *n = holder_node;
	unsigned int count = 0;

	while ((n = __atomic_load_n(&n->next, __ATOMIC_ACQUIRE)))
		count++;
	return count;
}

const struct lockbench_lock lockbench_lock_plugin = {
	LOCKBENCH_LOCK_HEADER,
	.name = "plug-mcs-futex",
	.summary = "MCS queue lock, spin then sleep on a futex, as a plugin "
		   "(FIFO)",
	.flags = LOCKBENCH_LOCK_FIFO | LOCKBENCH_LOCK_SLEEPS,
	.lock_size = sizeof(struct mcs),
	.lock_align = 128,
	.node_size = sizeof(struct node),
	.init = mcs_init,
	.destroy = mcs_destroy,
	.lock = mcs_lock,
	.unlock = mcs_unlock,
	.trylock = mcs_trylock,
	.queued = mcs_queued,
};
