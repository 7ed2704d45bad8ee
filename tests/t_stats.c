/* SPDX-License-Identifier: MIT */
/* t_stats.c - summaries and fairness against worked examples. */
#include <math.h>

#include "harness/analysis/stats.h"
#include "workloads/workload.h"
#include "tests/tap.h"

static bool near(double a, double b, double tol)
{
	return fabs(a - b) <= tol;
}

int main(void)
{
	/* Worked example: 2 4 4 4 5 5 7 9; mean 5, sample sd 2.13809. */
	const double x[] = { 9, 2, 5, 4, 4, 7, 4, 5 };
	const uint64_t equal[] = { 10, 10, 10, 10 };
	const uint64_t one[] = { 40, 0, 0, 0 };
	const uint64_t half[] = { 30, 10 };
	struct lb_summary s;

	tap_plan(14);
	lb_summarize(x, 8, &s);
	tap_ok(s.n == 8 && s.min == 2 && s.max == 9, "n, min, max");
	tap_ok(near(s.mean, 5, 1e-12) && near(s.median, 4.5, 1e-12),
	       "mean 5, median 4.5 (got %g, %g)", s.mean, s.median);
	tap_ok(near(s.stddev, 2.138090, 1e-6), "sample stddev (got %.6f)",
	       s.stddev);
	/* t(0.975, 7) = 2.365: half-width 2.365 * 2.13809 / sqrt(8). */
	tap_ok(near(s.ci95_hi - s.mean, 1.787769, 1e-5) &&
		       near(s.mean - s.ci95_lo, 1.787769, 1e-5),
	       "95%% CI half-width 1.78777 (got %.6f)", s.ci95_hi - s.mean);
	tap_ok(near(s.cv, 0.427618, 1e-6), "cv (got %.6f)", s.cv);
	lb_summarize(x, 1, &s);
	tap_ok(s.n == 1 && s.median == 9 && isnan(s.stddev) && isnan(s.ci95_lo),
	       "one value: median, no spread");
	lb_summarize(x, 0, &s);
	tap_ok(isnan(s.median), "no values: NaN");
	tap_ok(near(lb_t975(1), 12.706, 1e-9) &&
		       near(lb_t975(30), 2.042, 1e-9) &&
		       near(lb_t975(1000), 1.962, 1e-3),
	       "t quantiles");
	tap_ok(near(lb_jain(equal, 4), 1.0, 1e-12), "Jain: equal shares = 1");
	tap_ok(near(lb_jain(one, 4), 0.25, 1e-12),
	       "Jain: one thread does all = 1/n");
	/* (30+10)^2 / (2 * (900+100)) = 0.8 */
	tap_ok(near(lb_jain(half, 2), 0.8, 1e-12), "Jain: 30/10 = 0.8");
	tap_ok(isnan(lb_jain((const uint64_t[]){ 0, 0 }, 2)),
	       "Jain: no work = NaN");
	{
		/* --think-dist exp: the table's mean and median. */
		uint64_t table[LB_THINK_TABLE], sum = 0;
		unsigned int i;
		bool sorted = true;

		lb_think_table_fill(table, 1000);
		for (i = 0; i < LB_THINK_TABLE; i++) {
			sum += table[i];
			sorted = sorted && (!i || table[i] >= table[i - 1]);
		}
		/* Midpoint quantiles of Exp(1000): mean 1000 within 1%. */
		tap_ok(near((double)sum / LB_THINK_TABLE, 1000, 10),
		       "exponential think table: mean %.1f (want 1000)",
		       (double)sum / LB_THINK_TABLE);
		/* The median of Exp(m) is m ln 2 = 693. */
		tap_ok(sorted &&
			       near((double)table[LB_THINK_TABLE / 2], 693, 10),
		       "exponential think table: increasing, median %llu "
		       "(want 693)",
		       (unsigned long long)table[LB_THINK_TABLE / 2]);
	}
	return tap_done();
}
