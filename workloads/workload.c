/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "harness/hist.h"
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

/*
 * The sampling interval.  Auto: time one acquisition in N so that sampling
 * costs about 1% of the worker's time, N from its pace during the warm-up
 * (fixed for the whole window, so the choice cannot bias the histogram
 * toward slow or fast periods).  Without a warm-up to learn from: 256.
 */
#define SAMPLE_BUDGET 0.01
#define SAMPLE_DEFAULT 256u
#define SAMPLE_MAX (1u << 20)

static uint32_t pick_sample_interval(const struct lb_worker *w, uint64_t ops)
{
	const struct lb_run *run = w->run;
	double pace, n;

	if (!w->hist || run->sample_every == LB_SAMPLE_OFF)
		return 0;
	if (run->sample_every != LB_SAMPLE_AUTO)
		return run->sample_every;
	if (!ops)
		return SAMPLE_DEFAULT;
	pace = (double)(lb_now_ns() - w->t_start) / (double)ops;
	n = run->sample_cost_ns / (SAMPLE_BUDGET * (pace > 0 ? pace : 1));
	return n < 1 ? 1 : n > SAMPLE_MAX ? SAMPLE_MAX : (uint32_t)n + 1;
}

void lb_think_table_fill(uint64_t *table, uint64_t mean)
{
	unsigned int i;

	for (i = 0; i < LB_THINK_TABLE; i++)
		table[i] = (uint64_t)llround(
			-(double)mean *
			log(1.0 - (i + 0.5) / (double)LB_THINK_TABLE));
}

void lb_worker_sample(struct lb_worker *w, uint64_t cycles)
{
	lb_hist_add(w->hist, (uint64_t)((double)cycles * w->run->ns_per_cycle));
}

bool lb_worker_phase(struct lb_worker *w, unsigned int phase, uint64_t ops)
{
	switch (phase) {
	case LB_PHASE_MEASURE:
		snapshot(w, &w->start, ops);
		w->measured = true;
		w->sample_every = pick_sample_interval(w, ops);
		w->measured_every = w->sample_every;
		return false;
	case LB_PHASE_STOP:
		/* Descheduled through the whole window: it measured nothing. */
		if (!w->measured)
			snapshot(w, &w->start, ops);
		w->sample_every = 0;
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
