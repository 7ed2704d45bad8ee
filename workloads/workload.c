/* SPDX-License-Identifier: MIT */
#include <math.h>

#include "runtime/hist.h"
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
	s->migrations = lb_thread_migrations();
}

/*
 * The sampling interval.  --sample-every N: one acquisition in N, all
 * through the window.  Auto: bursts of SAMPLE_BURST samples after every
 * tick, spaced so that a burst spans about SAMPLE_SPAN of the tick at the
 * worker's warm-up pace (fixed for the whole window, so the choice cannot
 * bias the histogram toward slow or fast periods).  The cost is bounded
 * per unit of time whatever the pace: SAMPLE_BURST samples and SAMPLE_SPAN
 * of the operations paying the countdown's decrement, per tick.  Measured
 * on a 2.0 ns/op empty loop, continuous countdown sampling cost +25% (the
 * decrement and branch, not the samples); bursts bring it under 1%.
 * Without a warm-up to learn from: SAMPLE_DEFAULT.
 */
#define SAMPLE_BURST 32u
#define SAMPLE_SPAN 0.02
#define SAMPLE_DEFAULT 64u
#define SAMPLE_MAX (1u << 24)

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
	n = (double)run->tick_ns * SAMPLE_SPAN /
	    ((pace > 0 ? pace : 1) * SAMPLE_BURST);
	return n < 1 ? 1 : n > SAMPLE_MAX ? SAMPLE_MAX : (uint32_t)n;
}

/*
 * Start a burst of samples (auto mode), at the window's start and ticks.
 * A burst still unfinished at the next tick means the worker runs much
 * slower than in its warm-up (it ran alone then, say, and waits now): the
 * interval is halved, so that a worker slowed down a thousandfold still
 * gets its samples within ten ticks rather than none at all.
 */
static void arm_burst(struct lb_worker *w)
{
	if (w->run->sample_every != LB_SAMPLE_AUTO || !w->sample_every)
		return;
	if (w->burst_left && w->sample_every > 1) {
		w->sample_every /= 2;
		w->measured_every = w->sample_every;
	}
	w->burst_left = SAMPLE_BURST;
}

void lb_think_table_fill(uint64_t *table, uint64_t mean)
{
	unsigned int i;

	for (i = 0; i < LB_THINK_TABLE; i++)
		table[i] = (uint64_t)llround(
			-(double)mean *
			log(1.0 - (i + 0.5) / (double)LB_THINK_TABLE));
}

uint32_t lb_worker_sample(struct lb_worker *w, uint64_t cycles)
{
	lb_hist_add(w->hist, (uint64_t)((double)cycles * w->run->ns_per_cycle));
	if (w->run->sample_every != LB_SAMPLE_AUTO)
		return w->sample_every;
	if (w->burst_left && --w->burst_left)
		return w->sample_every;
	return 0;
}

void lb_worker_handoff(struct lb_worker *w, struct lb_handoff *ho,
		       const uint64_t *counter, uint64_t t0, uint64_t t1)
{
	uint64_t rel = ho->release_ts;

	/* Under the lock: see struct lb_handoff. */
	if (!w->handoff || ho->release_seq != *counter || rel <= t0 || rel > t1)
		return;
	lb_hist_add(w->handoff,
		    (uint64_t)((double)(t1 - rel) * w->run->ns_per_cycle));
}

void lb_pick_table_fill(uint32_t *table, unsigned int n, double s)
{
	double total = 0, cum = 0;
	unsigned int i, k = 0;

	for (i = 0; i < n; i++)
		total += pow(i + 1.0, -s);
	/* Entry i is the object whose CDF first reaches (i + 0.5) / size. */
	for (i = 0; i < LB_PICK_TABLE; i++) {
		double q = (i + 0.5) / LB_PICK_TABLE * total;

		while (k < n - 1 && cum + pow(k + 1.0, -s) < q)
			cum += pow(++k, -s);
		table[i] = k;
	}
}

/* Close the windows up to @upto (exclusive) with the count @ops. */
static void close_windows(struct lb_worker *w, unsigned int upto, uint64_t ops)
{
	unsigned int n = w->run->nwindows;

	if (!w->timeline)
		return;
	if (upto > n - 1)
		upto = n - 1;
	for (; w->last_tick < upto; w->last_tick++)
		lb_store_relaxed(&w->timeline[w->last_tick], ops);
}

bool lb_worker_phase(struct lb_worker *w, unsigned int word, uint64_t ops)
{
	switch (lb_phase_of(word)) {
	case LB_PHASE_MEASURE:
		if (w->measured) {
			/* A tick: window(s) ended, a new burst of samples. */
			lb_store_relaxed(&w->progress, ops - w->start.ops);
			close_windows(w, lb_tick_of(word), ops);
			arm_burst(w);
			return false;
		}
		snapshot(w, &w->start, ops);
		w->measured = true;
		w->sample_every = pick_sample_interval(w, ops);
		w->measured_every = w->sample_every;
		close_windows(w, lb_tick_of(word), ops);
		arm_burst(w);
		return false;
	case LB_PHASE_STOP:
		/* Descheduled through the whole window: it measured nothing. */
		if (!w->measured)
			snapshot(w, &w->start, ops);
		w->sample_every = 0;
		snapshot(w, &w->end, ops);
		w->ops_total = ops;
		if (w->timeline) {
			close_windows(w, w->run->nwindows, ops);
			lb_store_relaxed(&w->timeline[w->run->nwindows - 1],
					 ops);
		}
		return true;
	default:
		lb_die("unknown phase word %#x", word);
	}
}
