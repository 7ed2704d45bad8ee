/* SPDX-License-Identifier: MIT */
/*
 * ticket.c - locks/ticket.h again, as a plugin ("plug-ticket") built
 * against the installed header only: the same algorithm and memory order,
 * so that `lockbench run -m ticket,plug-ticket` measures what the call
 * through the descriptor costs (README.md, "Your own lock").  What it
 * lacks: lockbench's spin counters (its spins_per_op is 0).
 */
#include <string.h>

#include "plugin.h"

#ifndef PLUG_NAME
#define PLUG_NAME "plug-ticket"
#endif

struct ticket {
	uint32_t next; /* next ticket to hand out (fetch_add by lockers) */
	uint32_t owner; /* ticket now being served (written by the holder) */
};

static int ticket_init(void *lock, const struct lockbench_lock_cfg *cfg)
{
	memset(lock, 0, sizeof(struct ticket));
	return 0;
}

static void ticket_destroy(void *lock)
{
}

static __attribute__((noinline)) void ticket_wait(struct ticket *t, uint32_t me)
{
	/* Acquire: pairs with the release store in ticket_unlock(). */
	do
		plug_relax();
	while (__atomic_load_n(&t->owner, __ATOMIC_ACQUIRE) != me);
}

static void ticket_lock(void *lock, void *node)
{
	struct ticket *t = lock;
	uint32_t me = __atomic_fetch_add(&t->next, 1, __ATOMIC_RELAXED);

	/* Acquire: pairs with the release store in ticket_unlock(). */
	if (__builtin_expect(__atomic_load_n(&t->owner, __ATOMIC_ACQUIRE) == me,
			     1))
		return;
	ticket_wait(t, me);
}

static bool ticket_trylock(void *lock, void *node)
{
	struct ticket *t = lock;
	uint32_t owner = __atomic_load_n(&t->owner, __ATOMIC_ACQUIRE);

	return __atomic_compare_exchange_n(&t->next, &owner, owner + 1, false,
					   __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

static void ticket_unlock(void *lock, void *node)
{
	struct ticket *t = lock;

	/* Only the holder writes ->owner. */
	__atomic_store_n(&t->owner,
			 __atomic_load_n(&t->owner, __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELEASE);
}

static unsigned int ticket_queued(void *lock, void *holder_node)
{
	struct ticket *t = lock;

	return __atomic_load_n(&t->next, __ATOMIC_RELAXED) -
	       __atomic_load_n(&t->owner, __ATOMIC_RELAXED) - 1;
}

const struct lockbench_lock lockbench_lock_plugin = {
	LOCKBENCH_LOCK_HEADER,
	.name = PLUG_NAME,
	.summary = "ticket spinlock as a plugin (FIFO, spins)",
	.flags = LOCKBENCH_LOCK_FIFO | LOCKBENCH_LOCK_SPINS,
	.lock_size = sizeof(struct ticket),
	.lock_align = 128,
	.init = ticket_init,
	.destroy = ticket_destroy,
	.lock = ticket_lock,
	.unlock = ticket_unlock,
	.trylock = ticket_trylock,
	.queued = ticket_queued,
};
