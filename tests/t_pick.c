/* SPDX-License-Identifier: MIT */
/*
 * t_pick.c - how operations pick their object (workloads/workload.h):
 * the Zipf quantile table against the exact distribution, the uniform pick
 * in range and even, and the exponential think table's mean.
 */
#include <math.h>
#include <stdlib.h>

#include "tests/tap.h"
#include "workloads/workload.h"

/* Share of table entries equal to k, and the exact Zipf probability. */
static void zipf_case(unsigned int n, double s)
{
	uint32_t *t = calloc(LB_PICK_TABLE, sizeof(*t));
	double total = 0, worst = 0;
	unsigned int k, i, bad = 0;

	lb_pick_table_fill(t, n, s);
	for (k = 0; k < n; k++)
		total += pow(k + 1.0, -s);
	for (i = 0; i < LB_PICK_TABLE; i++)
		bad += t[i] >= n || (i && t[i] < t[i - 1]);
	for (k = 0; k < n; k++) {
		unsigned int c = 0;
		double err;

		for (i = 0; i < LB_PICK_TABLE; i++)
			c += t[i] == k;
		/* Each quantile is off by at most one table entry. */
		err = fabs((double)c / LB_PICK_TABLE -
			   pow(k + 1.0, -s) / total);
		worst = err > worst ? err : worst;
	}
	tap_ok(!bad && worst <= 1.0 / LB_PICK_TABLE + 1e-12,
	       "zipf n=%u s=%g: sorted, in range (%u bad), shares within one "
	       "entry of the exact law (worst %.2e)",
	       n, s, bad, worst);
	free(t);
}

static void uniform_case(unsigned int n)
{
	struct lb_run run = { .nobjects = n };
	unsigned int *count = calloc(n, sizeof(*count));
	uint64_t rng = 12345;
	unsigned int i, lo = ~0u, hi = 0, draws = 1000 * n;
	bool range = true;

	for (i = 0; i < draws; i++) {
		unsigned int o = lb_pick(&run, &rng);

		range &= o < n;
		if (o < n)
			count[o]++;
	}
	for (i = 0; i < n; i++) {
		lo = count[i] < lo ? count[i] : lo;
		hi = count[i] > hi ? count[i] : hi;
	}
	/* 1000 expected per object: 5 sigma is about 160. */
	tap_ok(range && lo > 840 && hi < 1160,
	       "uniform n=%u: in range, every object picked 840..1160 times "
	       "of 1000 expected (%u..%u)",
	       n, lo, hi);
	free(count);
}

int main(void)
{
	uint64_t t[LB_THINK_TABLE];
	double mean = 0;
	unsigned int i;

	tap_plan(7);
	zipf_case(1, 1.0);
	zipf_case(4, 2.0);
	zipf_case(64, 0.99);
	zipf_case(100000, 1.2);
	uniform_case(7);
	uniform_case(64);
	lb_think_table_fill(t, 1000);
	for (i = 0; i < LB_THINK_TABLE; i++)
		mean += (double)t[i] / LB_THINK_TABLE;
	tap_ok(fabs(mean - 1000) < 10,
	       "exponential think table: mean %.1f for 1000", mean);
	return tap_failed != 0;
}
