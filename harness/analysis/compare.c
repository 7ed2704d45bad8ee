/* SPDX-License-Identifier: MIT */
/*
 * compare.c - match configurations, test each metric, correct for multiple
 * comparisons, print the verdict.  The reasoning is in compare.h.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/compare.h"
#include "harness/analysis/mwu.h"
#include "harness/util/options.h"
#include "harness/analysis/stats.h"
#include "runtime/compiler.h"

const struct lb_cmp_metric lb_cmp_metrics[] = {
	{ "ops_per_sec", "throughput", "Mops/s", 1e-6, +1 },
	{ "latency_p99_ns", "p99 latency", "ns", 1, -1 },
	{ "jain", "fairness", "Jain", 1, +1 },
	{ "cpu_us_per_op", "CPU/op", "us", 1, -1 },
};
const unsigned int lb_cmp_nmetrics = LB_ARRAY_SIZE(lb_cmp_metrics);

/* Other processes may use this much CPU beyond what the threads left. */
#define BUSY_SLACK_CPUS 0.25
/* Noisy repetitions widen the margin to this many robust CVs. */
#define NOISE_CVS 2.0

enum state {
	ST_REGRESSION,
	ST_FAILED, /* NEW failed a correctness check */
	ST_UNDECIDED,
	ST_NOISE, /* worse beyond the margin, not significant */
	ST_OK,
	ST_BETTER,
	ST_NSTATES,
};

static const char *const state_names[ST_NSTATES] = {
	"REGRESSION", "FAILED", "undecided", "not-significant", "ok", "better",
};

struct row {
	const char *label, *key;
	const struct lb_cmp_metric *m;
	enum state state;
	unsigned int nb, nn;
	double med_b, med_n, ratio, ci_lo, ci_hi;
	double margin, p, p_adj, p_min;
	bool tested;
	char note[160];
};

int lb_cmp_parse_metrics(const char *arg, unsigned int *mask, char *err,
			 size_t errlen)
{
	char *copy, *item, *save = NULL;
	unsigned int i;

	*mask = 0;
	if (!strcmp(arg, "all")) {
		*mask = (1u << lb_cmp_nmetrics) - 1;
		return 0;
	}
	copy = strdup(arg);
	if (!copy)
		lb_xmalloc_fail(strlen(arg) + 1);
	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < lb_cmp_nmetrics; i++)
			if (!strcmp(item, lb_cmp_metrics[i].name))
				break;
		if (i == lb_cmp_nmetrics) {
			snprintf(err, errlen,
				 "invalid --metric value '%s': known metrics "
				 "are ops_per_sec, latency_p99_ns, jain, "
				 "cpu_us_per_op, all",
				 item);
			free(copy);
			return -1;
		}
		*mask |= 1u << i;
	}
	free(copy);
	if (!*mask) {
		snprintf(err, errlen, "invalid --metric value '%s': empty",
			 arg);
		return -1;
	}
	return 0;
}

int lb_cmp_parse_fraction(const char *opt, const char *arg, double *out,
			  char *err, size_t errlen)
{
	char *end;
	double v = strtod(arg, &end);

	if (end != arg && *end == '%' && end[1] == '\0')
		v /= 100;
	else if (end == arg || *end)
		v = NAN;
	if (!(v > 0 && v < 1)) {
		snprintf(err, errlen,
			 "invalid %s value '%s': expected a fraction such as "
			 "0.05 or a percentage such as 5%%, above 0 and below "
			 "100%%",
			 opt, arg);
		return -1;
	}
	*out = v;
	return 0;
}

/* ------------------------------------------------------------ samples */

struct side {
	struct lb_rf *const *files;
	unsigned int nfiles;
};

/* The runs with @key in @rf, in order; NULL when none is left. */
static const struct lb_rf_run *next_run(const struct lb_rf *rf, const char *key,
					unsigned int *i)
{
	for (; *i < rf->nruns; (*i)++)
		if (rf->runs[*i].key && !strcmp(rf->runs[*i].key, key))
			return &rf->runs[(*i)++];
	return NULL;
}

static const struct lb_rf_run *find_run(const struct side *s, const char *key)
{
	unsigned int f, i;

	for (f = 0; f < s->nfiles; f++) {
		const struct lb_rf_run *r;

		i = 0;
		r = next_run(s->files[f], key, &i);
		if (r)
			return r;
	}
	return NULL;
}

/*
 * A run of @key on side @s that failed a correctness check or could not
 * run, if any.  A repetition in which a starved machine completed no
 * operation is no figure, not a failure: it is left out of the samples.
 */
static const struct lb_rf_run *bad_run(const struct side *s, const char *key)
{
	unsigned int f, i, j;

	for (f = 0; f < s->nfiles; f++) {
		const struct lb_rf_run *r;

		for (i = 0; (r = next_run(s->files[f], key, &i));) {
			if (!strcmp(r->status, "error"))
				return r;
			for (j = 0; j < r->nreps; j++)
				if (r->reps[j].broken)
					return r;
		}
	}
	return NULL;
}

/* Finite values of @metric from the ok repetitions of @key in @rf. */
static unsigned int file_values(const struct lb_rf *rf, const char *key,
				const char *metric, double *out)
{
	const struct lb_rf_run *r;
	unsigned int i = 0, j, n = 0;

	while ((r = next_run(rf, key, &i)))
		for (j = 0; j < r->nreps; j++) {
			double v = lb_rf_metric(&r->reps[j], metric);

			if (r->reps[j].ok && isfinite(v))
				out[n++] = v;
		}
	return n;
}

static unsigned int max_reps(const struct side *s)
{
	unsigned int f, i, n = 0;

	for (f = 0; f < s->nfiles; f++)
		for (i = 0; i < s->files[f]->nruns; i++)
			n += s->files[f]->runs[i].nreps;
	return n + 1;
}

/* The best of @n values for @m: the largest if higher is better. */
static double best_of(const struct lb_cmp_metric *m, const double *v,
		      unsigned int n)
{
	double b = v[0];
	unsigned int i;

	for (i = 1; i < n; i++)
		b = m->better > 0 ? fmax(b, v[i]) : fmin(b, v[i]);
	return b;
}

/*
 * The samples of one side: the repetitions (one file), or one value per
 * file (invocation): the best of its repetitions.  Other processes only
 * ever slow a repetition down, so on a shared machine the best one is the
 * least disturbed estimate of what the build can do (Chen & Revels,
 * "Robust benchmarking in noisy environments", 2016); a median would carry
 * the machine's load into the comparison.
 */
static unsigned int samples(enum lb_cmp_mode mode, const struct side *s,
			    const char *key, const struct lb_cmp_metric *m,
			    double **out)
{
	const char *metric = m->name;
	double *tmp = lb_xzalloc(max_reps(s) * sizeof(*tmp));
	double *v = lb_xzalloc(max_reps(s) * sizeof(*v));
	unsigned int f, n = 0, k;

	if (mode == LB_CMP_REPS) {
		n = file_values(s->files[0], key, metric, v);
	} else {
		for (f = 0; f < s->nfiles; f++) {
			k = file_values(s->files[f], key, metric, tmp);
			if (k)
				v[n++] = best_of(m, tmp, k);
		}
	}
	free(tmp);
	*out = v;
	return n;
}

/* CPUs other processes used while @key ran (median over repetitions). */
static double busy_cpus(const struct lb_rf *rf, const char *key)
{
	const struct lb_rf_run *r;
	unsigned int i, j, n = 1;
	double m, *v;

	for (i = 0; i < rf->nruns; i++)
		n += rf->runs[i].nreps;
	v = lb_xzalloc(n * sizeof(*v));
	i = 0;
	n = 0;

	while ((r = next_run(rf, key, &i)))
		for (j = 0; j < r->nreps; j++)
			if (isfinite(r->reps[j].other_cpu_s) &&
			    r->reps[j].elapsed_s > 0)
				v[n++] = r->reps[j].other_cpu_s /
					 r->reps[j].elapsed_s;
	m = n ? lb_median(v, n) : 0;
	free(v);
	return m;
}

/* 1.4826 MAD / |median|: a robust coefficient of variation. */
static double robust_cv(const double *x, unsigned int n)
{
	double med = lb_median(x, n), *d, mad;
	unsigned int i;

	if (n < 2 || med == 0)
		return 0;
	d = lb_xzalloc(n * sizeof(*d));
	for (i = 0; i < n; i++)
		d[i] = fabs(x[i] - med);
	mad = lb_median(d, n);
	free(d);
	return 1.4826 * mad / fabs(med);
}

/* ------------------------------------------------------------ testing */

static void test_row(const struct lb_cmp_opts *o, enum lb_cmp_mode mode,
		     struct row *r, double *b, unsigned int nb, double *n,
		     unsigned int nn)
{
	double *shifted = lb_xzalloc((nb + 1) * sizeof(*shifted));
	double *lb = lb_xzalloc((nb + 1) * sizeof(*lb));
	double *ln = lb_xzalloc((nn + 1) * sizeof(*ln));
	bool positive = true;
	struct lb_mwu u;
	unsigned int i;

	r->nb = nb;
	r->nn = nn;
	r->med_b = nb ? lb_median(b, nb) : NAN;
	r->med_n = nn ? lb_median(n, nn) : NAN;
	r->ratio = r->med_b > 0 ? r->med_n / r->med_b : NAN;
	r->ci_lo = r->ci_hi = r->p = r->p_adj = NAN;
	r->margin = o->threshold;
	if (nb < 2 || nn < 2) {
		snprintf(r->note, sizeof(r->note),
			 "too few repetitions (%u and %u)", nb, nn);
		r->state = ST_UNDECIDED;
		goto out;
	}
	if (mode == LB_CMP_REPS)
		r->margin =
			fmax(o->threshold, NOISE_CVS * fmax(robust_cv(b, nb),
							    robust_cv(n, nn)));
	/* Effect: Hodges-Lehmann shift of the logarithms = a ratio. */
	for (i = 0; i < nb; i++)
		positive &= b[i] > 0;
	for (i = 0; i < nn; i++)
		positive &= n[i] > 0;
	if (positive) {
		double shift, lo, hi;

		for (i = 0; i < nb; i++)
			lb[i] = log(b[i]);
		for (i = 0; i < nn; i++)
			ln[i] = log(n[i]);
		lb_hodges_lehmann(lb, nb, ln, nn, 0.05, &shift, &lo, &hi);
		r->ci_lo = exp(lo);
		r->ci_hi = exp(hi);
	}
	/* H1: NEW is worse than BASE by more than the margin. */
	for (i = 0; i < nb; i++)
		shifted[i] = b[i] *
			     (r->m->better > 0 ? 1 - r->margin : 1 + r->margin);
	lb_mwu(n, nn, shifted, nb, &u);
	r->p = r->m->better > 0 ? u.p_less : u.p_greater;
	r->p_min = u.p_min;
	r->tested = true;
out:
	free(shifted);
	free(lb);
	free(ln);
}

/* Worse than BASE by more than @margin, by the medians? */
static bool worse_beyond(const struct row *r, double margin)
{
	if (!isfinite(r->med_b) || !isfinite(r->med_n))
		return false;
	if (r->m->better > 0)
		return r->med_n < r->med_b * (1 - margin);
	return r->med_n > r->med_b * (1 + margin);
}

static bool better_beyond(const struct row *r, double margin)
{
	if (!isfinite(r->med_b) || !isfinite(r->med_n))
		return false;
	if (r->m->better > 0)
		return r->med_n > r->med_b * (1 + margin);
	return r->med_n < r->med_b * (1 - margin);
}

static void decide(const struct lb_cmp_opts *o, struct row *r,
		   unsigned int ntests, double busy_b, double busy_n,
		   unsigned int threads, unsigned int cpus_b,
		   unsigned int cpus_n)
{
	bool busy;

	if (!r->tested)
		return;
	/* others took CPUs that the threads needed (all, if oversubscribed) */
	busy = busy_b > fmax(0, (double)cpus_b - threads) + BUSY_SLACK_CPUS ||
	       busy_n > fmax(0, (double)cpus_n - threads) + BUSY_SLACK_CPUS;
	if (!worse_beyond(r, r->margin)) {
		r->state = better_beyond(r, o->threshold) ? ST_BETTER : ST_OK;
		if (r->margin > o->threshold)
			snprintf(r->note, sizeof(r->note),
				 "noisy: margin widened to %.0f%%",
				 r->margin * 100);
		return;
	}
	if (r->p_adj <= o->alpha) {
		r->state = ST_REGRESSION;
		if (busy) {
			r->state = ST_UNDECIDED;
			snprintf(r->note, sizeof(r->note),
				 "machine busy: other processes used %.1f "
				 "and %.1f CPUs; use 'lockbench ab'",
				 busy_b, busy_n);
		}
		return;
	}
	if (r->p_min > o->alpha / ntests) {
		r->state = ST_UNDECIDED;
		snprintf(r->note, sizeof(r->note),
			 "too few samples (%u, %u) for %u comparisons", r->nb,
			 r->nn, ntests);
		return;
	}
	r->state = ST_NOISE;
}

/* ------------------------------------------------------------ output */

static int cmp_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	double bx, by;

	if (x->state != y->state)
		return (int)x->state - (int)y->state;
	/* worst change first: the ratio in the bad direction */
	bx = isfinite(x->ratio) ? (x->m->better > 0 ? x->ratio : 1 / x->ratio) :
				  1;
	by = isfinite(y->ratio) ? (y->m->better > 0 ? y->ratio : 1 / y->ratio) :
				  1;
	return (bx > by) - (bx < by);
}

static const char *fmt_value(const struct lb_cmp_metric *m, double v, char *buf,
			     size_t len)
{
	if (!isfinite(v))
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%.4g", v * m->scale);
	return buf;
}

static void print_side(FILE *out, const char *name, const struct side *s)
{
	char label[128];

	fprintf(out, "%-4s %s (%u file%s, %s", name,
		lb_rf_label(s->files[0], label, sizeof(label)), s->nfiles,
		s->nfiles > 1 ? "s" : "", s->files[0]->path);
	if (s->nfiles > 1)
		fprintf(out, " ...");
	fprintf(out, ")\n");
}

static void print_table(FILE *out, const struct lb_cmp_opts *o,
			enum lb_cmp_mode mode, const struct side *base,
			const struct side *cand, struct row *rows,
			unsigned int nrows, unsigned int ntests)
{
	char vb[32], vn[32], ci[40], change[16], p[16];
	unsigned int i;

	print_side(out, o->base_name, base);
	print_side(out, o->new_name, cand);
	fprintf(out,
		"threshold %.3g%%, alpha %.3g (Holm over %u comparisons); "
		"samples: %s\n\n",
		o->threshold * 100, o->alpha, ntests,
		mode == LB_CMP_REPS ?
			"repetitions inside each run (one process per side)" :
			"the best repetition of each invocation (interleaved "
			"runs)");
	fprintf(out, "%-15s %-40s %-11s %10s %10s %8s %15s %8s  %s\n", "state",
		"configuration", "metric", o->base_name, o->new_name, "change",
		"95% CI (ratio)", "p(Holm)", "note");
	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];

		if (isfinite(r->ratio))
			snprintf(change, sizeof(change), "%+.1f%%",
				 (r->ratio - 1) * 100);
		else
			snprintf(change, sizeof(change), "n/a");
		if (isfinite(r->ci_lo) && isfinite(r->ci_hi))
			snprintf(ci, sizeof(ci), "[%.3f, %.3f]", r->ci_lo,
				 r->ci_hi);
		else
			snprintf(ci, sizeof(ci), "n/a");
		if (isfinite(r->p_adj))
			snprintf(p, sizeof(p), "%.3g", r->p_adj);
		else
			snprintf(p, sizeof(p), "n/a");
		fprintf(out,
			"%-15s %-40.40s %-11s %10s %10s %8s %15s %8s  %s\n",
			state_names[r->state], r->label, r->m->label,
			fmt_value(r->m, r->med_b, vb, sizeof(vb)),
			fmt_value(r->m, r->med_n, vn, sizeof(vn)), change, ci,
			p, r->note);
	}
}

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *side_json(const struct side *s)
{
	json_t *files = json_array();
	unsigned int f;

	for (f = 0; f < s->nfiles; f++)
		json_array_append_new(files,
				      json_pack("{s:s, s:s, s:s}", "path",
						s->files[f]->path, "host",
						s->files[f]->hostname, "commit",
						s->files[f]->commit));
	return files;
}

static json_t *rows_json(const struct row *rows, unsigned int nrows)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];

		json_array_append_new(
			a,
			json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:o, s:o, "
				  "s:o, s:o, s:o, s:o, s:o, s:o, s:s}",
				  "state", state_names[r->state], "config",
				  r->label, "key", r->key, "metric", r->m->name,
				  "n_base", (int)r->nb, "n_new", (int)r->nn,
				  "base_median", num(r->med_b), "new_median",
				  num(r->med_n), "ratio", num(r->ratio),
				  "ratio_ci95_lo", num(r->ci_lo),
				  "ratio_ci95_hi", num(r->ci_hi), "margin",
				  num(r->margin), "p", num(r->p), "p_holm",
				  num(r->p_adj), "note", r->note));
	}
	return a;
}

static json_t *strings_json(const char *const *s, unsigned int n)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(s[i]));
	return a;
}

/* ------------------------------------------------------------ driver */

/* Unique configuration keys of a side, in file order; labels alongside. */
static unsigned int side_keys(const struct side *s, const char **keys,
			      const char **labels, unsigned int n)
{
	unsigned int f, i, k;

	for (f = 0; f < s->nfiles; f++)
		for (i = 0; i < s->files[f]->nruns; i++) {
			const struct lb_rf_run *r = &s->files[f]->runs[i];

			for (k = 0; k < n; k++)
				if (!strcmp(keys[k], r->key))
					break;
			if (k == n) {
				keys[n] = r->key;
				labels[n++] = r->label;
			}
		}
	return n;
}

static bool has_key(const char *const *keys, unsigned int n, const char *key)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(keys[i], key))
			return true;
	return false;
}

static unsigned int total_runs(const struct side *s)
{
	unsigned int f, n = 0;

	for (f = 0; f < s->nfiles; f++)
		n += s->files[f]->nruns;
	return n + 1;
}

/* Invalid repetitions left out (validity gate), and runs with no valid one. */
static unsigned int side_excluded(const struct side *s, unsigned int *invalid)
{
	unsigned int f, n = 0;

	*invalid = 0;
	for (f = 0; f < s->nfiles; f++) {
		n += s->files[f]->excluded_reps;
		*invalid += s->files[f]->invalid_runs;
	}
	return n;
}

static bool side_slowed(const struct side *s)
{
	unsigned int f;

	for (f = 0; f < s->nfiles; f++)
		if (s->files[f]->test_slowdown)
			return true;
	return false;
}

int lb_compare(const struct lb_cmp_opts *o, enum lb_cmp_mode mode,
	       struct lb_rf *const *base_files, unsigned int nb,
	       struct lb_rf *const *cand_files, unsigned int nc, FILE *out)
{
	struct side base = { base_files, nb }, cand = { cand_files, nc };
	unsigned int nbk, nck, i, k, m, nrows = 0, ntests = 0;
	const char **bkeys, **blabels, **ckeys, **clabels;
	const char **missing, **added, **failed;
	unsigned int nmissing = 0, nadded = 0, nfailed = 0, nreg = 0;
	unsigned int counts[ST_NSTATES] = { 0 };
	unsigned int xb, xn, ib, in;
	struct row *rows;
	double *p;
	int rc;

	bkeys = lb_xzalloc(total_runs(&base) * sizeof(*bkeys));
	blabels = lb_xzalloc(total_runs(&base) * sizeof(*blabels));
	ckeys = lb_xzalloc(total_runs(&cand) * sizeof(*ckeys));
	clabels = lb_xzalloc(total_runs(&cand) * sizeof(*clabels));
	nbk = side_keys(&base, bkeys, blabels, 0);
	nck = side_keys(&cand, ckeys, clabels, 0);
	missing = lb_xzalloc((nbk + 1) * sizeof(*missing));
	failed = lb_xzalloc((nbk + 1) * sizeof(*failed));
	added = lb_xzalloc((nck + 1) * sizeof(*added));
	rows = lb_xzalloc((nbk * lb_cmp_nmetrics + 1) * sizeof(*rows));
	for (i = 0; i < nck; i++)
		if (!has_key(bkeys, nbk, ckeys[i]))
			added[nadded++] = clabels[i];
	for (k = 0; k < nbk; k++) {
		if (!find_run(&cand, bkeys[k])) {
			missing[nmissing++] = blabels[k];
			continue;
		}
		if (bad_run(&cand, bkeys[k]) && !bad_run(&base, bkeys[k])) {
			failed[nfailed++] = blabels[k];
			continue;
		}
		for (m = 0; m < lb_cmp_nmetrics; m++) {
			struct row *r = &rows[nrows];
			double *vb, *vn;
			unsigned int n1, n2;

			if (!(o->metrics & (1u << m)))
				continue;
			n1 = samples(mode, &base, bkeys[k], &lb_cmp_metrics[m],
				     &vb);
			n2 = samples(mode, &cand, bkeys[k], &lb_cmp_metrics[m],
				     &vn);
			/* a metric neither side has (latency, for now) */
			if (n1 || n2) {
				*r = (struct row){ .label = blabels[k],
						   .key = bkeys[k],
						   .m = &lb_cmp_metrics[m] };
				test_row(o, mode, r, vb, n1, vn, n2);
				ntests += r->tested;
				nrows++;
			}
			free(vb);
			free(vn);
		}
	}
	/* Holm over every test made in this invocation. */
	p = lb_xzalloc((nrows + 1) * sizeof(*p));
	for (i = 0, k = 0; i < nrows; i++)
		if (rows[i].tested)
			p[k++] = rows[i].p;
	lb_holm(p, k);
	for (i = 0, k = 0; i < nrows; i++)
		rows[i].p_adj = rows[i].tested ? p[k++] : NAN;
	free(p);
	for (i = 0; i < nrows; i++) {
		const struct lb_rf_run *rb = find_run(&base, rows[i].key);
		double busy_b = 0, busy_n = 0;

		if (mode == LB_CMP_REPS) {
			busy_b = busy_cpus(base.files[0], rows[i].key);
			busy_n = busy_cpus(cand.files[0], rows[i].key);
		}
		decide(o, &rows[i], ntests ? ntests : 1, busy_b, busy_n,
		       rb->threads, base.files[0]->online_cpus,
		       cand.files[0]->online_cpus);
		counts[rows[i].state]++;
	}
	qsort(rows, nrows, sizeof(*rows), cmp_rows);
	xb = side_excluded(&base, &ib);
	xn = side_excluded(&cand, &in);
	nreg = counts[ST_REGRESSION] + nfailed;
	rc = nreg ? LB_EXIT_CHECK : LB_EXIT_OK;
	if (o->json) {
		json_t *j = json_pack(
			"{s:s, s:o, s:o, s:f, s:f, s:i, s:o, s:o, s:o, s:o, "
			"s:b, s:i, s:i, s:s}",
			"mode",
			mode == LB_CMP_REPS ? "repetitions" : "invocations",
			"base", side_json(&base), "new", side_json(&cand),
			"threshold", o->threshold, "alpha", o->alpha,
			"comparisons", (int)ntests, "results",
			rows_json(rows, nrows), "new_configs",
			strings_json(added, nadded), "missing_configs",
			strings_json(missing, nmissing), "failed_in_new",
			strings_json(failed, nfailed), "test_slowdown",
			side_slowed(&base) || side_slowed(&cand), "regressions",
			(int)nreg, "undecided", (int)counts[ST_UNDECIDED],
			"verdict", nreg ? "regression" : "no regression");

		/* The validity gate: what was left out, what could not be. */
		if (j)
			json_object_set_new(
				j, "invalid_reps",
				json_pack("{s:i, s:i, s:i, s:i}", "base",
					  (int)xb, "new", (int)xn,
					  "base_runs_without_valid", (int)ib,
					  "new_runs_without_valid", (int)in));
		if (!j || json_dumpf(j, out,
				     JSON_INDENT(1) | JSON_PRESERVE_ORDER |
					     JSON_REAL_PRECISION(6)))
			lb_die("cannot print the comparison as JSON");
		fputc('\n', out);
		json_decref(j);
	} else {
		print_table(out, o, mode, &base, &cand, rows, nrows, ntests);
		for (i = 0; i < nfailed; i++)
			fprintf(out, "FAILED in %s (a correctness check): %s\n",
				o->new_name, failed[i]);
		for (i = 0; i < nadded; i++)
			fprintf(out, "new configuration (only in %s): %s\n",
				o->new_name, added[i]);
		for (i = 0; i < nmissing; i++)
			fprintf(out, "missing configuration (only in %s): %s\n",
				o->base_name, missing[i]);
		if (xb || xn)
			fprintf(out,
				"note: invalid repetitions (validity gate) "
				"left out: %u in %s, %u in %s\n",
				xb, o->base_name, xn, o->new_name);
		if (ib || in)
			fprintf(out,
				"warning: runs without a valid repetition, "
				"compared on their invalid ones: %u in %s, %u "
				"in %s\n",
				ib, o->base_name, in, o->new_name);
		if (side_slowed(&base) || side_slowed(&cand))
			fprintf(out, "warning: a file has an injected test "
				     "slowdown (LOCKBENCH_TEST_SLOWDOWN): not "
				     "a real result\n");
		if (strcmp(base.files[0]->hostname, cand.files[0]->hostname))
			fprintf(out,
				"warning: different hosts (%s, %s): the "
				"change may be the machine's\n",
				base.files[0]->hostname,
				cand.files[0]->hostname);
		fprintf(out,
			"\n%u regression%s, %u undecided, %u not significant, "
			"%u ok, %u better; verdict: %s\n",
			nreg, nreg == 1 ? "" : "s", counts[ST_UNDECIDED],
			counts[ST_NOISE], counts[ST_OK], counts[ST_BETTER],
			nreg ? "REGRESSION" : "no regression");
	}
	free(bkeys);
	free(blabels);
	free(ckeys);
	free(clabels);
	free(missing);
	free(failed);
	free(added);
	free(rows);
	return rc;
}
