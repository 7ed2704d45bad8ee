/* SPDX-License-Identifier: MIT */
/*
 * compare_impl.h - what compare.c hands to its printer, compare_out.c.
 * Private to harness/analysis.
 */
#ifndef LB_HARNESS_COMPARE_IMPL_H
#define LB_HARNESS_COMPARE_IMPL_H

#include "harness/analysis/compare.h"
#include "harness/analysis/verdict.h"

struct lb_cmp_side {
	struct lb_rf *const *files;
	unsigned int nfiles;
};

/* One configuration and metric. */
struct lb_cmp_row {
	const char *label, *key;
	const struct lb_cmp_metric *m;
	bool gated; /* counts for the verdict and the family */
	bool tested; /* both sides have 2 samples or more */
	enum lb_verdict v;
	unsigned int nb, nn; /* samples per side */
	double *xb, *xn; /* the samples, on the compared scale */
	double *pb, *pn; /* every repetition, same scale (regimes) */
	unsigned int npb, npn;
	double center_b, center_n; /* median sample, as a value */
	double level; /* each tail of the interval */
	struct lb_margins mg;
	struct lb_decision d; /* interval, verdict, detectable, regimes */
	char note[160];
};

/* Everything one comparison found. */
struct lb_cmp {
	const struct lb_cmp_opts *o;
	enum lb_cmp_mode mode;
	struct lb_cmp_side base, cand;
	struct lb_cmp_row *rows;
	unsigned int nrows, ntests;
	double look_level; /* alpha spent at this look */
	const char **missing, **added, **failed;
	unsigned int nmissing, nadded, nfailed;
	unsigned int excluded_b, excluded_n, invalid_b, invalid_n;
	bool slowed;
	struct lb_cmp_outcome res;
};

/* Change and bounds as printed: a ratio, or a difference. */
double lb_cmp_shown(const struct lb_cmp_row *r, double v);

void lb_cmp_print_table(FILE *out, const struct lb_cmp *c);
void lb_cmp_print_json(FILE *out, const struct lb_cmp *c);

#endif /* LB_HARNESS_COMPARE_IMPL_H */
