/* SPDX-License-Identifier: MIT */
/*
 * t_verdict.c - the verdicts of `compare` and `ab` (harness/analysis/
 * verdict.h) against known values and known distributions.
 *
 * Known values: Student's t quantiles (Fisher & Yates tables), Welch's
 * interval worked by hand, the O'Brien-Fleming spending function.
 *
 * Known distributions: thousands of simulated comparisons, drawn with a
 * fixed-seed generator (splitmix64, Steele, Lea & Flood 2014, and Box-Muller)
 * so that every run sees the same samples.  Each simulated comparison is
 * what `ab` does: K configurations, each invocation the mean of 3
 * repetitions on the log scale (noise between invocations and inside one),
 * looks after 6, 12, 18 and 24 pairs at the O'Brien-Fleming levels divided
 * by K, stopping when nothing is undecided.  The bounds are alpha plus
 * three binomial standard errors of the simulated rate: a correct
 * procedure meets them with room to spare (the rates are printed), and
 * each of these broken ones fails at least one (tried when this test was
 * written): no division by K (no multiplicity correction), the full alpha
 * at every look (no spending), testing against no change instead of the
 * threshold.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/verdict.h"
#include "tests/tap.h"

#define ALPHA 0.05
#define THRESHOLD 0.05
#define CONFIGS 6
#define REPS 3
#define MAX_PAIRS 24
#define LOOKS 4

static uint64_t rng_state;

static uint64_t splitmix64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double uniform(void)
{
	return ((splitmix64() >> 11) + 0.5) / 9007199254740992.0;
}

static double gauss(void)
{
	return sqrt(-2 * log(uniform())) * cos(2 * M_PI * uniform());
}

enum shape {
	NORMAL, /* log-throughput normal: throughput lognormal */
	SKEWED, /* a few invocations much slower: exponential tail */
	HEAVY, /* Student t with 3 degrees of freedom */
	BIMODAL, /* two regimes, 70% / 30%, 8 noise sd apart */
};

struct scenario {
	enum shape shape;
	double shift; /* true log change of every configuration */
	double sd_inv, sd_rep; /* noise between invocations, inside one */
	double slow_share_b, slow_share_n; /* BIMODAL: share of the slow */
};

/* The noise an invocation shares with all its repetitions. */
static double invocation_noise(const struct scenario *s)
{
	double c, d, f;

	switch (s->shape) {
	case SKEWED:
		/* exponential with sd sd_inv, centred: a tail of slow ones */
		return -s->sd_inv * (-log(uniform()) - 1);
	case HEAVY:
		/* t with 3 degrees of freedom has variance 3 */
		c = gauss();
		d = gauss();
		f = gauss();
		return s->sd_inv * gauss() / sqrt((c * c + d * d + f * f) / 3) /
		       sqrt(3);
	default:
		return s->sd_inv * gauss();
	}
}

struct config_data {
	double xb[MAX_PAIRS], xn[MAX_PAIRS];
	double pb[MAX_PAIRS * REPS], pn[MAX_PAIRS * REPS];
};

/* Invocation @i of one side: REPS repetitions, their mean the sample. */
static void invocation(const struct scenario *s, double shift, double slow,
		       double *x, double *reps)
{
	double inv = invocation_noise(s), sum = 0;
	unsigned int r;

	for (r = 0; r < REPS; r++) {
		/* BIMODAL: each repetition spins or sleeps */
		double regime = s->shape == BIMODAL && uniform() < slow ?
					-8 * s->sd_rep :
					0;

		reps[r] = shift + inv + regime + s->sd_rep * gauss();
		sum += reps[r];
	}
	*x = sum / REPS;
}

struct outcome {
	unsigned int counts[LB_V_NVERDICTS]; /* over configurations */
	unsigned int pairs; /* at the stop */
};

/*
 * One simulated `ab`: @k configurations, looks as cmd_ab.c makes them.
 * @k_div divides the look's level (@k; 1 breaks it), @spend
 * false gives every look the full alpha (broken), @no_threshold tests
 * against no change (broken).
 */
static void simulate_ab(const struct scenario *s, unsigned int k,
			unsigned int k_div, bool spend, bool no_threshold,
			struct outcome *out)
{
	static struct config_data cd[CONFIGS];
	struct lb_margins mg = { .better = +1,
				 .lo = log(1 - THRESHOLD),
				 .hi = log(1 + THRESHOLD),
				 .bad = log(1 - THRESHOLD) };
	unsigned int j, c, p = 0;
	enum lb_verdict v[CONFIGS];

	if (no_threshold)
		mg.lo = mg.hi = mg.bad = 0;
	memset(out, 0, sizeof(*out));
	for (j = 1; j <= LOOKS; j++) {
		unsigned int upto = j * MAX_PAIRS / LOOKS, undecided = 0;
		/* what compare.c does; the broken variants by hand */
		double level = lb_row_level(j, LOOKS, false, ALPHA, k);

		if (!spend)
			level = ALPHA / k;
		if (k_div != k)
			level = lb_look_level(j, LOOKS, false, ALPHA) / k_div;

		for (; p < upto; p++)
			for (c = 0; c < k; c++) {
				invocation(s, 0, s->slow_share_b, &cd[c].xb[p],
					   &cd[c].pb[p * REPS]);
				invocation(s, s->shift, s->slow_share_n,
					   &cd[c].xn[p], &cd[c].pn[p * REPS]);
			}
		for (c = 0; c < k; c++) {
			struct lb_side_values b = { cd[c].xb, p, cd[c].pb,
						    p * REPS };
			struct lb_side_values n = { cd[c].xn, p, cd[c].pn,
						    p * REPS };
			struct lb_decision d;

			lb_decide(&b, &n, &mg, level, &d);
			v[c] = d.v;
			undecided += d.v == LB_V_UNDECIDED;
		}
		if (!undecided)
			break;
	}
	for (c = 0; c < k; c++)
		out->counts[v[c]]++;
	out->pairs = p;
}

struct rates {
	double any_regression, any_improvement, any_equivalent;
	double all_flagged; /* every configuration a regression */
	double mean_pairs;
	unsigned int equivalent_rows, rows;
};

static void run_trials(const struct scenario *s, unsigned int trials,
		       uint64_t seed, unsigned int k, unsigned int k_div,
		       bool spend, bool no_threshold, struct rates *r)
{
	unsigned int t;

	rng_state = seed;
	memset(r, 0, sizeof(*r));
	for (t = 0; t < trials; t++) {
		struct outcome o;

		simulate_ab(s, k, k_div, spend, no_threshold, &o);
		r->any_regression += o.counts[LB_V_REGRESSION] > 0;
		r->any_improvement += o.counts[LB_V_IMPROVEMENT] > 0;
		r->any_equivalent += o.counts[LB_V_EQUIVALENT] > 0;
		r->all_flagged += o.counts[LB_V_REGRESSION] == k;
		r->equivalent_rows += o.counts[LB_V_EQUIVALENT];
		r->rows += k;
		r->mean_pairs += o.pairs;
	}
	r->any_regression /= trials;
	r->any_improvement /= trials;
	r->any_equivalent /= trials;
	r->all_flagged /= trials;
	r->mean_pairs /= trials;
}

/* alpha + 3 binomial standard errors of a rate over @n trials */
static double bound(unsigned int n)
{
	return ALPHA + 3 * sqrt(ALPHA * (1 - ALPHA) / n);
}

static bool near(double a, double b, double tol)
{
	return fabs(a - b) <= tol;
}

static void known_values(void)
{
	static const double x[] = { 1, 2, 3, 4 }, y[] = { 2, 3, 4, 5, 6 };
	struct lb_effect e;
	double sum = 0;
	unsigned int j;

	tap_ok(near(lb_t_quantile(0.975, 1), 12.706, 0.001) &&
		       near(lb_t_quantile(0.975, 10), 2.228, 0.001) &&
		       near(lb_t_quantile(0.995, 5), 4.032, 0.001) &&
		       near(lb_t_quantile(0.9995, 3), 12.924, 0.002) &&
		       near(lb_t_quantile(0.025, 30), -2.042, 0.001),
	       "t quantiles match the tables: t(.975, 10) = %.4f (2.228)",
	       lb_t_quantile(0.975, 10));
	/* by hand: means 2.5, 4; a_x = 5/12, a_y = 1/2; df = 6.9808 */
	lb_welch(x, 4, y, 5, 0.025, &e);
	tap_ok(near(e.est, 1.5, 1e-12) && near(e.se, sqrt(11.0 / 12), 1e-12) &&
		       near(e.df, 6.9808, 1e-3) &&
		       near(e.hi - e.est, e.crit * e.se, 1e-12),
	       "Welch: shift %.3f, se %.4f, df %.4f (1.5, 0.9574, 6.9808)",
	       e.est, e.se, e.df);
	tap_ok(near(lb_obf_spent(0.5, 0.05), 0.005575, 2e-5) &&
		       lb_obf_spent(1, 0.05) == 0.05 &&
		       lb_obf_spent(0.25, 0.05) < 1e-4,
	       "O'Brien-Fleming spending: alpha(0.5) = %.6f (0.005575)",
	       lb_obf_spent(0.5, 0.05));
	for (j = 1; j <= LOOKS; j++)
		sum += lb_look_level(j, LOOKS, false, ALPHA);
	tap_ok(near(sum, ALPHA, 1e-12) &&
		       near(lb_look_level(2, 4, true, ALPHA) +
				    lb_look_level(1, 4, false, ALPHA),
			    ALPHA, 1e-12),
	       "look levels add up to alpha; a final look spends the rest");
}

/*
 * No change: no false regression or improvement, and (one regime) most
 * rows shown equivalent within 24 pairs at 3% noise: what an A/A check in
 * CI needs to come out green.
 */
static void null_rates(const char *name, const struct scenario *s,
		       unsigned int trials, uint64_t seed)
{
	struct rates r;
	double eq;

	run_trials(s, trials, seed, CONFIGS, CONFIGS, true, false, &r);
	eq = (double)r.equivalent_rows / r.rows;
	tap_ok(r.any_regression <= bound(trials) &&
		       r.any_improvement <= bound(trials) &&
		       (s->shape == BIMODAL || eq >= 0.8),
	       "A/A %s, %u trials of %u configurations: a false regression "
	       "in %.2f%%, a false improvement in %.2f%% (<= %.2f%%); "
	       "equivalent rows %.0f%% (>= 80%% in one regime), %.1f pairs",
	       name, trials, CONFIGS, 100 * r.any_regression,
	       100 * r.any_improvement, 100 * bound(trials), 100 * eq,
	       r.mean_pairs);
}

static void boundary_rates(const char *name, struct scenario s,
			   unsigned int trials, uint64_t seed)
{
	struct rates r, in;
	double wrong;
	int sign;

	/* truly 2% slower: inside the margin, not a regression */
	s.shift = log(1 - 0.02);
	run_trials(&s, trials, seed + 2, CONFIGS, CONFIGS, true, false, &in);
	tap_ok(in.any_regression <= bound(trials),
	       "%s inside the margin (-2%%), %u trials: a false regression in "
	       "%.2f%% (<= %.2f%%)",
	       name, trials, 100 * in.any_regression, 100 * bound(trials));
	/* one configuration alone: all of each look's level on it, so that
	 * what the looks spend shows */
	s.shift = log(1 - THRESHOLD);
	run_trials(&s, trials, seed + 3, 1, 1, true, false, &r);
	tap_ok(r.any_regression <= bound(trials),
	       "%s at the margin (-5%%), one configuration, %u trials of up "
	       "to %u looks: a false regression in %.2f%% (<= %.2f%%)",
	       name, trials, LOOKS, 100 * r.any_regression,
	       100 * bound(trials));
	/* truly 5% slower (faster), exactly at the margin: neither a
	 * regression (improvement) nor equivalent */
	for (sign = -1; sign <= 1; sign += 2) {
		s.shift = log(1 + sign * THRESHOLD);
		run_trials(&s, trials, seed + (sign > 0), CONFIGS, CONFIGS,
			   true, false, &r);
		wrong = sign < 0 ? r.any_regression : r.any_improvement;
		tap_ok(wrong <= bound(trials) &&
			       r.any_equivalent <= bound(trials),
		       "%s at the margin (%+.0f%%), %u trials: a false %s in "
		       "%.2f%%, a false equivalence in %.2f%% (<= %.2f%%)",
		       name, sign * THRESHOLD * 100, trials,
		       sign < 0 ? "regression" : "improvement", 100 * wrong,
		       100 * r.any_equivalent, 100 * bound(trials));
	}
}

static void power(const char *name, double change, double sd_inv,
		  unsigned int trials, uint64_t seed)
{
	struct scenario s = { NORMAL, log(1 + change), sd_inv, sd_inv, 0, 0 };
	struct rates r;

	run_trials(&s, trials, seed, CONFIGS, CONFIGS, true, false, &r);
	tap_ok(r.all_flagged >= 0.9 && r.equivalent_rows == 0,
	       "power, %s: %+.0f%% at %.0f%% noise between and inside "
	       "invocations: all %u configurations flagged in %.1f%% of %u "
	       "trials (>= 90%%), equivalent rows %u (0), %.1f pairs",
	       name, 100 * change, 100 * sd_inv, CONFIGS, 100 * r.all_flagged,
	       trials, r.equivalent_rows, r.mean_pairs);
}

/*
 * The broken procedures fail what the correct one passes: without the
 * division by the number of configurations, and without spending (full
 * alpha at each look, one configuration), at the margin; without the
 * threshold, a 2% change inside the margin and the A/A equivalence.
 */
static void broken(unsigned int trials)
{
	struct scenario at = { NORMAL, log(1 - THRESHOLD), 0.03, 0.03, 0, 0 };
	struct scenario in = { NORMAL, log(1 - 0.02), 0.03, 0.03, 0, 0 };
	struct scenario aa = { NORMAL, 0, 0.03, 0.03, 0, 0 };
	struct rates nok, nospend, nothr, nothr_aa;

	run_trials(&at, trials, 11, CONFIGS, 1, true, false, &nok);
	run_trials(&at, trials, 11, 1, 1, false, false, &nospend);
	run_trials(&in, trials, 12, CONFIGS, CONFIGS, true, true, &nothr);
	run_trials(&aa, trials / 4, 13, CONFIGS, CONFIGS, true, true,
		   &nothr_aa);
	tap_ok(nok.any_regression > bound(trials) &&
		       nospend.any_regression > bound(trials) &&
		       nothr.any_regression > bound(trials) &&
		       nothr_aa.equivalent_rows < 0.8 * nothr_aa.rows,
	       "the bounds catch broken procedures: no multiplicity "
	       "correction %.1f%%, no alpha spending %.1f%%, no threshold "
	       "%.1f%% false regressions (> %.2f%%), and %u of %u A/A rows "
	       "equivalent without a threshold (< 80%%)",
	       100 * nok.any_regression, 100 * nospend.any_regression,
	       100 * nothr.any_regression, 100 * bound(trials),
	       nothr_aa.equivalent_rows, nothr_aa.rows);
}

static void regimes(unsigned int trials)
{
	struct scenario shifted = { BIMODAL, 0, 0.0, 0.03, 0.3, 0.6 };
	unsigned int t, fp18 = 0, fp72 = 0, found = 0, i;
	struct lb_bimodal b;
	double x[72];
	struct rates r;

	rng_state = 21;
	for (t = 0; t < trials; t++) {
		for (i = 0; i < 72; i++)
			x[i] = gauss();
		lb_bimodal(x, 18, &b);
		fp18 += b.bimodal;
		lb_bimodal(x, 72, &b);
		fp72 += b.bimodal;
		for (i = 0; i < 18; i++)
			x[i] = gauss() + (uniform() < 0.3 ? -10 : 0);
		lb_bimodal(x, 18, &b);
		found += b.bimodal;
	}
	tap_ok(fp18 <= trials / 100 && fp72 <= trials / 100 &&
		       found >= trials * 95 / 100,
	       "regimes: one normal sample seen as two in %u and %u of %u "
	       "(n = 18, 72; <= 1%%); a 70/30 mixture 10 sd apart found in "
	       "%u (>= 95%%)",
	       fp18, fp72, trials, found);
	/* the same two regimes, their shares shifting: never equivalent */
	run_trials(&shifted, trials / 4, 22, CONFIGS, CONFIGS, true, false, &r);
	tap_ok(r.equivalent_rows == 0,
	       "regimes shifting 70/30 -> 40/60 with equal regime speeds: "
	       "equivalent in %u of %u rows (0); a regression in %.1f%% of "
	       "trials",
	       r.equivalent_rows, r.rows, 100 * r.any_regression);
}

int main(void)
{
	struct scenario normal = { NORMAL, 0, 0.03, 0.03, 0, 0 };
	struct scenario skewed = { SKEWED, 0, 0.03, 0.03, 0, 0 };
	struct scenario heavy = { HEAVY, 0, 0.03, 0.03, 0, 0 };
	struct scenario bimodal = { BIMODAL, 0, 0.0, 0.03, 0.3, 0.3 };

	tap_plan(21);
	known_values();
	null_rates("normal", &normal, 1000, 1);
	null_rates("skewed", &skewed, 1000, 2);
	null_rates("heavy-tailed", &heavy, 1000, 3);
	null_rates("bimodal 70/30", &bimodal, 500, 4);
	boundary_rates("normal", normal, 1500, 5);
	boundary_rates("skewed", skewed, 1500, 8);
	power("1 thread", -0.10, 0.02, 500, 11);
	power("2 threads", -0.20, 0.06, 500, 12);
	broken(1500);
	regimes(2000);
	return tap_done();
}
