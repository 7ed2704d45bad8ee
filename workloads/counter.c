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
#include "locks/all.h"
#include "runtime/atomics.h"
#include "workloads/delay.h"
#include "workloads/workload.h"

#define COUNTER_LOOP(id)                                            \
	static void counter_loop_##id(struct lb_worker *w)          \
	{                                                           \
		struct lb_run *run = w->run;                        \
		void *lock = run->lock, *node = w->node;            \
		const uint64_t cs = run->cs_iters;                  \
		const uint64_t think = run->think_iters;            \
		unsigned int seen = LB_PHASE_WARMUP, phase;         \
		uint64_t ops = 0;                                   \
                                                                    \
		for (;;) {                                          \
			phase = lb_load_relaxed(&run->phase);       \
			if (lb_unlikely(phase != seen)) {           \
				if (lb_worker_phase(w, phase, ops)) \
					break;                      \
				seen = phase;                       \
			}                                           \
			id##_lock(lock, node);                      \
			run->counter++;                             \
			lb_delay(cs);                               \
			id##_unlock(lock, node);                    \
			lb_fetch_add_relaxed(&run->acounter, 1);    \
			lb_delay(think);                            \
			ops++;                                      \
		}                                                   \
	}
LB_FOR_EACH_LOCK(COUNTER_LOOP)

#define COUNTER_LOOP_PTR(id) counter_loop_##id,
static void (*const counter_loops[])(struct lb_worker *w) = {
	LB_FOR_EACH_LOCK(COUNTER_LOOP_PTR)
};

static void (*counter_loop_for(unsigned int lock_index))(struct lb_worker *w)
{
	return lock_index < LB_ARRAY_SIZE(counter_loops) ?
		       counter_loops[lock_index] :
		       NULL;
}

const struct lb_workload lb_workload_counter = {
	.name = "counter",
	.summary = "plain counter in the critical section, atomic counter "
		   "after unlock; both must agree",
	.loop_for = counter_loop_for,
};
