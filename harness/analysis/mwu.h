/* SPDX-License-Identifier: MIT */
/*
 * mwu.h - rank statistics for comparing two samples: the Mann-Whitney U
 * test, the Hodges-Lehmann shift with its distribution-free confidence
 * interval, and Holm's step-down correction for multiple comparisons.
 *
 * Pure functions of their arguments: safe from any thread, no allocation
 * that outlives a call.  Inputs are not modified; NaN values are not allowed
 * (callers drop undefined figures first).
 */
#ifndef LB_HARNESS_MWU_H
#define LB_HARNESS_MWU_H

#include <stdbool.h>

struct lb_mwu {
	double u; /* pairs (x_i, y_j) with x_i > y_j, ties counting 1/2 */
	double p_less; /* one-sided: H1 "x tends to be smaller than y" */
	double p_greater; /* one-sided: H1 "x tends to be larger than y" */
	double p_two; /* two-sided: min(1, 2 min(p_less, p_greater)) */
	double p_min; /* smallest one-sided p these sizes can give */
	bool exact; /* exact null distribution (no ties, small samples) */
};

/*
 * Mann-Whitney U of @x (n values) against @y (m values), n, m >= 1.
 * Exact null distribution when there are no ties and n + m <= 60, normal
 * approximation with continuity and tie correction otherwise.
 */
void lb_mwu(const double *x, unsigned int n, const double *y, unsigned int m,
	    struct lb_mwu *r);

/* P(U <= u) under the null hypothesis, exact, for sizes n and m (<= 60). */
double lb_mwu_cdf(unsigned int n, unsigned int m, double u);

/*
 * Hodges-Lehmann estimate of the shift y - x (the median of all n*m
 * differences y_j - x_i) and its confidence interval at level 1 - @alpha
 * from the U distribution (Lehmann 1975, ch. 2; Hollander & Wolfe 1999,
 * 4.3).  *lo and *hi are NaN when the samples are too small for that level.
 */
void lb_hodges_lehmann(const double *x, unsigned int n, const double *y,
		       unsigned int m, double alpha, double *shift, double *lo,
		       double *hi);

/*
 * Holm's step-down adjustment (Holm 1979) of @k p-values, in place: the
 * adjusted p_(i) = max over j <= i of min(1, (k - j + 1) p_(j)) in
 * ascending order.  A hypothesis is rejected at family-wise level alpha
 * exactly when its adjusted p-value is <= alpha.
 */
void lb_holm(double *p, unsigned int k);

/* The standard normal distribution function, and its p-quantile (by
 * bisection, to 1e-12; 0 < p < 1). */
double lb_normal_cdf(double z);
double lb_normal_quantile(double p);

#endif /* LB_HARNESS_MWU_H */
