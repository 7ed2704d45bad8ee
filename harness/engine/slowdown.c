/* SPDX-License-Identifier: MIT */
/*
 * slowdown.c - LOCKBENCH_TEST_SLOWDOWN (see slowdown.h).  Test-only: the
 * plan asks it for extra critical-section work before each repetition
 * (lb_rep_cfg.extra_cs_iters), and it runs probe repetitions of its own.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/util/options.h"
#include "harness/engine/slowdown.h"
#include "runtime/clock.h"
#include "workloads/delay.h"

#define MAX_ENTRIES 16
#define MAX_PROBED 256
#define PROBE_NS 30000000ull /* one probe repetition: 30ms */
#define PROBE_TRIALS 3
#define PROBE_ROUNDS 6

static struct {
	bool parsed;
	unsigned int n;
	char method[MAX_ENTRIES][64];
	double pct[MAX_ENTRIES];
	double ns_per_iter;
	/* Configurations already probed: the extra iterations they get. */
	unsigned int nprobed;
	struct {
		const struct lb_lock_ops *ops;
		unsigned int nthreads;
		uint64_t cs_iters, think_iters, extra;
	} probed[MAX_PROBED];
} sd;

static void parse_env(void)
{
	const char *env = getenv(LB_TEST_SLOWDOWN_ENV);
	char *copy, *item, *save = NULL;

	sd.parsed = true;
	if (!env || !*env)
		return;
	copy = strdup(env);
	if (!copy)
		lb_usage_error("out of memory");
	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(item, ':'), *end;
		double pct;

		if (!colon || colon == item || colon - item >= 64)
			lb_usage_error("invalid " LB_TEST_SLOWDOWN_ENV
				       " item '%s': expected METHOD:PCT",
				       item);
		pct = strtod(colon + 1, &end);
		if (end == colon + 1 || *end || !(pct > 0) || pct > 1000)
			lb_usage_error("invalid " LB_TEST_SLOWDOWN_ENV
				       " percentage '%s': expected a number "
				       "in (0, 1000]",
				       colon + 1);
		if (sd.n == MAX_ENTRIES)
			lb_usage_error("too many " LB_TEST_SLOWDOWN_ENV
				       " items");
		snprintf(sd.method[sd.n], sizeof(sd.method[0]), "%.*s",
			 (int)(colon - item), item);
		if (!lb_lock_find(sd.method[sd.n]))
			lb_usage_error("invalid " LB_TEST_SLOWDOWN_ENV
				       ": unknown method '%s'",
				       sd.method[sd.n]);
		sd.pct[sd.n++] = pct;
	}
	free(copy);
}

double lb_test_slowdown_pct(const char *method)
{
	unsigned int i;

	if (!sd.parsed)
		parse_env();
	for (i = 0; i < sd.n; i++)
		if (!strcmp(sd.method[i], method))
			return sd.pct[i];
	return 0;
}

/*
 * Nanoseconds one operation of @cfg takes with @extra more critical-section
 * iterations: the fastest of a few short probe repetitions.  Other
 * processes on a shared machine only ever lengthen a probe (a preemption, a
 * stolen time slice), so the fastest is the least disturbed.
 */
static double probe_ns_per_op(const struct lb_rep_cfg *cfg, uint64_t extra,
			      int trials)
{
	struct lb_rep_cfg probe = *cfg;
	double best = NAN;
	int i;

	probe.knobs.duration_ns = PROBE_NS;
	probe.knobs.warmup_ns = PROBE_NS / 4;
	probe.extra_cs_iters = extra;
	for (i = 0; i < trials; i++) {
		struct lb_rep_result res;

		if (lb_run_rep(&probe, &res) == LB_REP_RAN && res.ok &&
		    res.ops > 0) {
			double per = (double)res.elapsed_ns / (double)res.ops;

			if (!(per >= best))
				best = per;
		}
		lb_rep_result_free(&res);
	}
	return best;
}

/*
 * Extra iterations that make one operation @pct percent slower, measured
 * in the real measured loop.  A few iterations do not cost their calibrated
 * time inside a critical section (the processor overlaps them with the
 * lock's own atomic operations), so the first estimate is corrected by
 * measuring with and without, side by side, a few rounds at most.
 */
static uint64_t calibrate_by_probes(const struct lb_rep_cfg *cfg, double pct)
{
	double base = probe_ns_per_op(cfg, 0, PROBE_TRIALS), want = pct / 100;
	uint64_t extra;
	int round;

	if (!isfinite(base))
		return 0;
	extra = (uint64_t)llround(base * want / sd.ns_per_iter) + 1;
	for (round = 0; round < PROBE_ROUNDS; round++) {
		/* side by side, so that the machine's drift cancels */
		double b = probe_ns_per_op(cfg, 0, PROBE_TRIALS);
		double t = probe_ns_per_op(cfg, extra, PROBE_TRIALS);
		double got, grow;

		if (!isfinite(b) || !isfinite(t))
			break;
		got = t / b - 1;
		if (got >= 0.9 * want && got <= 1.3 * want)
			break;
		grow = got > 0.01 ? want / got : 4;
		extra = (uint64_t)llround((double)extra *
					  fmax(0.25, fmin(grow, 4))) +
			1;
	}
	return extra;
}

uint64_t lb_test_slowdown_iters(const struct lb_rep_cfg *cfg)
{
	double pct = lb_test_slowdown_pct(cfg->knobs.ops->name);
	unsigned int i;
	uint64_t extra;

	if (pct <= 0)
		return 0;
	for (i = 0; i < sd.nprobed; i++)
		if (sd.probed[i].ops == cfg->knobs.ops &&
		    sd.probed[i].nthreads == cfg->knobs.nthreads &&
		    sd.probed[i].cs_iters == cfg->cs_iters &&
		    sd.probed[i].think_iters == cfg->think_iters)
			return sd.probed[i].extra;
	if (!(sd.ns_per_iter > 0))
		sd.ns_per_iter = lb_spin_calibrate();
	extra = calibrate_by_probes(cfg, pct);
	if (sd.nprobed < MAX_PROBED) {
		sd.probed[sd.nprobed].ops = cfg->knobs.ops;
		sd.probed[sd.nprobed].nthreads = cfg->knobs.nthreads;
		sd.probed[sd.nprobed].cs_iters = cfg->cs_iters;
		sd.probed[sd.nprobed].think_iters = cfg->think_iters;
		sd.probed[sd.nprobed++].extra = extra;
	}
	return extra;
}
