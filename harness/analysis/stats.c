/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/stats.h"
#include "runtime/compiler.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double lb_median(const double *x, unsigned int n)
{
	double *s, m;

	if (!n)
		return NAN;
	s = lb_xzalloc(n * sizeof(*s));
	memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

double lb_t975(unsigned int df)
{
	/* Two-sided 95%: t_{0.975, df} for df = 1..30 (standard tables). */
	static const double t[] = {
		12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
		2.262,	2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
		2.110,	2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
		2.060,	2.056, 2.052, 2.048, 2.045, 2.042,
	};

	if (df == 0)
		return NAN;
	if (df <= LB_ARRAY_SIZE(t))
		return t[df - 1];
	/* Cornish-Fisher expansion around z = 1.959964; < 0.001 off. */
	return 1.959964 +
	       (1.959964 * 1.959964 * 1.959964 + 1.959964) / (4.0 * df);
}

void lb_summarize(const double *x, unsigned int n, struct lb_summary *s)
{
	double sum = 0, sq = 0, half;
	unsigned int i;

	s->n = n;
	s->median = s->min = s->max = s->mean = s->stddev = NAN;
	s->cv = s->ci95_lo = s->ci95_hi = NAN;
	if (!n)
		return;
	s->min = s->max = x[0];
	for (i = 0; i < n; i++) {
		sum += x[i];
		s->min = fmin(s->min, x[i]);
		s->max = fmax(s->max, x[i]);
	}
	s->mean = sum / n;
	s->median = lb_median(x, n);
	if (n < 2)
		return;
	for (i = 0; i < n; i++)
		sq += (x[i] - s->mean) * (x[i] - s->mean);
	s->stddev = sqrt(sq / (n - 1));
	if (s->mean != 0)
		s->cv = s->stddev / fabs(s->mean);
	half = lb_t975(n - 1) * s->stddev / sqrt((double)n);
	s->ci95_lo = s->mean - half;
	s->ci95_hi = s->mean + half;
}

double lb_jain(const uint64_t *x, unsigned int n)
{
	double sum = 0, sq = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		sum += (double)x[i];
		sq += (double)x[i] * (double)x[i];
	}
	return sq > 0 ? sum * sum / (n * sq) : NAN;
}
