/* SPDX-License-Identifier: MIT */
/*
 * compare.h - the regression check shared by `compare` and `ab`.
 *
 * Runs are matched by their configuration key (resultfile.h).  For each
 * configuration present on both sides and each metric, the samples are:
 *
 *   LB_CMP_REPS         the repetitions inside one result file per side
 *                       (`compare BASE NEW`);
 *   LB_CMP_INVOCATIONS  one value per result file - the mean over all its
 *                       valid repetitions - over several files per side,
 *                       each an invocation of its own (`ab`, interleaved
 *                       A B A B).  The process is the unit of the noise
 *                       that matters (its memory layout, its calibration,
 *                       the machine's load while it ran): repetitions
 *                       inside one share it, so they are averaged, not
 *                       counted as samples, and averaging them all (not
 *                       taking the best) uses what each carries.
 *
 * Every metric but fairness is compared on the log scale, where a change
 * is a ratio and the noise of a rate is closer to normal; Jain's index,
 * bounded by 1, on its own scale.  Per configuration and metric the change
 * gets an interval (Welch's t on the samples where they allow it,
 * Hodges-Lehmann from the Mann-Whitney U distribution where they do not:
 * verdict.h) and one of four verdicts against the margin `threshold`:
 *
 *   REGRESSION   the whole interval is worse than the margin;
 *   improvement  the whole interval is better than the margin;
 *   equivalent   the whole interval lies inside the margins (two one-sided
 *                tests, Schuirmann 1987): the only "ok";
 *   undecided    neither: the data could not tell.
 *
 * Each row also says the smallest regression its precision would have
 * flagged with 80% power (lb_detectable).  The intervals are simultaneous:
 * each has probability at most `level` in each tail, where level is the
 * look's share of alpha (verdict.h: lb_look_level; a single look gets all
 * of it) divided by the number of gated comparisons (Bonferroni: Holm's
 * step-down has no interval form to carry into equivalence and sequential
 * looks).  So over every gated row and every look, the chance of a false
 * regression stays below alpha (an upper bound below the truth somewhere),
 * and so does, each on its own, the chance of a false improvement or of a
 * false equivalence (a lower bound above it, or the reverse).
 *
 * Throughput and CPU time per operation gate by default (`--gate`), and
 * only they: throughput is what a lock is for, but on a shared machine it
 * also carries the time slices other processes take (measured on a 2-vCPU
 * VM with other processes using 1.5-1.9 CPUs: one-thread throughput moved
 * by a factor of 3 between invocations, CPU per operation by +-5%); CPU
 * per operation is the same code's cost without the stolen time, and a
 * lock that costs more CPU per operation has regressed too.  Each gated
 * metric costs the others power (the Bonferroni divisor), so p99 latency
 * (at the timer's resolution here: ties) and fairness (1 at one thread)
 * are shown with their verdicts at the same level, outside the family.
 *
 * A configuration whose values fall into two regimes on either side (a
 * waiter that spins or sleeps: lb_bimodal) is compared by ranks, shows each
 * side's share of the low regime, and is never "equivalent".
 *
 * In LB_CMP_REPS mode the repetitions of one process understate the noise
 * between processes, so a regression must also be beyond twice the larger
 * robust standard deviation of the repetitions, and is "undecided" when
 * other processes took CPUs the run's threads needed (the machine state
 * recorded in every repetition).
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
	double alpha; /* family-wise, one-sided, 0.05 */
	unsigned int metrics; /* shown: bit i is lb_cmp_metrics[i] */
	unsigned int gate; /* decide the verdict: a subset of metrics */
	bool json;
	const char *base_name, *new_name; /* "BASE"/"NEW" or "A"/"B" */
	/* a sequential comparison: this is look @look of @looks; @final
	 * when no other look follows (1, 1, true for a single comparison) */
	unsigned int look, looks;
	bool final;
};

/* What a comparison found, over the gated rows. */
struct lb_cmp_outcome {
	unsigned int regressions; /* failed configurations included */
	unsigned int undecided, equivalent, improvements;
	int rc; /* LB_EXIT_OK, LB_EXIT_CHECK or LB_EXIT_UNDECIDED */
};

/* Exit status when nothing regressed but something is undecided. */
#define LB_EXIT_UNDECIDED 4

struct lb_cmp_metric {
	const char *name; /* as in the result file and --metric */
	const char *label;
	const char *unit;
	double scale; /* printed value = value * scale */
	int better; /* +1 higher is better, -1 lower is better */
	bool logscale; /* compared as log(value): changes are ratios */
};

extern const struct lb_cmp_metric lb_cmp_metrics[];
extern const unsigned int lb_cmp_nmetrics;

/* Parse a metric list ("ops_per_sec,jain" or "all") given to option @opt
 * into a mask. */
int lb_cmp_parse_metrics(const char *opt, const char *arg, unsigned int *mask,
			 char *err, size_t errlen);
/* Parse "5%" or "0.05" into a fraction in (0, 1). */
int lb_cmp_parse_fraction(const char *opt, const char *arg, double *out,
			  char *err, size_t errlen);

/* Options shared by compare and ab (getopt_long values). */
enum {
	LB_OPT_THRESHOLD = 300,
	LB_OPT_ALPHA,
	LB_OPT_METRIC,
	LB_OPT_JSON,
	LB_OPT_GATE,
};

/* Defaults: threshold 5%, alpha 0.05, every metric shown, throughput and
 * CPU/op gate, BASE/NEW, one look. */
void lb_cmp_defaults(struct lb_cmp_opts *o);
/* Handle one of the LB_OPT_* options; false if @c is not one of them. */
bool lb_cmp_option(struct lb_cmp_opts *o, int c, const char *arg);

/*
 * Compare @base (nb files) with @cand (nc files).  In LB_CMP_REPS mode
 * nb == nc == 1.  Prints the table (or JSON) on @out unless it is NULL,
 * fills @res unless it is NULL, and returns the exit status: LB_EXIT_OK
 * (every gated row equivalent or improved), LB_EXIT_CHECK (a regression,
 * or a configuration failed its check in NEW) or LB_EXIT_UNDECIDED.
 */
int lb_compare_look(const struct lb_cmp_opts *o, enum lb_cmp_mode mode,
		    struct lb_rf *const *base, unsigned int nb,
		    struct lb_rf *const *cand, unsigned int nc, FILE *out,
		    struct lb_cmp_outcome *res);
/* The same, printing on @out. */
int lb_compare(const struct lb_cmp_opts *o, enum lb_cmp_mode mode,
	       struct lb_rf *const *base, unsigned int nb,
	       struct lb_rf *const *cand, unsigned int nc, FILE *out);

#endif /* LB_HARNESS_COMPARE_H */
