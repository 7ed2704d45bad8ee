/* SPDX-License-Identifier: MIT */
/*
 * counter.c - the classic coroutine-lock test (QEMU's test-aio-multithread):
 * inside the critical section a plain shared counter is incremented, plus
 * --cs of calibrated busy work; after unlock an atomic counter is
 * incremented, plus --think of busy work.  If mutual exclusion ever fails,
 * two plain increments race and one is lost, so the counters differ at the
 * end.  The atomic increment comes after unlock so that it never lengthens
 * the critical section; it does add one contended atomic per operation,
 * which is part of this workload's definition.
 *
 * One loop is generated per lock with the lock's inline operations, so the
 * measured path has no indirect call.
 */
#include <string.h>

#include "locks/all.h"
#include "runtime/atomics.h"
#include "workloads/delay.h"
#include "workloads/workload.h"

/*
 * A loop named @name: @decls declares what it needs to reach the lock
 * (nothing for an inline method), @lock_op and @unlock_op are called as
 * fn(lock, node).
 */
#define COUNTER_LOOP_FN(name, decls, lock_op, unlock_op)                    \
	static void name(struct lb_worker *w)                               \
	{                                                                   \
		struct lb_run *run = w->run;                                \
		void *lock = run->lock, *node = w->node;                    \
		const uint64_t cs = run->cs_iters;                          \
		const unsigned int nlines = run->cs_lines;                  \
		const uint64_t spin = run->test_spin;                       \
		uint64_t *lines = run->lines;                               \
		unsigned int seen = LB_PHASE_WARMUP;                        \
		uint32_t countdown = 0;                                     \
		uint64_t ops = 0, rng = w->index * 2654435761u + 1;         \
		decls                                                       \
                                                                            \
			while (!lb_loop_stop(w, &seen, ops, &countdown))    \
		{                                                           \
			LB_TIMED_HANDOFF(w, countdown, lock_op(lock, node), \
					 &run->ho, &run->counter);          \
			run->counter++;                                     \
			lb_touch_lines(lines, nlines);                      \
			lb_delay(cs);                                       \
			lb_spin(spin);                                      \
			lb_handoff_release(&run->ho, &run->counter);        \
			unlock_op(lock, node);                              \
			lb_fetch_add_relaxed(&run->acounter, 1);            \
			lb_delay(lb_think_ticks(run, &rng));                \
			ops++;                                              \
		}                                                           \
	}
#define COUNTER_LOOP(id) \
	COUNTER_LOOP_FN(counter_loop_##id, , id##_lock, id##_unlock)
LB_FOR_EACH_LOCK(COUNTER_LOOP)
/* Plugins (--lock-lib): the same loop through the descriptor. */
COUNTER_LOOP_FN(counter_loop_plugin, LB_PLUGIN_OPS(run), lb_plug_lock,
		lb_plug_unlock)

#define COUNTER_LOOP_PTR(id) counter_loop_##id,
static void (*const counter_loops[])(struct lb_worker *w) = {
	LB_FOR_EACH_LOCK(COUNTER_LOOP_PTR)
};

/*
 * The general loop: objects guarded by striped locks (--locks N, bql) and
 * nested acquisition (--depth D, recursive methods only: the others never
 * get here, the command line refuses).  Each operation picks an object
 * (struct lb_object, run->pick_table or uniform), takes the lock that
 * guards it (object % nlocks) D times, increments the object's counter,
 * writes its --cs-lines lines, does --cs work, and releases D times.  The
 * lock's record (struct lb_lock_rec, the line after the lock) counts its
 * sections for the hand-off check, so a global lock over many objects
 * times its hand-offs correctly.  Reference: the counters of all objects
 * add up to the atomic counter, as in the single-lock loop.
 */
#define COUNTER_GEN_LOOP_FN(name, decls, lock_op, unlock_op)                   \
	static void name(struct lb_worker *w)                                  \
	{                                                                      \
		struct lb_run *run = w->run;                                   \
		void *node = w->node;                                          \
		char *const locks = run->locks, *const objects = run->objects; \
		const size_t lstride = run->lock_stride;                       \
		const size_t ostride = run->object_stride;                     \
		const size_t lsize = run->ops->lock_size;                      \
		const unsigned int nlocks = run->nlocks, depth = run->depth;   \
		const unsigned int nobjects = run->nobjects;                   \
		const uint64_t cs = run->cs_iters;                             \
		const unsigned int nlines = run->cs_lines;                     \
		const uint64_t spin = run->test_spin;                          \
		unsigned int seen = LB_PHASE_WARMUP, d;                        \
		uint32_t countdown = 0;                                        \
		uint64_t ops = 0, rng = w->index * 2654435761u + 1;            \
		decls                                                          \
                                                                               \
			while (!lb_loop_stop(w, &seen, ops, &countdown))       \
		{                                                              \
			unsigned int o = lb_pick(run, &rng);                   \
			struct lb_object *obj =                                \
				(struct lb_object *)(objects + o * ostride);   \
			void *lock = locks + lb_lock_of(nlocks, nobjects, o) * \
						     lstride;                  \
			struct lb_lock_rec *rec = lb_lock_rec(lock, lsize);    \
                                                                               \
			LB_TIMED_HANDOFF(w, countdown, lock_op(lock, node),    \
					 &rec->ho, &rec->seq);                 \
			for (d = 1; d < depth; d++)                            \
				lock_op(lock, node);                           \
			rec->seq++;                                            \
			obj->counter++;                                        \
			lb_touch_lines(                                        \
				(uint64_t *)((char *)obj + LB_CACHELINE),      \
				nlines);                                       \
			lb_delay(cs);                                          \
			lb_spin(spin);                                         \
			lb_handoff_release(&rec->ho, &rec->seq);               \
			for (d = 1; d < depth; d++)                            \
				unlock_op(lock, node);                         \
			unlock_op(lock, node);                                 \
			lb_fetch_add_relaxed(&run->acounter, 1);               \
			lb_delay(lb_think_ticks(run, &rng));                   \
			ops++;                                                 \
		}                                                              \
	}
#define COUNTER_GEN_LOOP(id) \
	COUNTER_GEN_LOOP_FN(counter_gen_loop_##id, , id##_lock, id##_unlock)
LB_FOR_EACH_LOCK(COUNTER_GEN_LOOP)
COUNTER_GEN_LOOP_FN(counter_gen_loop_plugin, LB_PLUGIN_OPS(run), lb_plug_lock,
		    lb_plug_unlock)

#define COUNTER_GEN_LOOP_PTR(id) counter_gen_loop_##id,
static void (*const counter_gen_loops[])(struct lb_worker *w) = {
	LB_FOR_EACH_LOCK(COUNTER_GEN_LOOP_PTR)
};

/* Delegating methods run whole sections elsewhere: no general loop. */
static void (*counter_gen_loop_for(unsigned int lock_index))(struct lb_worker *w)
{
	if (lock_index < lb_nlocks && lb_locks[lock_index]->flags & LB_PLUGIN)
		return counter_gen_loop_plugin;
	if (lock_index >= LB_ARRAY_SIZE(counter_gen_loops) ||
	    lb_locks[lock_index]->flags & LB_DELEGATES)
		return NULL;
	return counter_gen_loops[lock_index];
}

/*
 * Delegating methods (LB_DELEGATES): the whole critical section, the plain
 * increment and the --cs work, is the function handed to execute().  The
 * call of cs through a pointer is the delegation itself, on the server's
 * side; the submitter's loop still calls <id>_execute inline.
 */
static void counter_cs(void *arg)
{
	struct lb_run *run = arg;

	run->counter++;
	lb_delay(run->cs_iters);
}

#define COUNTER_EXEC_LOOP(id)                                                \
	static void counter_exec_loop_##id(struct lb_worker *w)              \
	{                                                                    \
		struct lb_run *run = w->run;                                 \
		void *lock = run->lock, *node = w->node;                     \
		const uint64_t think = run->think_iters;                     \
		unsigned int seen = LB_PHASE_WARMUP;                         \
		uint32_t countdown = 0;                                      \
		uint64_t ops = 0;                                            \
                                                                             \
		while (!lb_loop_stop(w, &seen, ops, &countdown)) {           \
			LB_TIMED(w, countdown,                               \
				 id##_execute(lock, node, counter_cs, run)); \
			lb_fetch_add_relaxed(&run->acounter, 1);             \
			lb_delay(think);                                     \
			ops++;                                               \
		}                                                            \
	}
LB_FOR_EACH_DELEGATE(COUNTER_EXEC_LOOP)

/* Matched to the registry by name (each unit has its own inline copies). */
#define COUNTER_EXEC_DESC(id) \
	static const struct lb_lock_ops counter_desc_##id = { id##_DESC };
LB_FOR_EACH_DELEGATE(COUNTER_EXEC_DESC)

#define COUNTER_EXEC_ENTRY(id) { &counter_desc_##id, counter_exec_loop_##id },
static const struct {
	const struct lb_lock_ops *desc;
	void (*loop)(struct lb_worker *w);
} counter_exec_loops[] = { LB_FOR_EACH_DELEGATE(COUNTER_EXEC_ENTRY) };

static void (*counter_loop_for(unsigned int lock_index))(struct lb_worker *w)
{
	unsigned int i;

	if (lock_index < lb_nlocks && lb_locks[lock_index]->flags & LB_PLUGIN)
		return counter_loop_plugin;
	if (lock_index >= LB_ARRAY_SIZE(counter_loops))
		return NULL;
	if (!(lb_locks[lock_index]->flags & LB_DELEGATES))
		return counter_loops[lock_index];
	for (i = 0; i < LB_ARRAY_SIZE(counter_exec_loops); i++)
		if (!strcmp(counter_exec_loops[i].desc->name,
			    lb_locks[lock_index]->name))
			return counter_exec_loops[i].loop;
	return NULL;
}

const struct lb_workload lb_workload_counter = {
	.name = "counter",
	.summary = "plain counter in the critical section, atomic counter "
		   "after unlock; both must agree",
	.loop_for = counter_loop_for,
	.general_loop_for = counter_gen_loop_for,
	.uses_locks = true,
	.uses_depth = true,
	.times_handoff = true,
};

/*
 * bql: "break the big lock down".  --objects N objects, each operation
 * works on one (picked by --pick) under the lock that guards it: one big
 * lock (--locks 1) or a lock per object (--locks N), or any striping in
 * between; the same work either way, so the chart answers what splitting
 * the lock buys at each thread count.
 */
static void (*bql_loop_for(unsigned int lock_index))(struct lb_worker *w)
{
	return counter_gen_loop_for(lock_index);
}

const struct lb_workload lb_workload_bql = {
	.name = "bql",
	.summary = "one big lock versus per-object locks (--objects, "
		   "--locks) for the same work on the objects",
	.needs = "a lock of its own (not a delegating method)",
	.loop_for = bql_loop_for,
	.general_loop_for = counter_gen_loop_for,
	.uses_locks = true,
	.uses_objects = true,
	.uses_depth = true,
	.times_handoff = true,
};
