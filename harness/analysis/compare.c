/* SPDX-License-Identifier: MIT */
/*
 * compare.c - match configurations, gather each metric's samples, give each
 * an interval and a verdict at the level of this look, sum up.  The
 * reasoning is in compare.h; the printing in compare_out.c.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/compare_impl.h"
#include "harness/analysis/mwu.h"
#include "harness/util/options.h"
#include "harness/analysis/stats.h"
#include "runtime/compiler.h"

/* Other processes may use this much CPU beyond what the threads left. */
#define BUSY_SLACK_CPUS 0.25
/* Noisy repetitions widen the margin to this many robust CVs. */
#define NOISE_CVS 2.0

int lb_cmp_parse_metrics(const char *opt, const char *arg, unsigned int *mask,
			 char *err, size_t errlen)
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
				 "invalid %s value '%s': known metrics "
				 "are ops_per_sec, latency_p99_ns, jain, "
				 "cpu_us_per_op, all",
				 opt, item);
			free(copy);
			return -1;
		}
		*mask |= 1u << i;
	}
	free(copy);
	if (!*mask) {
		snprintf(err, errlen, "invalid %s value '%s': empty", opt, arg);
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

/* The runs with @key in @rf, in order; NULL when none is left. */
static const struct lb_rf_run *next_run(const struct lb_rf *rf, const char *key,
					unsigned int *i)
{
	for (; *i < rf->nruns; (*i)++)
		if (rf->runs[*i].key && !strcmp(rf->runs[*i].key, key))
			return &rf->runs[(*i)++];
	return NULL;
}

static const struct lb_rf_run *find_run(const struct lb_cmp_side *s,
					const char *key)
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
static const struct lb_rf_run *bad_run(const struct lb_cmp_side *s,
				       const char *key)
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

/*
 * The ok repetitions of @key in @rf with a usable value of @m, on the
 * compared scale (a log needs a positive value: a repetition that did no
 * operation has no throughput to take the log of).
 */
static unsigned int file_values(const struct lb_rf *rf, const char *key,
				const struct lb_cmp_metric *m, double *out)
{
	const struct lb_rf_run *r;
	unsigned int i = 0, j, n = 0;

	while ((r = next_run(rf, key, &i)))
		for (j = 0; j < r->nreps; j++) {
			double v = lb_rf_metric(&r->reps[j], m->name);

			if (!r->reps[j].ok || !isfinite(v))
				continue;
			if (m->logscale && !(v > 0))
				continue;
			out[n++] = m->logscale ? log(v) : v;
		}
	return n;
}

static unsigned int max_reps(const struct lb_cmp_side *s)
{
	unsigned int f, i, n = 0;

	for (f = 0; f < s->nfiles; f++)
		for (i = 0; i < s->files[f]->nruns; i++)
			n += s->files[f]->runs[i].nreps;
	return n + 1;
}

/*
 * The samples of one side: its repetitions (one file), or one value per
 * file (invocation): the mean of its repetitions on the compared scale,
 * i.e. the log of their geometric mean.  Every valid repetition counts:
 * the best one alone (Chen & Revels, "Robust benchmarking in noisy
 * environments", 2016) throws away what the others say and makes the
 * sample's spread that of an extreme, wider than that of a mean.
 */
static void side_samples(enum lb_cmp_mode mode, const struct lb_cmp_side *s,
			 const char *key, const struct lb_cmp_metric *m,
			 double **xs, unsigned int *nx, double **ps,
			 unsigned int *np)
{
	double *all = lb_xzalloc(max_reps(s) * sizeof(*all));
	double *x = lb_xzalloc((s->nfiles + max_reps(s)) * sizeof(*x));
	unsigned int f, n = 0, k, i, pooled = 0;

	for (f = 0; f < s->nfiles; f++) {
		k = file_values(s->files[f], key, m, all + pooled);
		if (mode == LB_CMP_REPS) {
			for (i = 0; i < k; i++)
				x[n++] = all[pooled + i];
		} else if (k) {
			double sum = 0;

			for (i = 0; i < k; i++)
				sum += all[pooled + i];
			x[n++] = sum / k;
		}
		pooled += k;
	}
	*xs = x;
	*nx = n;
	*ps = all;
	*np = pooled;
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

/* 1.4826 MAD: a robust standard deviation (of log values: a robust CV). */
static double robust_sd(const double *x, unsigned int n)
{
	double med = lb_median(x, n), *d, mad;
	unsigned int i;

	if (n < 2)
		return 0;
	d = lb_xzalloc(n * sizeof(*d));
	for (i = 0; i < n; i++)
		d[i] = fabs(x[i] - med);
	mad = lb_median(d, n);
	free(d);
	return 1.4826 * mad;
}

/* ------------------------------------------------------------ testing */

/* The margins of @r on its scale; @wide widens the bad one (REPS). */
static void set_margins(const struct lb_cmp_opts *o, struct lb_cmp_row *r,
			double wide)
{
	double t = o->threshold, w = fmin(0.99, fmax(t, wide));

	r->mg.better = r->m->better;
	if (r->m->logscale) {
		r->mg.lo = log(1 - t);
		r->mg.hi = log(1 + t);
		r->mg.bad = r->m->better > 0 ? log(1 - w) : log(1 + w);
	} else {
		r->mg.lo = -t;
		r->mg.hi = t;
		r->mg.bad = r->m->better > 0 ? -w : w;
	}
}

/* "bimodal: A 70% fast / 30% slow, B 40% / 60%" */
static void regimes_note(const struct lb_cmp_opts *o, struct lb_cmp_row *r)
{
	/* the fast regime: high throughput, low latency */
	double fb = r->m->better > 0 ? 1 - r->d.low_b : r->d.low_b;
	double fn = r->m->better > 0 ? 1 - r->d.low_n : r->d.low_n;

	snprintf(r->note, sizeof(r->note),
		 "bimodal: %s %.0f%% fast / %.0f%% slow, %s %.0f%% / %.0f%%",
		 o->base_name, 100 * fb, 100 * (1 - fb), o->new_name, 100 * fn,
		 100 * (1 - fn));
}

/* Interval, verdict and detectable change of one row at @level. */
static void test_row(const struct lb_cmp_opts *o, enum lb_cmp_mode mode,
		     struct lb_cmp_row *r, double level)
{
	struct lb_side_values b = { r->xb, r->nb, r->pb, r->npb };
	struct lb_side_values n = { r->xn, r->nn, r->pn, r->npn };

	r->center_b = r->nb ? lb_median(r->xb, r->nb) : NAN;
	r->center_n = r->nn ? lb_median(r->xn, r->nn) : NAN;
	r->level = level;
	set_margins(o, r, 0);
	if (!r->tested) {
		r->d = (struct lb_decision){
			.v = LB_V_UNDECIDED,
			.e = { .est = NAN, .lo = NAN, .hi = NAN },
			.detect = NAN,
			.low_b = NAN,
			.low_n = NAN
		};
		snprintf(r->note, sizeof(r->note),
			 "too few samples (%u and %u)", r->nb, r->nn);
		return;
	}
	if (mode == LB_CMP_REPS)
		set_margins(o, r,
			    NOISE_CVS * fmax(robust_sd(r->xb, r->nb),
					     robust_sd(r->xn, r->nn)));
	lb_decide(&b, &n, &r->mg, level, &r->d);
	if (r->d.two)
		regimes_note(o, r);
	else if (!isfinite(r->d.e.lo))
		snprintf(r->note, sizeof(r->note),
			 "%u and %u samples cannot reach this level", r->nb,
			 r->nn);
}

/*
 * REPS mode: a regression measured while other processes took CPUs that
 * the threads needed (all, if oversubscribed) cannot be put on the build.
 */
static void busy_check(struct lb_cmp *c, struct lb_cmp_row *r)
{
	const struct lb_rf_run *rb = find_run(&c->base, r->key);
	double busy_b, busy_n;
	unsigned int cpus_b = c->base.files[0]->online_cpus;
	unsigned int cpus_n = c->cand.files[0]->online_cpus;

	if (c->mode != LB_CMP_REPS || r->d.v != LB_V_REGRESSION)
		return;
	busy_b = busy_cpus(c->base.files[0], r->key);
	busy_n = busy_cpus(c->cand.files[0], r->key);
	if (busy_b > fmax(0, (double)cpus_b - rb->threads) + BUSY_SLACK_CPUS ||
	    busy_n > fmax(0, (double)cpus_n - rb->threads) + BUSY_SLACK_CPUS) {
		r->d.v = LB_V_UNDECIDED;
		snprintf(r->note, sizeof(r->note),
			 "machine busy: other processes used %.1f and %.1f "
			 "CPUs; use 'lockbench ab'",
			 busy_b, busy_n);
	}
}

/* ------------------------------------------------------------ driver */

/* Unique configuration keys of a side, in file order; labels alongside. */
static unsigned int side_keys(const struct lb_cmp_side *s, const char **keys,
			      const char **labels)
{
	unsigned int f, i, k, n = 0;

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

static unsigned int total_runs(const struct lb_cmp_side *s)
{
	unsigned int f, n = 0;

	for (f = 0; f < s->nfiles; f++)
		n += s->files[f]->nruns;
	return n + 1;
}

/* Invalid repetitions left out (validity gate), runs with no valid one,
 * and whether a file carries an injected test slowdown. */
static void side_notes(const struct lb_cmp_side *s, unsigned int *excluded,
		       unsigned int *invalid, bool *slowed)
{
	unsigned int f;

	*excluded = *invalid = 0;
	for (f = 0; f < s->nfiles; f++) {
		*excluded += s->files[f]->excluded_reps;
		*invalid += s->files[f]->invalid_runs;
		*slowed |= s->files[f]->test_slowdown;
	}
}

/* The rows of configuration @key (@label): one per metric either side has. */
static void add_rows(struct lb_cmp *c, const char *key, const char *label)
{
	unsigned int m;

	for (m = 0; m < lb_cmp_nmetrics; m++) {
		const struct lb_cmp_metric *met = &lb_cmp_metrics[m];
		struct lb_cmp_row *r = &c->rows[c->nrows];

		if (!((c->o->metrics | c->o->gate) & (1u << m)))
			continue;
		*r = (struct lb_cmp_row){ .label = label,
					  .key = key,
					  .m = met };
		side_samples(c->mode, &c->base, key, met, &r->xb, &r->nb,
			     &r->pb, &r->npb);
		side_samples(c->mode, &c->cand, key, met, &r->xn, &r->nn,
			     &r->pn, &r->npn);
		/* a metric neither side has (latency, often) */
		if (!r->nb && !r->nn) {
			free(r->xb);
			free(r->xn);
			free(r->pb);
			free(r->pn);
			continue;
		}
		r->gated = c->o->gate & (1u << m);
		r->tested = r->nb >= 2 && r->nn >= 2;
		c->ntests += r->gated && r->tested;
		c->nrows++;
	}
}

/* Match the configurations of both sides; rows for those in both. */
static void match(struct lb_cmp *c)
{
	const char **bkeys, **blabels, **ckeys, **clabels;
	unsigned int nbk, nck, i, k;

	bkeys = lb_xzalloc(total_runs(&c->base) * sizeof(*bkeys));
	blabels = lb_xzalloc(total_runs(&c->base) * sizeof(*blabels));
	ckeys = lb_xzalloc(total_runs(&c->cand) * sizeof(*ckeys));
	clabels = lb_xzalloc(total_runs(&c->cand) * sizeof(*clabels));
	nbk = side_keys(&c->base, bkeys, blabels);
	nck = side_keys(&c->cand, ckeys, clabels);
	c->missing = lb_xzalloc((nbk + 1) * sizeof(*c->missing));
	c->failed = lb_xzalloc((nbk + 1) * sizeof(*c->failed));
	c->added = lb_xzalloc((nck + 1) * sizeof(*c->added));
	c->rows = lb_xzalloc((nbk * lb_cmp_nmetrics + 1) * sizeof(*c->rows));
	for (i = 0; i < nck; i++)
		if (!has_key(bkeys, nbk, ckeys[i]))
			c->added[c->nadded++] = clabels[i];
	for (k = 0; k < nbk; k++) {
		if (!find_run(&c->cand, bkeys[k]))
			c->missing[c->nmissing++] = blabels[k];
		else if (bad_run(&c->cand, bkeys[k]) &&
			 !bad_run(&c->base, bkeys[k]))
			c->failed[c->nfailed++] = blabels[k];
		else
			add_rows(c, bkeys[k], blabels[k]);
	}
	free(bkeys);
	free(blabels);
	free(ckeys);
	free(clabels);
}

/* Verdicts of every row at this look's level; the outcome. */
static void decide(struct lb_cmp *c)
{
	const struct lb_cmp_opts *o = c->o;
	double level;
	unsigned int i;

	c->look_level = lb_look_level(o->look ? o->look : 1,
				      o->looks ? o->looks : 1, o->final,
				      o->alpha);
	/* Bonferroni over the gated comparisons (compare.h) */
	level = lb_row_level(o->look ? o->look : 1, o->looks ? o->looks : 1,
			     o->final, o->alpha, c->ntests);
	c->res = (struct lb_cmp_outcome){ .regressions = c->nfailed };
	for (i = 0; i < c->nrows; i++) {
		struct lb_cmp_row *r = &c->rows[i];

		test_row(o, c->mode, r, level);
		busy_check(c, r);
		if (!r->gated)
			continue;
		c->res.regressions += r->d.v == LB_V_REGRESSION;
		c->res.undecided += r->d.v == LB_V_UNDECIDED;
		c->res.equivalent += r->d.v == LB_V_EQUIVALENT;
		c->res.improvements += r->d.v == LB_V_IMPROVEMENT;
	}
	c->res.rc = c->res.regressions ? LB_EXIT_CHECK :
		    c->res.undecided   ? LB_EXIT_UNDECIDED :
					 LB_EXIT_OK;
}

int lb_compare_look(const struct lb_cmp_opts *o, enum lb_cmp_mode mode,
		    struct lb_rf *const *base, unsigned int nb,
		    struct lb_rf *const *cand, unsigned int nc, FILE *out,
		    struct lb_cmp_outcome *res)
{
	struct lb_cmp c = { .o = o, .mode = mode };
	unsigned int i;

	c.base = (struct lb_cmp_side){ base, nb };
	c.cand = (struct lb_cmp_side){ cand, nc };
	match(&c);
	decide(&c);
	side_notes(&c.base, &c.excluded_b, &c.invalid_b, &c.slowed);
	side_notes(&c.cand, &c.excluded_n, &c.invalid_n, &c.slowed);
	if (out && o->json)
		lb_cmp_print_json(out, &c);
	else if (out)
		lb_cmp_print_table(out, &c);
	if (res)
		*res = c.res;
	for (i = 0; i < c.nrows; i++) {
		free(c.rows[i].xb);
		free(c.rows[i].xn);
		free(c.rows[i].pb);
		free(c.rows[i].pn);
	}
	free(c.rows);
	free(c.missing);
	free(c.failed);
	free(c.added);
	return c.res.rc;
}

int lb_compare(const struct lb_cmp_opts *o, enum lb_cmp_mode mode,
	       struct lb_rf *const *base, unsigned int nb,
	       struct lb_rf *const *cand, unsigned int nc, FILE *out)
{
	return lb_compare_look(o, mode, base, nb, cand, nc, out, NULL);
}
