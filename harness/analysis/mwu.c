/* SPDX-License-Identifier: MIT */
/*
 * mwu.c - Mann-Whitney U (Mann & Whitney 1947), Hodges-Lehmann (Hodges &
 * Lehmann 1963) and Holm (1979).
 *
 * The exact null distribution of U for sizes n and m: every one of the
 * C(n+m, n) orderings of the pooled sample is equally likely, and the number
 * of orderings with U = u is the coefficient of q^u in the Gaussian binomial
 * coefficient [n+m choose n]_q (Andrews, "The Theory of Partitions", 3.3).
 * It is built one factor at a time with
 *	[m+i choose i]_q = [m+i-1 choose i-1]_q (1 - q^(m+i)) / (1 - q^i),
 * every intermediate being a polynomial with integer coefficients; up to
 * n + m = 50 they stay below 2^53, so doubles hold them exactly.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/mwu.h"
#include "runtime/compiler.h"

#define EXACT_MAX 50u

/* Number of orderings for each U = 0..n*m (n*m + 1 entries, malloc'd). */
static double *u_counts(unsigned int n, unsigned int m)
{
	size_t size = (size_t)n * m + n + m + 2;
	double *a = lb_xzalloc(size * sizeof(*a));
	unsigned int i;
	size_t k;

	a[0] = 1;
	for (i = 1; i <= n; i++) {
		size_t mul = m + i;

		/* times (1 - q^(m+i)): from the top, so a[k - mul] is old */
		for (k = size - 1; k >= mul; k--)
			a[k] -= a[k - mul];
		/* divided by (1 - q^i): a running sum with stride i */
		for (k = i; k < size; k++)
			a[k] += a[k - i];
	}
	return a;
}

double lb_mwu_cdf(unsigned int n, unsigned int m, double u)
{
	double *c, below = 0, total = 0;
	size_t k, nm = (size_t)n * m;

	if (n + m > EXACT_MAX || !n || !m)
		return NAN;
	if (u < 0)
		return 0;
	c = u_counts(n, m);
	for (k = 0; k <= nm; k++) {
		total += c[k];
		if ((double)k <= u + 1e-9)
			below += c[k];
	}
	free(c);
	return below / total;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double lb_normal_cdf(double z)
{
	return 0.5 * erfc(-z / M_SQRT2);
}

double lb_normal_quantile(double p)
{
	double lo = -40, hi = 40;
	int i;

	for (i = 0; i < 200 && hi - lo > 1e-12; i++) {
		double mid = (lo + hi) / 2;

		if (lb_normal_cdf(mid) < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/* Sum of t^3 - t over groups of tied values in the pooled sample. */
static double tie_sum(const double *x, unsigned int n, const double *y,
		      unsigned int m)
{
	unsigned int total = n + m, i, j;
	double *all = lb_xzalloc(total * sizeof(*all)), t = 0;

	memcpy(all, x, n * sizeof(*x));
	memcpy(all + n, y, m * sizeof(*y));
	qsort(all, total, sizeof(*all), cmp_double);
	for (i = 0; i < total; i = j) {
		double len;

		for (j = i + 1; j < total && all[j] == all[i]; j++)
			;
		len = j - i;
		t += len * len * len - len;
	}
	free(all);
	return t;
}

void lb_mwu(const double *x, unsigned int n, const double *y, unsigned int m,
	    struct lb_mwu *r)
{
	double nm = (double)n * m, big_n = n + m, ties;
	unsigned int i, j;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < n; i++)
		for (j = 0; j < m; j++)
			r->u += x[i] > y[j] ? 1.0 : x[i] == y[j] ? 0.5 : 0.0;
	/* 1 / C(n+m, n): the most extreme of the equally likely orderings */
	r->p_min = exp(lgamma(n + 1.0) + lgamma(m + 1.0) - lgamma(big_n + 1));
	ties = tie_sum(x, n, y, m);
	if (ties == 0 && n + m <= EXACT_MAX) {
		r->exact = true;
		r->p_less = lb_mwu_cdf(n, m, r->u);
		/* symmetric: P(U >= u) = P(U <= nm - u) */
		r->p_greater = lb_mwu_cdf(n, m, nm - r->u);
	} else {
		/* Lehmann (1975) 1.4: variance with the tie correction */
		double var =
			nm / 12.0 * (big_n + 1 - ties / (big_n * (big_n - 1)));

		if (var <= 0) {
			r->p_less = r->p_greater = 1;
		} else {
			double sd = sqrt(var);

			r->p_less = lb_normal_cdf((r->u - nm / 2 + 0.5) / sd);
			r->p_greater =
				lb_normal_cdf((nm / 2 - r->u + 0.5) / sd);
		}
	}
	r->p_less = fmin(1, r->p_less);
	r->p_greater = fmin(1, r->p_greater);
	r->p_two = fmin(1, 2 * fmin(r->p_less, r->p_greater));
}

void lb_hodges_lehmann(const double *x, unsigned int n, const double *y,
		       unsigned int m, double alpha, double *shift, double *lo,
		       double *hi)
{
	size_t nm = (size_t)n * m, i, j, k = 0;
	double *d;

	*shift = *lo = *hi = NAN;
	if (!n || !m)
		return;
	d = lb_xzalloc(nm * sizeof(*d));
	for (i = 0; i < n; i++)
		for (j = 0; j < m; j++)
			d[i * m + j] = y[j] - x[i];
	qsort(d, nm, sizeof(*d), cmp_double);
	*shift = nm % 2 ? d[nm / 2] : (d[nm / 2 - 1] + d[nm / 2]) / 2;
	/*
	 * The interval [D_(k), D_(nm-k+1)] covers the shift with probability
	 * 1 - 2 P(U <= k - 1); take the largest k keeping that >= 1 - alpha.
	 */
	if (n + m <= EXACT_MAX) {
		double *c = u_counts(n, m), total = 0, below = 0;

		for (i = 0; i <= nm; i++)
			total += c[i];
		for (i = 0; i <= nm; i++) {
			below += c[i];
			if (below / total > alpha / 2)
				break;
			k = i + 1;
		}
		free(c);
	} else {
		/* normal approximation (Hollander & Wolfe 4.3, eq. 4.41) */
		double z = lb_normal_quantile(1 - alpha / 2);
		double c = (double)nm / 2 -
			   z * sqrt((double)nm * (n + m + 1) / 12.0);

		k = c >= 1 ? (size_t)c : 0;
	}
	if (k >= 1 && k <= (nm + 1) / 2) {
		*lo = d[k - 1];
		*hi = d[nm - k];
	}
	free(d);
}

void lb_holm(double *p, unsigned int k)
{
	unsigned int *order = lb_xzalloc((k + 1) * sizeof(*order));
	unsigned int i, j;
	double running = 0;

	for (i = 0; i < k; i++)
		order[i] = i;
	/* insertion sort of the indices by p: k is small */
	for (i = 1; i < k; i++)
		for (j = i; j > 0 && p[order[j]] < p[order[j - 1]]; j--) {
			unsigned int t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (i = 0; i < k; i++) {
		double adj = fmin(1, (double)(k - i) * p[order[i]]);

		running = fmax(running, adj);
		p[order[i]] = running;
	}
	free(order);
}
