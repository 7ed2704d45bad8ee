/* SPDX-License-Identifier: MIT */
/* stats.h - summaries over repetitions, and fairness over threads. */
#ifndef LB_HARNESS_STATS_H
#define LB_HARNESS_STATS_H

#include <stdint.h>

struct lb_summary {
	unsigned int n;
	double median, min, max, mean, stddev;
	double cv; /* stddev / mean; NaN when undefined */
	double ci95_lo,
		ci95_hi; /* Student-t interval of the mean; NaN if n < 2 */
};

/* Summarise @n values (not modified).  n == 0 gives all-NaN. */
void lb_summarize(const double *x, unsigned int n, struct lb_summary *s);
/* Median of @n values (not modified); NaN when n == 0. */
double lb_median(const double *x, unsigned int n);
/* Two-sided 97.5% quantile of Student's t with @df degrees of freedom. */
double lb_t975(unsigned int df);
/*
 * Jain's fairness index (sum x)^2 / (n * sum x^2): 1 when every thread did
 * the same work, 1/n when one thread did all of it.  NaN if all are zero.
 */
double lb_jain(const uint64_t *x, unsigned int n);

#endif /* LB_HARNESS_STATS_H */
