/* SPDX-License-Identifier: MIT */
/*
 * t_knobs.c - the knob table walked row by row: every knob has help, a
 * spec key and a field; its default parses within its range; a value
 * other than the default goes spec -> struct lb_config -> the run's config
 * JSON and comes back the same; a workload that ignores a knob refuses it,
 * in a spec and on the command line; getopt's table and --help hold every
 * option.  Nothing here names a knob except to pick a workload and a
 * method that can run with it: a new row is covered without a new test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/config/cmdline.h"
#include "harness/config/matrix.h"
#include "harness/config/sweep.h"
#include "tests/tap.h"

/* A value of @k other than its default: as text and as JSON. */
static void sample(const struct lb_knob *k, char *text, size_t len,
		   json_t **json)
{
	uint64_t x = k->min + 1 <= k->max ? k->min + 1 : k->min;

	switch (k->type) {
	case LB_KT_COUNT:
	case LB_KT_NUMLIST:
	case LB_KT_SAMPLE:
		snprintf(text, len, "%llu", (unsigned long long)x);
		*json = json_integer((json_int_t)x);
		return;
	case LB_KT_DURATION:
		x = k->min ? 2 * k->min : 1000;
		snprintf(text, len, "%lluns", (unsigned long long)x);
		break;
	case LB_KT_WORD:
		snprintf(text, len, "%s", k->words[k->nwords - 1]);
		break;
	case LB_KT_PICK:
		snprintf(text, len, "zipf:0.5");
		break;
	case LB_KT_PIN:
		snprintf(text, len, "none");
		break;
	case LB_KT_GATE:
		snprintf(text, len, "wall=0.5");
		break;
	case LB_KT_METHODS:
		snprintf(text, len, "ticket");
		break;
	case LB_KT_WORKLOAD:
		snprintf(text, len, "bql");
		break;
	default:
		snprintf(text, len, "x");
	}
	*json = json_string(text);
}

/* A workload that honours @k (one with objects for striped knobs). */
static const struct lb_workload *workload_for(const struct lb_knob *k)
{
	unsigned int w;

	for (w = 0; w < lb_nworkloads; w++)
		if (lb_knob_honoured(k, lb_workloads[w]) &&
		    (k->record != LB_REC_STRIPED ||
		     lb_workloads[w]->uses_objects))
			return lb_workloads[w];
	return NULL;
}

/* A method that can run @wl with @k at value @x (nesting, striping). */
static const struct lb_lock_ops *method_for(const struct lb_workload *wl,
					    const struct lb_knob *k, uint64_t x)
{
	char err[LB_ERRLEN];
	unsigned int i, depth = k->honour == LB_HON_DEPTH ? (unsigned int)x : 1;

	for (i = 0; i < lb_nlocks; i++)
		if (!(lb_locks[i]->flags & (LB_TEST_ONLY | LB_NO_EXCLUSION)) &&
		    wl->loop_for(i) &&
		    !lb_config_check_method(wl, lb_locks[i], depth, true, err,
					    sizeof(err)))
			return lb_locks[i];
	return NULL;
}

static void rows(void)
{
	unsigned int i;

	for (i = 0; i < lb_nknobs; i++) {
		const struct lb_knob *k = &lb_knobs[i];
		bool cli = k->name != NULL, spec = k->key != NULL;

		tap_ok((k->help || !cli) &&
			       (spec || (k->flags & LB_KF_RUN_ONLY)) &&
			       (k->size || k->type == LB_KT_TEXT) &&
			       k->offset + k->size <=
				       sizeof(struct lb_config) &&
			       (k->honour == LB_HON_ALL || k->ignored) &&
			       (k->type != LB_KT_WORD || k->nwords > 1),
		       "knob %s: help, key, field, why it may be refused",
		       k->key ? k->key : k->name);
	}
}

/* The default of @k parses, within its range. */
static void defaults(void)
{
	struct lb_knob_set s;
	unsigned int i;
	char err[LB_ERRLEN] = "";

	lb_knob_set_init(&s);
	for (i = 0; i < lb_nknobs; i++) {
		const struct lb_knob *k = &lb_knobs[i];
		bool numeric = k->type == LB_KT_COUNT ||
			       k->type == LB_KT_DURATION;
		int rc;

		if (!k->dflt)
			continue;
		rc = lb_knob_parse(&s, k, "--x", k->dflt, true, err,
				   sizeof(err));
		tap_ok(!rc && (!numeric ||
			       (lb_knob_get(k, &s.vals[0]) >= k->min &&
				lb_knob_get(k, &s.vals[0]) <= k->max &&
				lb_knob_get(k, &s.base) ==
					lb_knob_get(k, &s.vals[0]))),
		       "default of %s '%s' parses within its range%s%s", k->key,
		       k->dflt, rc ? ": " : "", rc ? err : "");
	}
	lb_knob_set_free(&s);
}

/* The config JSON of the first configuration of spec @j, or NULL. */
static json_t *config_of(json_t *j, const struct lb_topo *topo,
			 struct lb_config *first, char *err, size_t errlen)
{
	char *text = json_dumps(j, 0);
	struct lb_sweep_spec spec;
	struct lb_matrix m;
	json_t *c = NULL;

	if (!text)
		lb_die("cannot dump the spec");

	if (!lb_sweep_spec_parse(text, strlen(text), "t.json", &spec, err,
				 errlen)) {
		if (!lb_matrix_expand(&spec.set, topo, false, &m, err,
				      errlen)) {
			*first = m.cfgs[0];
			c = json_object();
			lb_config_json(first, c);
			lb_matrix_free(&m);
		}
		lb_sweep_spec_free(&spec);
	}
	free(text);
	return c;
}

/* What @k's config value should be for sample @text / @v. */
static bool same_value(const struct lb_knob *k, json_t *got, json_t *v,
		       const char *text)
{
	uint64_t ns;
	char err[LB_ERRLEN];

	switch (k->type) {
	case LB_KT_COUNT:
	case LB_KT_NUMLIST:
		return json_integer_value(got) == json_integer_value(v);
	case LB_KT_DURATION:
		return !lb_parse_duration("t", text, 0, UINT64_MAX, &ns, err,
					  sizeof(err)) &&
		       json_integer_value(got) == (json_int_t)ns;
	case LB_KT_GATE:
		return json_real_value(json_object_get(got, "wall")) == 0.5;
	default:
		return json_is_string(got) &&
		       !strcmp(json_string_value(got), text);
	}
}

static void round_trip(const struct lb_knob *k, const struct lb_topo *topo)
{
	const struct lb_workload *wl = workload_for(k);
	const struct lb_lock_ops *ops;
	struct lb_config first;
	char text[64], err[LB_ERRLEN] = "";
	json_t *v, *spec = json_object(), *c;

	sample(k, text, sizeof(text), &v);
	ops = wl ? method_for(wl, k, json_integer_value(v)) : NULL;
	if (!ops) {
		tap_ok(false, "%s: a workload and a method to run it", k->key);
		json_decref(v);
		json_decref(spec);
		return;
	}
	json_object_set_new(spec, "workload", json_string(wl->name));
	if (k->type != LB_KT_METHODS)
		json_object_set_new(spec, "methods", json_string(ops->name));
	json_object_set(spec, k->key, v);
	c = config_of(spec, topo, &first, err, sizeof(err));
	tap_ok(c && (!json_is_integer(v) ||
		     lb_knob_get(k, &first) == (uint64_t)json_integer_value(v)),
	       "%s: spec -> struct (%s)", k->key, err);
	if (k->config_key)
		tap_ok(c && same_value(k, json_object_get(c, k->config_key), v,
				       text),
		       "%s: struct -> config \"%s\" (%s)", k->key,
		       k->config_key, text);
	json_decref(c);
	json_decref(v);
	json_decref(spec);
}

/* A workload that ignores @k refuses it: in a spec, on the command line. */
static void refusal(const struct lb_knob *k)
{
	const struct lb_workload *wl = NULL;
	struct lb_sweep_spec spec;
	struct lb_knob_set s;
	struct lb_knob_err e;
	char text[64], err[LB_ERRLEN] = "", *dump, opt[64];
	json_t *v, *j = json_object();
	unsigned int w;
	int rc;

	for (w = 0; w < lb_nworkloads && !wl; w++)
		if (!lb_knob_honoured(k, lb_workloads[w]))
			wl = lb_workloads[w];
	if (!wl || !j) {
		tap_ok(false, "%s: some workload ignores it", k->key);
		tap_ok(false, "%s: refused on the command line", k->key);
		json_decref(j);
		return;
	}
	sample(k, text, sizeof(text), &v);
	json_object_set_new(j, "workload", json_string(wl->name));
	json_object_set_new(j, k->key, v);
	dump = json_dumps(j, 0);
	if (!dump)
		lb_die("cannot dump the spec");
	rc = lb_sweep_spec_parse(dump, strlen(dump), "t.json", &spec, err,
				 sizeof(err));
	tap_ok(rc && strstr(err, k->key) && strstr(err, "ignores it"),
	       "spec: workload %s refuses %s: %s", wl->name, k->key, err);
	lb_knob_set_init(&s);
	snprintf(opt, sizeof(opt), "--%s", k->name);
	lb_knob_parse(&s, lb_knob_find("workload", false), "--workload",
		      wl->name, true, err, sizeof(err));
	lb_knob_parse(&s, k, opt, text, true, err, sizeof(err));
	rc = lb_knob_set_finish(&s, true, &e);
	tap_ok(rc && strstr(e.msg, opt) && strstr(e.msg, wl->name),
	       "run -w %s %s %s refused: %s", wl->name, opt, text, e.msg);
	lb_knob_set_free(&s);
	json_decref(j);
	free(dump);
}

/* getopt's table and --help hold every knob of run, and sweep's. */
static void command_line(void)
{
	static const struct lb_cmd_opt own[] = { { NULL, 0, NULL, NULL } };
	struct lb_cmdline cl;
	unsigned int i, n, missing = 0;
	char *help = NULL;
	size_t len = 0;
	FILE *f;

	for (n = 0; n < 2; n++) {
		lb_cmdline_build(&cl, n, own, 1);
		f = open_memstream(&help, &len);
		lb_cmdline_help(&cl, f);
		fclose(f);
		for (i = 0; i < lb_nknobs; i++) {
			const struct lb_knob *k = &lb_knobs[i];
			char opt[64], sh[3] = { '-', k->short_opt, 0 };
			unsigned int o;

			if (!k->name || (n && !(k->flags & LB_KF_SWEEP)))
				continue;
			snprintf(opt, sizeof(opt), "--%s", k->name);
			for (o = 0; cl.longopts[o].name; o++)
				if (!strcmp(cl.longopts[o].name, k->name))
					break;
			missing += !cl.longopts[o].name || !strstr(help, opt) ||
				   (k->short_opt &&
				    (!strchr(cl.optstring, k->short_opt) ||
				     !strstr(help, sh) ||
				     lb_cmdline_knob(&cl, k->short_opt) != k));
		}
		free(help);
		help = NULL;
	}
	tap_ok(!missing,
	       "run and sweep: every knob in getopt's table and "
	       "--help (%u missing)",
	       missing);
}

int main(void)
{
	struct lb_topo *topo;
	char err[LB_ERRLEN];
	unsigned int i, n = 0;

	for (i = 0; i < lb_nknobs; i++)
		n += 1 + !!lb_knobs[i].dflt +
		     (lb_knobs[i].key && lb_knobs[i].size &&
		      !(lb_knobs[i].flags & LB_KF_RUN_ONLY)) *
			     (1 + !!lb_knobs[i].config_key) +
		     2 * (lb_knobs[i].honour != LB_HON_ALL);
	tap_plan((int)n + 1);
	if (lb_topo_load(&topo, NULL, err, sizeof(err)))
		lb_die("%s", err);
	rows();
	defaults();
	for (i = 0; i < lb_nknobs; i++)
		if (lb_knobs[i].key && lb_knobs[i].size &&
		    !(lb_knobs[i].flags & LB_KF_RUN_ONLY))
			round_trip(&lb_knobs[i], topo);
	for (i = 0; i < lb_nknobs; i++)
		if (lb_knobs[i].honour != LB_HON_ALL)
			refusal(&lb_knobs[i]);
	command_line();
	lb_topo_destroy(topo);
	return tap_done();
}
