/* SPDX-License-Identifier: MIT */
/*
 * compare.h - the regression check shared by `compare` and `ab`.
 *
 * Runs are matched by their configuration key (resultfile.h).  For each
 * configuration present on both sides and each metric, the samples are:
 *
 *   LB_CMP_REPS         the repetitions inside one result file per side
 *                       (`compare BASE NEW`);
 *   LB_CMP_INVOCATIONS  one value per result file - the best of its
 *                       repetitions, the least disturbed by other processes
 *                       - over several files per side, each an invocation
 *                       of its own (`ab`, interleaved A B A B).
 *
 * Repetitions inside one process share that process's fate (its memory
 * layout, its calibration, the load of the machine while it ran): they are
 * not independent samples of the noise between two runs, and a plain U test
 * over them flags a build against itself.  So a regression must be
 *
 *   1. beyond the threshold: the threshold is a margin of practical
 *      equivalence, and the test is one-sided against the margin-shifted
 *      base (H0: NEW is at most `threshold` worse than BASE), not against
 *      "no change" (Wellek, "Testing Statistical Hypotheses of Equivalence
 *      and Noninferiority", 2010, ch. 1);
 *   2. significant after Holm's correction over every comparison made in
 *      the invocation;
 *   3. in LB_CMP_REPS mode only: beyond a wider margin when the
 *      repetitions themselves are noisy (twice the larger robust
 *      coefficient of variation, 1.4826 MAD / median), because noise
 *      between processes is at least the noise inside one; and not
 *      measured while other processes took CPUs the run's threads needed
 *      (the machine state recorded in every repetition): then the change
 *      cannot be attributed to the build and the verdict is "undecided".
 *
 * When the sample sizes cannot reach significance at all (the smallest
 * attainable p-value is above alpha / comparisons), a change is reported as
 * "undecided", never guessed.  The effect is reported as the ratio of
 * medians with a confidence interval from the Hodges-Lehmann estimator on
 * the logarithms (a ratio interval).
 */
#ifndef LB_HARNESS_COMPARE_H
#define LB_HARNESS_COMPARE_H

#include <stdbool.h>
#include <stdio.h>

#include "harness/results/resultfile.h"

enum lb_cmp_mode {
	LB_CMP_REPS,
	LB_CMP_INVOCATIONS,
};

struct lb_cmp_opts {
	double threshold; /* relative, 0.05 = 5% */
	double alpha; /* family-wise, 0.05 */
	unsigned int metrics; /* bit i: lb_cmp_metrics[i] */
	bool json;
	const char *base_name, *new_name; /* "BASE"/"NEW" or "A"/"B" */
};

struct lb_cmp_metric {
	const char *name; /* as in the result file and --metric */
	const char *label;
	const char *unit;
	double scale; /* printed value = value * scale */
	int better; /* +1 higher is better, -1 lower is better */
};

extern const struct lb_cmp_metric lb_cmp_metrics[];
extern const unsigned int lb_cmp_nmetrics;

/* Parse a --metric list ("ops_per_sec,jain" or "all") into a mask. */
int lb_cmp_parse_metrics(const char *arg, unsigned int *mask, char *err,
			 size_t errlen);
/* Parse "5%" or "0.05" into a fraction in (0, 1). */
int lb_cmp_parse_fraction(const char *opt, const char *arg, double *out,
			  char *err, size_t errlen);

/* Options shared by compare and ab (getopt_long values). */
enum {
	LB_OPT_THRESHOLD = 300,
	LB_OPT_ALPHA,
	LB_OPT_METRIC,
	LB_OPT_JSON,
};

/* Defaults: threshold 5%, alpha 0.05, every metric, BASE/NEW. */
void lb_cmp_defaults(struct lb_cmp_opts *o);
/* Handle one of the LB_OPT_* options; false if @c is not one of them. */
bool lb_cmp_option(struct lb_cmp_opts *o, int c, const char *arg);

/*
 * Compare @base (nb files) with @cand (nc files).  In LB_CMP_REPS mode
 * nb == nc == 1.  Prints the table (or JSON) on @out and returns the exit
 * status: LB_EXIT_OK (no regression) or LB_EXIT_CHECK (regression).
 */
int lb_compare(const struct lb_cmp_opts *o, enum lb_cmp_mode mode,
	       struct lb_rf *const *base, unsigned int nb,
	       struct lb_rf *const *cand, unsigned int nc, FILE *out);

#endif /* LB_HARNESS_COMPARE_H */
