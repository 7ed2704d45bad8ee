/* SPDX-License-Identifier: MIT */
/*
 * compare_out.c - the comparison as a table or as JSON (fields in
 * results/README.md): per row the interval, the detectable change and the
 * verdict side by side.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/compare_impl.h"
#include "runtime/compiler.h"

/* Gated first; then regressions, undecided, equivalent, improvements;
 * worst change first inside each. */
static int cmp_rows(const void *a, const void *b)
{
	const struct lb_cmp_row *x = a, *y = b;
	double bx, by;

	if (x->gated != y->gated)
		return x->gated ? -1 : 1;
	if (x->d.v != y->d.v)
		return (int)x->d.v - (int)y->d.v;
	bx = isfinite(x->d.e.est) ? x->m->better * x->d.e.est : 0;
	by = isfinite(y->d.e.est) ? y->m->better * y->d.e.est : 0;
	return (bx > by) - (bx < by);
}

static void sort_rows(const struct lb_cmp *c)
{
	qsort(c->rows, c->nrows, sizeof(*c->rows), cmp_rows);
}

static const char *verdict_text(const struct lb_cmp *c)
{
	if (c->res.regressions)
		return "REGRESSION";
	return c->res.undecided ? "undecided" : "no regression";
}

/* ------------------------------------------------------------ table */

static const char *fmt_value(const struct lb_cmp_row *r, double v, char *buf,
			     size_t len)
{
	if (!isfinite(v))
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%.4g", lb_cmp_shown(r, v) * r->m->scale);
	return buf;
}

/* A change on the row's scale: "-12.3%" for a ratio, "-0.012" else. */
static const char *fmt_change(const struct lb_cmp_row *r, double v, char *buf,
			      size_t len)
{
	if (!isfinite(v))
		snprintf(buf, len, "n/a");
	else if (r->m->logscale)
		snprintf(buf, len, "%+.1f%%", (exp(v) - 1) * 100);
	else
		snprintf(buf, len, "%+.3f", v);
	return buf;
}

static void print_side(FILE *out, const char *name, const struct lb_cmp_side *s)
{
	char label[128];

	fprintf(out, "%-4s %s (%u file%s, %s", name,
		lb_rf_label(s->files[0], label, sizeof(label)), s->nfiles,
		s->nfiles > 1 ? "s" : "", s->files[0]->path);
	if (s->nfiles > 1)
		fprintf(out, " ...");
	fprintf(out, ")\n");
}

static void print_head(FILE *out, const struct lb_cmp *c)
{
	const struct lb_cmp_opts *o = c->o;
	double level = c->nrows ? c->rows[0].level : c->look_level;

	print_side(out, o->base_name, &c->base);
	print_side(out, o->new_name, &c->cand);
	fprintf(out,
		"equivalent: inside -%.3g%%..+%.3g%%; alpha %.3g; look %u of "
		"%u%s, its share %.3g (O'Brien-Fleming spending) over %u "
		"gated comparison%s: %.4g%% intervals\n",
		o->threshold * 100, o->threshold * 100, o->alpha,
		o->look ? o->look : 1, o->looks ? o->looks : 1,
		o->final ? ", final" : "", c->look_level, c->ntests,
		c->ntests == 1 ? "" : "s", 100 * (1 - 2 * level));
	fprintf(out,
		"samples: %s; detectable: the smallest regression "
		"flagged with 80%% power\n\n",
		c->mode == LB_CMP_REPS ?
			"the repetitions inside each run (one process per "
			"side)" :
			"one per invocation, the mean of its valid "
			"repetitions (log scale)");
	fprintf(out, "%-11s %-40s %-11s %10s %10s %8s %18s %10s  %s\n",
		"verdict", "configuration", "metric", o->base_name, o->new_name,
		"change", "interval", "detectable", "note");
}

static void print_row(FILE *out, const struct lb_cmp_row *r)
{
	char vb[32], vn[32], ch[24], ci[48], lo[24], hi[24], det[24];

	if (isfinite(r->d.e.lo) && isfinite(r->d.e.hi) && r->m->logscale)
		snprintf(ci, sizeof(ci), "[%.3f, %.3f]", exp(r->d.e.lo),
			 exp(r->d.e.hi));
	else if (isfinite(r->d.e.lo) && isfinite(r->d.e.hi))
		snprintf(ci, sizeof(ci), "[%s, %s]",
			 fmt_change(r, r->d.e.lo, lo, sizeof(lo)),
			 fmt_change(r, r->d.e.hi, hi, sizeof(hi)));
	else
		snprintf(ci, sizeof(ci), "n/a");
	fmt_change(r, isfinite(r->d.detect) ? r->d.detect * -r->m->better : NAN,
		   det, sizeof(det));
	fprintf(out, "%-11s %-40.40s %-11s %10s %10s %8s %18s %10s  %s\n",
		lb_verdict_names[r->d.v], r->label, r->m->label,
		fmt_value(r, r->center_b, vb, sizeof(vb)),
		fmt_value(r, r->center_n, vn, sizeof(vn)),
		fmt_change(r, r->d.e.est, ch, sizeof(ch)), ci, det, r->note);
}

static void print_notes(FILE *out, const struct lb_cmp *c)
{
	const struct lb_cmp_opts *o = c->o;
	unsigned int i;

	for (i = 0; i < c->nfailed; i++)
		fprintf(out, "FAILED in %s (a correctness check): %s\n",
			o->new_name, c->failed[i]);
	for (i = 0; i < c->nadded; i++)
		fprintf(out, "new configuration (only in %s): %s\n",
			o->new_name, c->added[i]);
	for (i = 0; i < c->nmissing; i++)
		fprintf(out, "missing configuration (only in %s): %s\n",
			o->base_name, c->missing[i]);
	if (c->excluded_b || c->excluded_n)
		fprintf(out,
			"note: invalid repetitions (validity gate) left out: "
			"%u in %s, %u in %s\n",
			c->excluded_b, o->base_name, c->excluded_n,
			o->new_name);
	if (c->invalid_b || c->invalid_n)
		fprintf(out,
			"warning: runs without a valid repetition, compared on "
			"their invalid ones: %u in %s, %u in %s\n",
			c->invalid_b, o->base_name, c->invalid_n, o->new_name);
	if (c->slowed)
		fprintf(out, "warning: a file has an injected test slowdown "
			     "(LOCKBENCH_TEST_SLOWDOWN): not a real result\n");
	if (strcmp(c->base.files[0]->hostname, c->cand.files[0]->hostname))
		fprintf(out,
			"warning: different hosts (%s, %s): the change may be "
			"the machine's\n",
			c->base.files[0]->hostname, c->cand.files[0]->hostname);
}

void lb_cmp_print_table(FILE *out, const struct lb_cmp *c)
{
	const struct lb_cmp_outcome *s = &c->res;
	bool info = false;
	unsigned int i;

	sort_rows(c);
	print_head(out, c);
	for (i = 0; i < c->nrows; i++) {
		if (!c->rows[i].gated && !info) {
			fprintf(out, "-- not gated (shown, not deciding; "
				     "--gate to change) --\n");
			info = true;
		}
		print_row(out, &c->rows[i]);
	}
	print_notes(out, c);
	fprintf(out,
		"\n%u regression%s, %u undecided, %u equivalent, %u "
		"improvement%s; verdict: %s\n",
		s->regressions, s->regressions == 1 ? "" : "s", s->undecided,
		s->equivalent, s->improvements, s->improvements == 1 ? "" : "s",
		verdict_text(c));
	if (!s->regressions && s->undecided)
		fprintf(out, "(no regression shown, but not every gated "
			     "configuration is shown equivalent: exit "
			     "status 4)\n");
}

/* ------------------------------------------------------------ JSON */

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *side_json(const struct lb_cmp_side *s)
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

static json_t *regime_json(const struct lb_bimodal *b, double low)
{
	return json_pack("{s:b, s:o, s:o}", "bimodal", b->bimodal, "ashman_d",
			 num(b->d), "low_share", num(low));
}

static json_t *row_json(const struct lb_cmp_row *r)
{
	double bad = isfinite(r->d.detect) ? -r->m->better * r->d.detect : NAN;
	json_t *j = json_pack(
		"{s:s, s:b, s:s, s:s, s:s, s:s, s:i, s:i, s:o, s:o, s:o, s:o, "
		"s:o, s:s, s:o, s:o, s:o}",
		"verdict", lb_verdict_names[r->d.v], "gated", r->gated,
		"config", r->label, "key", r->key, "metric", r->m->name,
		"scale", r->m->logscale ? "ratio" : "difference", "n_base",
		(int)r->nb, "n_new", (int)r->nn, "base",
		num(lb_cmp_shown(r, r->center_b)), "new",
		num(lb_cmp_shown(r, r->center_n)), "change",
		num(lb_cmp_shown(r, r->d.e.est)), "lo",
		num(lb_cmp_shown(r, r->d.e.lo)), "hi",
		num(lb_cmp_shown(r, r->d.e.hi)), "method",
		r->d.e.rank ? "hodges-lehmann" : "welch", "level",
		num(r->level), "equivalence_lo", num(lb_cmp_shown(r, r->mg.lo)),
		"equivalence_hi", num(lb_cmp_shown(r, r->mg.hi)));

	if (!j)
		lb_die("cannot build the JSON of a comparison row");
	json_object_set_new(j, "regression_beyond",
			    num(lb_cmp_shown(r, r->mg.bad)));
	json_object_set_new(j, "detectable", num(lb_cmp_shown(r, bad)));
	json_object_set_new(j, "regimes",
			    json_pack("{s:o, s:o}", "base",
				      regime_json(&r->d.bim_b, r->d.low_b),
				      "new",
				      regime_json(&r->d.bim_n, r->d.low_n)));
	json_object_set_new(j, "note", json_string(r->note));
	return j;
}

static json_t *strings_json(const char *const *s, unsigned int n)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(s[i]));
	return a;
}

static json_t *gate_json(unsigned int gate)
{
	json_t *a = json_array();
	unsigned int m;

	for (m = 0; m < lb_cmp_nmetrics; m++)
		if (gate & (1u << m))
			json_array_append_new(
				a, json_string(lb_cmp_metrics[m].name));
	return a;
}

void lb_cmp_print_json(FILE *out, const struct lb_cmp *c)
{
	const struct lb_cmp_opts *o = c->o;
	json_t *rows = json_array(), *j;
	unsigned int i;

	sort_rows(c);
	for (i = 0; i < c->nrows; i++)
		json_array_append_new(rows, row_json(&c->rows[i]));
	j = json_pack("{s:s, s:o, s:o, s:f, s:f, s:o, s:i, s:i, s:b, s:f, "
		      "s:i, s:o}",
		      "mode",
		      c->mode == LB_CMP_REPS ? "repetitions" : "invocations",
		      "base", side_json(&c->base), "new", side_json(&c->cand),
		      "threshold", o->threshold, "alpha", o->alpha, "gate",
		      gate_json(o->gate), "look", (int)(o->look ? o->look : 1),
		      "looks", (int)(o->looks ? o->looks : 1), "final",
		      o->final, "look_alpha", c->look_level, "comparisons",
		      (int)c->ntests, "results", rows);
	if (!j)
		lb_die("cannot print the comparison as JSON");
	json_object_set_new(j, "new_configs",
			    strings_json(c->added, c->nadded));
	json_object_set_new(j, "missing_configs",
			    strings_json(c->missing, c->nmissing));
	json_object_set_new(j, "failed_in_new",
			    strings_json(c->failed, c->nfailed));
	json_object_set_new(j, "test_slowdown", json_boolean(c->slowed));
	json_object_set_new(j, "counts",
			    json_pack("{s:i, s:i, s:i, s:i}", "regressions",
				      (int)c->res.regressions, "undecided",
				      (int)c->res.undecided, "equivalent",
				      (int)c->res.equivalent, "improvements",
				      (int)c->res.improvements));
	json_object_set_new(j, "regressions", json_integer(c->res.regressions));
	json_object_set_new(j, "undecided", json_integer(c->res.undecided));
	json_object_set_new(j, "verdict",
			    json_string(c->res.regressions ? "regression" :
					c->res.undecided   ? "undecided" :
							     "no regression"));
	json_object_set_new(j, "exit_status", json_integer(c->res.rc));
	json_object_set_new(
		j, "invalid_reps",
		json_pack("{s:i, s:i, s:i, s:i}", "base", (int)c->excluded_b,
			  "new", (int)c->excluded_n, "base_runs_without_valid",
			  (int)c->invalid_b, "new_runs_without_valid",
			  (int)c->invalid_n));
	if (json_dumpf(j, out,
		       JSON_INDENT(1) | JSON_PRESERVE_ORDER |
			       JSON_REAL_PRECISION(6)))
		lb_die("cannot print the comparison as JSON");
	fputc('\n', out);
	json_decref(j);
}
