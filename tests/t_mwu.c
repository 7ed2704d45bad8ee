/* SPDX-License-Identifier: MIT */
/*
 * t_mwu.c - the rank statistics behind `compare` and `ab`, against
 * published values: the exact null distribution of Mann-Whitney U (Mann &
 * Whitney 1947, Table I; Siegel 1956, Table J), the worked example of
 * Hollander & Wolfe (1973, p. 69, as in R's wilcox.test documentation:
 * W = 35, one-sided p = 0.1272), Holm's step-down procedure (Holm 1979),
 * the Hodges-Lehmann interval, and the normal approximation with ties
 * against an exact permutation count done here by brute force.
 */
#include <math.h>
#include <stdlib.h>

#include "harness/analysis/mwu.h"
#include "tests/tap.h"

static bool near(double a, double b, double tol)
{
	return fabs(a - b) <= tol;
}

/* Exact one-sided P(U_x >= U_obs) over all splits of x+y (n + m <= 20). */
static double brute_p_greater(const double *x, unsigned int n, const double *y,
			      unsigned int m)
{
	double all[20], u_obs = 0, hits = 0, total = 0;
	unsigned int N = n + m, mask, i, j;

	for (i = 0; i < n; i++)
		all[i] = x[i];
	for (i = 0; i < m; i++)
		all[n + i] = y[i];
	for (i = 0; i < n; i++)
		for (j = 0; j < m; j++)
			u_obs += x[i] > y[j] ? 1 : x[i] == y[j] ? 0.5 : 0;
	for (mask = 0; mask < (1u << N); mask++) {
		double u = 0;

		if ((unsigned int)__builtin_popcount(mask) != n)
			continue;
		for (i = 0; i < N; i++)
			for (j = 0; j < N; j++)
				if ((mask >> i & 1) && !(mask >> j & 1))
					u += all[i] > all[j]  ? 1 :
					     all[i] == all[j] ? 0.5 :
								0;
		total++;
		hits += u >= u_obs - 1e-9;
	}
	return hits / total;
}

int main(void)
{
	/* Mann & Whitney (1947) Table I, n = m = 5: P(U <= u), u = 0..4 */
	static const double mw55[] = { 0.0040, 0.0079, 0.0159, 0.0278, 0.0476 };
	/* Siegel (1956) Table J, n = 3, m = 4: P(U <= u), u = 0..4 */
	static const double s34[] = { 0.028, 0.057, 0.114, 0.200, 0.314 };
	/* Hollander & Wolfe (1973) p. 69: permeability constants */
	static const double hw_x[] = { 0.80, 0.83, 1.89, 1.04, 1.45,
				       1.38, 1.91, 1.64, 0.73, 1.46 };
	static const double hw_y[] = { 1.15, 0.88, 0.90, 0.74, 1.21 };
	static const double lo5[] = { 1, 2, 3, 4, 5 };
	static const double hi5[] = { 6, 7, 8, 9, 10 };
	static const double tx[] = { 1, 1, 2, 2, 3, 3, 4, 5 };
	static const double ty[] = { 2, 3, 3, 4, 4, 5, 5, 6 };
	static const double same[] = { 7, 7, 7, 7 };
	double holm[] = { 0.01, 0.04, 0.03, 0.005 };
	double a25[25], b25[25], shift, lo, hi, exact_p;
	struct lb_mwu r, big;
	unsigned int i;
	bool ok;

	tap_plan(16);
	for (i = 0, ok = true; i < 5; i++)
		ok &= near(lb_mwu_cdf(5, 5, i), mw55[i], 0.00005);
	tap_ok(ok, "exact U distribution, n = m = 5, matches Mann & Whitney "
		   "Table I");
	for (i = 0, ok = true; i < 5; i++)
		ok &= near(lb_mwu_cdf(3, 4, i), s34[i], 0.001);
	tap_ok(ok, "exact U distribution, n = 3, m = 4, matches Siegel "
		   "Table J");
	lb_mwu(hw_x, 10, hw_y, 5, &r);
	tap_ok(r.u == 35 && r.exact, "Hollander & Wolfe: U = %g (35), exact",
	       r.u);
	tap_ok(near(r.p_greater, 0.1272, 0.00005),
	       "Hollander & Wolfe: one-sided p = %.4f (0.1272)", r.p_greater);
	tap_ok(near(r.p_two, 2 * 0.1272, 0.0002), "two-sided p = %.4f",
	       r.p_two);
	lb_mwu(lo5, 5, hi5, 5, &r);
	tap_ok(r.u == 0 && near(r.p_less, 1.0 / 252, 1e-12) &&
		       near(r.p_greater, 1, 1e-12),
	       "separated samples: U = 0, p = 1/252 = %.5f", r.p_less);
	tap_ok(near(r.p_min, 1.0 / 252, 1e-12),
	       "smallest attainable p for 5 and 5 is 1/C(10,5)");
	lb_mwu(tx, 8, ty, 8, &r);
	exact_p = brute_p_greater(ty, 8, tx, 8);
	tap_ok(!r.exact && near(r.p_less, exact_p, 0.02),
	       "ties: normal approximation with tie correction p = %.4f, "
	       "exact permutation p = %.4f",
	       r.p_less, exact_p);
	lb_mwu(same, 4, same, 4, &r);
	tap_ok(r.p_less == 1 && r.p_greater == 1,
	       "all values tied: no evidence either way (p = 1)");
	for (i = 0; i < 25; i++) {
		a25[i] = i * 1.01;
		b25[i] = i * 1.01 + 3.5;
	}
	lb_mwu(a25, 25, b25, 25, &r);
	/* the same data through the approximation: a tie forces it */
	a25[0] = b25[0];
	lb_mwu(a25, 25, b25, 25, &big);
	tap_ok(r.exact && !big.exact && near(r.p_less, big.p_less, 0.01),
	       "n = m = 25: exact p %.4f, normal approximation %.4f", r.p_less,
	       big.p_less);
	lb_hodges_lehmann(lo5, 3, lo5 + 2, 3, 0.10, &shift, &lo, &hi);
	tap_ok(shift == 2 && lo == 0 && hi == 4,
	       "Hodges-Lehmann {1,2,3} vs {3,4,5}: shift %g in [%g, %g], "
	       "90%% (C = 1)",
	       shift, lo, hi);
	lb_hodges_lehmann(lo5, 3, lo5 + 2, 3, 0.05, &shift, &lo, &hi);
	tap_ok(isnan(lo) && isnan(hi),
	       "Hodges-Lehmann: too few values for a 95%% interval -> none");
	lb_hodges_lehmann(lo5, 5, hi5, 5, 0.05, &shift, &lo, &hi);
	/* n = m = 5, alpha 0.05: C = 3 (P(U <= 2) = 0.0159 <= 0.025) */
	tap_ok(shift == 5 && lo == 2 && hi == 8,
	       "Hodges-Lehmann 5 vs 5: shift %g, 95%% interval [%g, %g] "
	       "(D(3), D(23))",
	       shift, lo, hi);
	lb_holm(holm, 4);
	tap_ok(near(holm[0], 0.03, 1e-12) && near(holm[1], 0.06, 1e-12) &&
		       near(holm[2], 0.06, 1e-12) && near(holm[3], 0.02, 1e-12),
	       "Holm: {.01,.04,.03,.005} -> {%.3g,%.3g,%.3g,%.3g} "
	       "(.03,.06,.06,.02)",
	       holm[0], holm[1], holm[2], holm[3]);
	holm[0] = 0.9;
	lb_holm(holm, 1);
	tap_ok(holm[0] == 0.9, "Holm with one test changes nothing");
	holm[0] = 0.5;
	holm[1] = 0.6;
	lb_holm(holm, 2);
	tap_ok(holm[0] == 1 && holm[1] == 1, "Holm caps at 1");
	return tap_done();
}
