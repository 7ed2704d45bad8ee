/* SPDX-License-Identifier: MIT */
/*
 * rwmix.c - readers and writers on one reader/writer lock.
 *
 * Each operation is a read with probability --read-pct percent, else a
 * write, decided by a per-worker xorshift generator (no shared state, a
 * few cycles).
 *   write: lock; counter++; --cs of busy work; copy++; unlock; then an
 *          atomic write count incremented after unlock (as in counter).
 *   read:  rdlock; read counter; --cs of busy work; read copy; rdunlock.
 * Then --think of busy work.  The busy work sits between the two accesses
 * on both sides so that a reader overlapping a writer (a broken rwlock)
 * has the whole critical section as a window to see counter != copy.
 *
 * Checks at the end: the write count equals counter (writers excluded each
 * other: no lost update) and no reader ever saw counter != copy (readers
 * excluded writers: no torn read).  Either failure fails the run.
 *
 * A loop exists only for methods with inline reader operations, i.e. those
 * in LB_FOR_EACH_RW_LOCK; loop_for() returns NULL for the others.
 */
#include <string.h>

#include "locks/all.h"
#include "runtime/atomics.h"
#include "workloads/delay.h"
#include "workloads/workload.h"

/* splitmix64: spreads small worker indexes into good, non-zero seeds. */
static uint64_t rwmix_seed(unsigned int index)
{
	uint64_t z =
		(uint64_t)index * 0x9e3779b97f4a7c15ull + 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return z ? z : 1;
}

/* xorshift64*: true with probability read_pct / 100. */
static inline bool rwmix_is_read(uint64_t *state, unsigned int read_pct)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	/* The top 32 bits scaled into [0, 100). */
	return (((x * 0x2545f4914f6cdd1dull) >> 32) * 100 >> 32) < read_pct;
}

/* A loop named @name; @decls and the ops as in counter.c's loops. */
#define RWMIX_LOOP_FN(name, decls, lock_op, unlock_op, rdlock_op, rdunlock_op) \
	static void name(struct lb_worker *w)                                  \
	{                                                                      \
		struct lb_run *run = w->run;                                   \
		void *lock = run->lock, *node = w->node;                       \
		const uint64_t cs = run->cs_iters;                             \
		const uint64_t think = run->think_iters;                       \
		const unsigned int read_pct = run->read_pct;                   \
		uint64_t rng = rwmix_seed(w->index);                           \
		unsigned int seen = LB_PHASE_WARMUP;                           \
		uint32_t countdown = 0;                                        \
		uint64_t ops = 0, torn = 0, seen_counter;                      \
		decls                                                          \
                                                                               \
			while (!lb_loop_stop(w, &seen, ops, &countdown))       \
		{                                                              \
			if (rwmix_is_read(&rng, read_pct)) {                   \
				LB_TIMED(w, countdown, rdlock_op(lock, node)); \
				seen_counter = run->counter;                   \
				lb_delay(cs);                                  \
				torn += seen_counter != run->copy;             \
				rdunlock_op(lock, node);                       \
			} else {                                               \
				LB_TIMED(w, countdown, lock_op(lock, node));   \
				run->counter++;                                \
				lb_delay(cs);                                  \
				run->copy++;                                   \
				unlock_op(lock, node);                         \
				lb_fetch_add_relaxed(&run->acounter, 1);       \
			}                                                      \
			lb_delay(think);                                       \
			ops++;                                                 \
		}                                                              \
		if (torn)                                                      \
			lb_fetch_add_relaxed(&run->torn_reads, torn);          \
	}
#define RWMIX_LOOP(id)                                                        \
	RWMIX_LOOP_FN(rwmix_loop_##id, , id##_lock, id##_unlock, id##_rdlock, \
		      id##_rdunlock)                                          \
	static const struct lb_lock_ops rwmix_desc_##id = { id##_DESC };
LB_FOR_EACH_RW_LOCK(RWMIX_LOOP)
/* Plugins (--lock-lib) with a reader side: through the descriptor. */
RWMIX_LOOP_FN(rwmix_loop_plugin, LB_PLUGIN_OPS(run), lb_plug_lock,
	      lb_plug_unlock, lb_plug_rdlock, lb_plug_rdunlock)

/* The registry's entries are matched by name (cold path). */
static const struct {
	const struct lb_lock_ops *desc;
	void (*loop)(struct lb_worker *w);
} rwmix_loops[] = {
#define RWMIX_ENTRY(id) { &rwmix_desc_##id, rwmix_loop_##id },
	LB_FOR_EACH_RW_LOCK(RWMIX_ENTRY)
#undef RWMIX_ENTRY
};

static void (*rwmix_loop_for(unsigned int lock_index))(struct lb_worker *w)
{
	unsigned int i;

	if (lock_index >= lb_nlocks || !(lb_locks[lock_index]->flags & LB_RW))
		return NULL;
	if (lb_locks[lock_index]->flags & LB_PLUGIN)
		return rwmix_loop_plugin;
	for (i = 0; i < LB_ARRAY_SIZE(rwmix_loops); i++)
		if (!strcmp(rwmix_loops[i].desc->name,
			    lb_locks[lock_index]->name))
			return rwmix_loops[i].loop;
	return NULL;
}

const struct lb_workload lb_workload_rwmix = {
	.name = "rwmix",
	.summary = "readers (--read-pct) check two counters that writers "
		   "increment together; no torn read, no lost update",
	.loop_for = rwmix_loop_for,
	.needs = "reader/writer mode",
	.uses_read_pct = true,
};
