/* SPDX-License-Identifier: MIT */
/*
 * verdict.c - intervals, verdicts, detectable changes, alpha spending and
 * the two-regime check of verdict.h.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/mwu.h"
#include "harness/analysis/stats.h"
#include "harness/analysis/verdict.h"
#include "runtime/compiler.h"

const char *const lb_verdict_names[LB_V_NVERDICTS] = {
	"REGRESSION",
	"undecided",
	"equivalent",
	"improvement",
};

/*
 * The continued fraction of the regularised incomplete beta function
 * I_x(a, b) (Abramowitz & Stegun 26.5.8), evaluated from the top down by
 * the modified Lentz method (Lentz 1976; Thompson & Barnett 1986).  Its
 * terms d_{2k+1} = -(a+k)(a+b+k) x / ((a+2k)(a+2k+1)) and
 * d_{2k} = k(b-k) x / ((a+2k-1)(a+2k)); it converges fast for
 * x < (a+1)/(a+b+2), and the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) covers
 * the rest.
 */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1), f;
	int k;

	d = 1 / (fabs(d) < tiny ? tiny : d);
	f = d;
	for (k = 1; k < 400; k++) {
		double num, step;

		/* even term */
		num = k * (b - k) * x / ((a + 2 * k - 1) * (a + 2 * k));
		d = 1 + num * d;
		c = 1 + num / c;
		d = 1 / (fabs(d) < tiny ? tiny : d);
		c = fabs(c) < tiny ? tiny : c;
		f *= d * c;
		/* odd term */
		num = -(a + k) * (a + b + k) * x /
		      ((a + 2 * k) * (a + 2 * k + 1));
		d = 1 + num * d;
		c = 1 + num / c;
		d = 1 / (fabs(d) < tiny ? tiny : d);
		c = fabs(c) < tiny ? tiny : c;
		step = d * c;
		f *= step;
		if (fabs(step - 1) < 1e-15)
			break;
	}
	return f;
}

static double beta_inc(double a, double b, double x)
{
	double front;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
		    b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return front * beta_cf(a, b, x) / a;
	return 1 - front * beta_cf(b, a, 1 - x) / b;
}

/* P(T <= t) = 1 - I_{df/(df+t^2)}(df/2, 1/2) / 2 for t >= 0 (A&S 26.7.1) */
double lb_t_cdf(double t, double df)
{
	double tail = 0.5 * beta_inc(df / 2, 0.5, df / (df + t * t));

	return t >= 0 ? 1 - tail : tail;
}

double lb_t_quantile(double p, double df)
{
	double lo = 0, hi = 1;
	int i;

	if (p < 0.5)
		return -lb_t_quantile(1 - p, df);
	while (lb_t_cdf(hi, df) < p && hi < 1e12)
		hi *= 2;
	for (i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
		double mid = (lo + hi) / 2;

		if (lb_t_cdf(mid, df) < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

static void mean_var(const double *x, unsigned int n, double *mean, double *var)
{
	double s = 0, q = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		s += x[i];
	*mean = s / n;
	for (i = 0; i < n; i++)
		q += (x[i] - *mean) * (x[i] - *mean);
	*var = n > 1 ? q / (n - 1) : NAN;
}

void lb_welch(const double *x, unsigned int n, const double *y, unsigned int m,
	      double level, struct lb_effect *e)
{
	double mx, vx, my, vy, ax, ay;

	mean_var(x, n, &mx, &vx);
	mean_var(y, m, &my, &vy);
	ax = vx / n;
	ay = vy / m;
	*e = (struct lb_effect){ .est = my - mx, .se = sqrt(ax + ay) };
	/* Welch (1947): df = (a_x + a_y)^2 / (a_x^2/(n-1) + a_y^2/(m-1)) */
	if (ax + ay > 0)
		e->df = (ax + ay) * (ax + ay) /
			(ax * ax / (n - 1) + ay * ay / (m - 1));
	else
		e->df = n + m - 2;
	e->crit = lb_t_quantile(1 - level, e->df);
	e->lo = e->est - e->crit * e->se;
	e->hi = e->est + e->crit * e->se;
}

void lb_rank_effect(const double *x, unsigned int n, const double *y,
		    unsigned int m, double level, struct lb_effect *e)
{
	*e = (struct lb_effect){ .rank = true, .df = NAN };
	/* the HL interval inverts the two-sided U test at 2 level */
	lb_hodges_lehmann(x, n, y, m, 2 * level, &e->est, &e->lo, &e->hi);
	e->crit = lb_normal_quantile(1 - level);
	/* the normal-theory standard error that interval implies */
	e->se = (e->hi - e->lo) / (2 * e->crit);
}

bool lb_t_usable(const double *x, unsigned int n)
{
	double med, mad, *d;
	unsigned int i;
	bool ok = true;

	if (n < 4)
		return false;
	med = lb_median(x, n);
	d = lb_xzalloc(n * sizeof(*d));
	for (i = 0; i < n; i++)
		d[i] = fabs(x[i] - med);
	mad = 1.4826 * lb_median(d, n);
	for (i = 0; i < n; i++)
		ok &= d[i] <= 4.5 * mad;
	free(d);
	return ok;
}

enum lb_verdict lb_verdict_of(const struct lb_effect *e, int better,
			      double lo_margin, double hi_margin,
			      double bad_margin, double good_margin)
{
	if (!isfinite(e->lo) || !isfinite(e->hi))
		return LB_V_UNDECIDED;
	if (better > 0 ? e->hi < bad_margin : e->lo > bad_margin)
		return LB_V_REGRESSION;
	if (better > 0 ? e->lo > good_margin : e->hi < good_margin)
		return LB_V_IMPROVEMENT;
	if (e->lo > lo_margin && e->hi < hi_margin)
		return LB_V_EQUIVALENT;
	return LB_V_UNDECIDED;
}

double lb_detectable(const struct lb_effect *e, double bad_margin, double power)
{
	if (!isfinite(e->se) || !isfinite(e->crit))
		return NAN;
	return fabs(bad_margin) + (e->crit + lb_normal_quantile(power)) * e->se;
}

double lb_obf_spent(double t, double alpha)
{
	if (t <= 0)
		return 0;
	if (t >= 1)
		return alpha;
	return 2 -
	       2 * lb_normal_cdf(lb_normal_quantile(1 - alpha / 2) / sqrt(t));
}

double lb_look_level(unsigned int look, unsigned int looks, bool final,
		     double alpha)
{
	double before = lb_obf_spent((double)(look - 1) / looks, alpha);

	if (final || look >= looks)
		return alpha - before;
	return lb_obf_spent((double)look / looks, alpha) - before;
}

double lb_row_level(unsigned int look, unsigned int looks, bool final,
		    double alpha, unsigned int k)
{
	return lb_look_level(look, looks, final, alpha) / (k ? k : 1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Ashman's D of the split of sorted @s into [0, k) and [k, n). */
static double split_d(const double *sum, const double *sq, unsigned int k,
		      unsigned int n)
{
	double m1 = sum[k] / k, m2 = (sum[n] - sum[k]) / (n - k);
	double v1 = (sq[k] - k * m1 * m1) / (k - 1);
	double v2 = (sq[n] - sq[k] - (n - k) * m2 * m2) / (n - k - 1);
	double v = fmax(0, v1) + fmax(0, v2);

	if (v <= 0)
		return m1 == m2 ? 0 : INFINITY;
	return M_SQRT2 * fabs(m2 - m1) / sqrt(v);
}

void lb_bimodal(const double *x, unsigned int n, struct lb_bimodal *b)
{
	double *s, *sum, *sq, mean;
	unsigned int i, k, least;

	*b = (struct lb_bimodal){ .cut = NAN, .low_share = NAN };
	if (n < 10)
		return;
	s = lb_xzalloc(n * sizeof(*s));
	sum = lb_xzalloc((n + 1) * sizeof(*sum));
	sq = lb_xzalloc((n + 1) * sizeof(*sq));
	memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	/* centred sums: the values are close together on a log scale */
	mean = s[n / 2];
	for (i = 0; i < n; i++) {
		sum[i + 1] = sum[i] + (s[i] - mean);
		sq[i + 1] = sq[i] + (s[i] - mean) * (s[i] - mean);
	}
	least = (n + 9) / 10 < 2 ? 2 : (n + 9) / 10;
	for (k = least; k + least <= n; k++) {
		double d = s[k] > s[k - 1] ? split_d(sum, sq, k, n) : 0;

		if (d > b->d) {
			b->d = d;
			b->cut = (s[k - 1] + s[k]) / 2;
			b->low_share = (double)k / n;
		}
	}
	b->bimodal = b->d > LB_BIMODAL_D(n);
	free(s);
	free(sum);
	free(sq);
}

double lb_share_below(const double *x, unsigned int n, double cut)
{
	unsigned int i, k = 0;

	for (i = 0; i < n; i++)
		k += x[i] < cut;
	return n ? (double)k / n : NAN;
}

void lb_decide(const struct lb_side_values *b, const struct lb_side_values *n,
	       const struct lb_margins *mg, double level, struct lb_decision *d)
{
	double cut;

	*d = (struct lb_decision){ .low_b = NAN, .low_n = NAN };
	lb_bimodal(b->reps, b->nreps, &d->bim_b);
	lb_bimodal(n->reps, n->nreps, &d->bim_n);
	d->two = d->bim_b.bimodal || d->bim_n.bimodal;
	if (d->two) {
		/* one cut for both sides, so that the shares compare */
		cut = d->bim_b.bimodal ? d->bim_b.cut : d->bim_n.cut;
		d->low_b = lb_share_below(b->reps, b->nreps, cut);
		d->low_n = lb_share_below(n->reps, n->nreps, cut);
	}
	if (!d->two && lb_t_usable(b->x, b->n) && lb_t_usable(n->x, n->n))
		lb_welch(b->x, b->n, n->x, n->n, level, &d->e);
	else
		lb_rank_effect(b->x, b->n, n->x, n->n, level, &d->e);
	d->detect = lb_detectable(&d->e, mg->bad, 0.8);
	d->v = lb_verdict_of(&d->e, mg->better, mg->lo, mg->hi, mg->bad,
			     mg->better > 0 ? mg->hi : mg->lo);
	/* a shift between regimes is no equivalence */
	if (d->two && d->v == LB_V_EQUIVALENT)
		d->v = LB_V_UNDECIDED;
}
