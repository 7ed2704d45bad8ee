/* SPDX-License-Identifier: MIT */
/*
 * verdict.h - the four verdicts of a comparison and the statistics behind
 * them: an interval of the change of one metric between two samples, the
 * verdict that interval allows against a margin of practical equivalence,
 * the smallest change the data could have detected, the level of each look
 * of a sequential comparison, and a check for two regimes in a sample.
 *
 * The samples are on the scale the comparison works on (log throughput,
 * log latency, ...: see compare.c); a shift y - x on that scale is the
 * change.  Every interval is two-sided with probability @level in each
 * tail, i.e. a 1 - 2 level interval; its bounds are one-sided level-@level
 * tests.  Pure functions of their arguments: safe from any thread.
 */
#ifndef LB_HARNESS_VERDICT_H
#define LB_HARNESS_VERDICT_H

#include <stdbool.h>

enum lb_verdict {
	LB_V_REGRESSION, /* worse beyond the margin, significantly */
	LB_V_UNDECIDED, /* neither: the data cannot tell */
	LB_V_EQUIVALENT, /* the interval lies inside the margins */
	LB_V_IMPROVEMENT, /* better beyond the margin, significantly */
	LB_V_NVERDICTS,
};

extern const char *const lb_verdict_names[LB_V_NVERDICTS];

struct lb_effect {
	bool rank; /* Hodges-Lehmann + Mann-Whitney, not Welch's t */
	double est; /* shift y - x: difference of means, or HL shift */
	double lo, hi; /* the interval; NaN when these sizes cannot reach it */
	double se; /* standard error of @est (rank: implied by the interval) */
	double df; /* Welch-Satterthwaite degrees of freedom; NaN for rank */
	double crit; /* the critical value the interval used */
};

/* Student's t distribution function, @df > 0 (not necessarily whole). */
double lb_t_cdf(double t, double df);
/* Its @p-quantile, 0 < p < 1. */
double lb_t_quantile(double p, double df);

/*
 * Welch's interval for the difference of means y - x (n, m >= 2): the
 * two-sided 1 - 2 @level interval with Welch-Satterthwaite's degrees of
 * freedom (Welch 1947).  Identical constant samples give a zero-width
 * interval.
 */
void lb_welch(const double *x, unsigned int n, const double *y, unsigned int m,
	      double level, struct lb_effect *e);
/* The same from the Hodges-Lehmann shift and its distribution-free
 * interval (mwu.h); lo and hi are NaN when the level is out of reach. */
void lb_rank_effect(const double *x, unsigned int n, const double *y,
		    unsigned int m, double level, struct lb_effect *e);

/*
 * May Welch's interval be trusted on @x: at least 4 values and none
 * farther than 4.5 robust standard deviations (1.4826 MAD) from the
 * median.  The samples compare.c passes are means of several repetitions,
 * so the central limit theorem works for us; what breaks a t interval at
 * these sizes is a lone outlier or two regimes (lb_bimodal).
 */
bool lb_t_usable(const double *x, unsigned int n);

/*
 * The verdict of the interval [e->lo, e->hi] of a change, where @better is
 * +1 when larger is better: regression when the whole interval lies beyond
 * @bad_margin in the bad direction, improvement when it lies beyond
 * @good_margin in the good one, equivalent when it lies strictly between
 * @lo_margin and @hi_margin (the equivalence margins, lo < 0 < hi), else
 * undecided.  Margins are given on the compared scale (log(0.95), ...).
 */
enum lb_verdict lb_verdict_of(const struct lb_effect *e, int better,
			      double lo_margin, double hi_margin,
			      double bad_margin, double good_margin);

/*
 * The smallest change in the bad direction (a magnitude on the compared
 * scale, beyond |@bad_margin|) that this interval's precision would flag
 * as a regression with probability @power: |bad_margin| + (crit +
 * z_power) se.  NaN when the interval is out of reach.
 */
double lb_detectable(const struct lb_effect *e, double bad_margin,
		     double power);

/*
 * Alpha spending, Lan & DeMets (1983), O'Brien-Fleming type, for a
 * one-sided level @alpha: alpha(t) = 2 - 2 Phi(z_{1 - alpha/2} / sqrt(t)),
 * t the information fraction in (0, 1].
 */
double lb_obf_spent(double t, double alpha);
/*
 * The level of look @look (1-based) of @looks equally spaced ones: what
 * the spending function releases since the previous look, or, when @final
 * (the budget ends here), all that is left of @alpha.  The levels of the
 * looks made add up to at most @alpha, so by the union bound every look's
 * error together stays below @alpha whatever the dependence between looks.
 */
double lb_look_level(unsigned int look, unsigned int looks, bool final,
		     double alpha);

/*
 * The level of each tail of every interval at that look when @k
 * comparisons decide together: lb_look_level / k (Bonferroni; k = 0 is
 * taken as 1).  So every interval of every look covers at once with
 * probability at least 1 - 2 alpha.
 */
double lb_row_level(unsigned int look, unsigned int looks, bool final,
		    double alpha, unsigned int k);

struct lb_bimodal {
	bool bimodal;
	double cut; /* values below are the low regime */
	double d; /* Ashman's D of the best split */
	double low_share; /* share of values below @cut */
};

/*
 * Two regimes in @x (n values)?  The sorted values are split where
 * Ashman's D = sqrt(2) |m1 - m2| / sqrt(s1^2 + s2^2) (Ashman, Bird & Zepf
 * 1994) is largest, each part at least 10% and 2 values; bimodal when D
 * exceeds LB_BIMODAL_D(n) and n >= 10.  Ashman's D > 2 is the criterion for
 * the components of a fitted mixture; a hard split of one normal sample
 * already gives about 2.7 for large n and, in 99.9% of samples, up to 7.5
 * at n = 12, 6.4 at n = 18 and 4.8 at n = 30 (simulated; tests/t_verdict.c
 * checks the false-detection rate), so the bar is higher and falls with n.
 * Regimes of a lock on a VM (spinning or sleeping waiters) lie many times
 * farther apart than their noise.
 */
void lb_bimodal(const double *x, unsigned int n, struct lb_bimodal *b);
#define LB_BIMODAL_D(n) ((n) < 30 ? 7.0 : 6.0)

/* Share of @x (n values) below @cut. */
double lb_share_below(const double *x, unsigned int n, double cut);

/* One side of a comparison: its samples (one per invocation, or the
 * repetitions), and every repetition behind them (to see regimes in). */
struct lb_side_values {
	const double *x;
	unsigned int n;
	const double *reps;
	unsigned int nreps;
};

/* The margins of one metric on its compared scale (lo < 0 < hi). */
struct lb_margins {
	int better; /* +1 larger is better, -1 smaller is better */
	double lo, hi; /* equivalence: strictly inside (lo, hi) */
	double bad; /* a regression is beyond this (lo or hi, or wider) */
};

struct lb_decision {
	struct lb_effect e;
	enum lb_verdict v;
	double detect; /* lb_detectable at 80% power */
	bool two; /* two regimes on either side */
	struct lb_bimodal bim_b, bim_n;
	double low_b, low_n; /* shares below one cut when @two, else NaN */
};

/*
 * The whole decision for one configuration and metric at @level (each
 * tail), n >= 2 on both sides: regimes on either side -> ranks, and never
 * equivalent; otherwise Welch's t where lb_t_usable() allows it on both
 * sides, ranks where it does not; the verdict, the detectable change.
 */
void lb_decide(const struct lb_side_values *b, const struct lb_side_values *n,
	       const struct lb_margins *mg, double level,
	       struct lb_decision *d);

#endif /* LB_HARNESS_VERDICT_H */
