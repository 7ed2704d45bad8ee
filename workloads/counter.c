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

#define COUNTER_LOOP(id)                                               \
	static void counter_loop_##id(struct lb_worker *w)             \
	{                                                              \
		struct lb_run *run = w->run;                           \
		void *lock = run->lock, *node = w->node;               \
		const uint64_t cs = run->cs_iters;                     \
		const unsigned int nlines = run->cs_lines;             \
		const uint64_t spin = run->test_spin;                  \
		uint64_t *lines = run->lines;                          \
		unsigned int seen = LB_PHASE_WARMUP;                   \
		uint32_t countdown = 0;                                \
		uint64_t ops = 0, rng = w->index * 2654435761u + 1;    \
                                                                       \
		while (!lb_loop_stop(w, &seen, ops, &countdown)) {     \
			LB_TIMED(w, countdown, id##_lock(lock, node)); \
			run->counter++;                                \
			lb_touch_lines(lines, nlines);                 \
			lb_delay(cs);                                  \
			lb_spin(spin);                                 \
			id##_unlock(lock, node);                       \
			lb_fetch_add_relaxed(&run->acounter, 1);       \
			lb_delay(lb_think_ticks(run, &rng));           \
			ops++;                                         \
		}                                                      \
	}
LB_FOR_EACH_LOCK(COUNTER_LOOP)

#define COUNTER_LOOP_PTR(id) counter_loop_##id,
static void (*const counter_loops[])(struct lb_worker *w) = {
	LB_FOR_EACH_LOCK(COUNTER_LOOP_PTR)
};

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
};
