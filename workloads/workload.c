/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "runtime/atomics.h"
#include "workloads/workload.h"

static void snapshot(const struct lb_worker *w, struct lb_worker_snap *s,
		     uint64_t ops)
{
	s->ops = ops;
	if (!w->leader)
		return;
	getrusage(RUSAGE_THREAD, &s->ru);
	s->futex = lb_futex_stats;
}

bool lb_worker_phase(struct lb_worker *w, unsigned int phase, uint64_t ops)
{
	switch (phase) {
	case LB_PHASE_MEASURE:
		snapshot(w, &w->start, ops);
		w->measured = true;
		return false;
	case LB_PHASE_STOP:
		/* Descheduled through the whole window: it measured nothing. */
		if (!w->measured)
			snapshot(w, &w->start, ops);
		snapshot(w, &w->end, ops);
		w->ops_total = ops;
		return true;
	default:
		lb_die("unknown phase %u", phase);
	}
}

const struct lb_workload *const lb_workloads[] = {
	&lb_workload_counter,
	&lb_workload_rwmix,
	&lb_workload_acquire,
	&lb_workload_offload,
};
const unsigned int lb_nworkloads = LB_ARRAY_SIZE(lb_workloads);

const struct lb_workload *lb_workload_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < lb_nworkloads; i++)
		if (!strcmp(lb_workloads[i]->name, name))
			return lb_workloads[i];
	return NULL;
}
