/* SPDX-License-Identifier: MIT */
/*
 * resultfile.c - load and validate a result file.  Every accessor below
 * checks presence and type and range; the first problem found stops the load
 * with a message that names the file and the JSON path of the bad value.
 */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/util/options.h"
#include "harness/results/resultfile.h"
#include "runtime/compiler.h"

const char *const lb_rf_pct_names[LB_RF_NPCT] = { "p50", "p90", "p99",
						  "p99.9" };

/* Keys a later issue may use for each percentile, in nanoseconds. */
static const char *const pct_keys[LB_RF_NPCT][3] = {
	{ "p50_ns", "p50", NULL },
	{ "p90_ns", "p90", NULL },
	{ "p99_ns", "p99", NULL },
	{ "p999_ns", "p99.9_ns", "p999" },
};

/* Config keys that do not define what was measured (see resultfile.h). */
static const char *const derived_keys[] = {
	"placement", "oversubscribed",	  "cs_cycles", "think_cycles",
	"reps",	     "test_slowdown_pct", "retries",   "gate",
};

struct ctx {
	const char *path;
	char *err;
	size_t errlen;
	bool failed;
};

static void __attribute__((format(printf, 3, 4)))
fail(struct ctx *c, const char *where, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (c->failed)
		return;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s: %s%s%s", c->path, where,
		 *where ? ": " : "", msg);
	/* Keys and values from the file may hold control characters. */
	if (c->errlen)
		lb_one_line(c->err);
}

static json_t *need(struct ctx *c, json_t *obj, const char *where,
		    const char *key)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	if (!v)
		fail(c, where, "missing '%s'", key);
	return v;
}

static const char *get_str(struct ctx *c, json_t *obj, const char *where,
			   const char *key)
{
	json_t *v = need(c, obj, where, key);

	if (v && !json_is_string(v)) {
		fail(c, where, "'%s' is not a string", key);
		return "";
	}
	return v ? json_string_value(v) : "";
}

/* An optional string: @dflt when absent or not a string. */
static const char *opt_str(json_t *obj, const char *key, const char *dflt)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : dflt;
}

static int64_t get_int(struct ctx *c, json_t *obj, const char *where,
		       const char *key, int64_t min, int64_t max)
{
	json_t *v = need(c, obj, where, key);
	json_int_t i;

	if (!v)
		return min;
	if (!json_is_integer(v)) {
		fail(c, where, "'%s' is not an integer", key);
		return min;
	}
	i = json_integer_value(v);
	if (i < min || i > max) {
		fail(c, where, "'%s' = %lld is out of range [%lld, %lld]", key,
		     (long long)i, (long long)min, (long long)max);
		return min;
	}
	return i;
}

/* A number that may be null (undefined: NaN).  Must be present. */
static double get_num_or_null(struct ctx *c, json_t *obj, const char *where,
			      const char *key)
{
	json_t *v = need(c, obj, where, key);

	if (!v || json_is_null(v))
		return NAN;
	if (!json_is_number(v)) {
		fail(c, where, "'%s' is not a number", key);
		return NAN;
	}
	return json_number_value(v);
}

/* An optional number: NaN when absent, null or not a number. */
static double opt_num(json_t *obj, const char *key)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static bool get_bool(struct ctx *c, json_t *obj, const char *where,
		     const char *key)
{
	json_t *v = need(c, obj, where, key);

	if (v && !json_is_boolean(v))
		fail(c, where, "'%s' is not true or false", key);
	return v && json_is_true(v);
}

static void load_latency(struct ctx *c, json_t *rep, const char *where,
			 struct lb_rf_rep *r, bool *has)
{
	json_t *lat = json_object_get(rep, "latency");
	unsigned int p, k;

	for (p = 0; p < LB_RF_NPCT; p++)
		r->latency_ns[p] = NAN;
	if (!lat || json_is_null(lat))
		return;
	if (!json_is_object(lat)) {
		fail(c, where, "'latency' is not an object");
		return;
	}
	/* nothing sampled (the acquire and offload workloads): no figures */
	if (json_is_integer(json_object_get(lat, "count")) &&
	    json_integer_value(json_object_get(lat, "count")) == 0)
		return;
	for (p = 0; p < LB_RF_NPCT; p++) {
		for (k = 0; k < 3 && pct_keys[p][k]; k++) {
			double v = opt_num(lat, pct_keys[p][k]);

			if (isfinite(v) && v >= 0) {
				r->latency_ns[p] = v;
				*has = true;
				break;
			}
		}
	}
}

/* latency_ns and loop_progress (acquire, offload): optional objects. */
static void load_wl_figures(struct ctx *c, struct lb_rf *rf, json_t *rep,
			    const char *where, struct lb_rf_rep *r)
{
	json_t *lat = json_object_get(rep, "latency_ns");
	json_t *loop = json_object_get(rep, "loop_progress");
	int64_t n, p50, p99, max, kicks;
	char w[160];
	double ps;

	r->wl_p50_ns = r->wl_p99_ns = r->wl_max_ns = NAN;
	r->loop_per_sec = r->loop_kicks_per_sec = NAN;
	if (lat && !json_is_null(lat)) {
		snprintf(w, sizeof(w), "%s.latency_ns", where);
		if (!json_is_object(lat)) {
			fail(c, where, "'latency_ns' is not an object");
			return;
		}
		n = get_int(c, lat, w, "n", 0, INT64_MAX);
		p50 = get_int(c, lat, w, "p50", 0, INT64_MAX);
		get_int(c, lat, w, "p90", 0, INT64_MAX);
		p99 = get_int(c, lat, w, "p99", 0, INT64_MAX);
		max = get_int(c, lat, w, "max", 0, INT64_MAX);
		if (c->failed)
			return;
		if (n > 0) {
			r->wl_p50_ns = (double)p50;
			r->wl_p99_ns = (double)p99;
			r->wl_max_ns = (double)max;
			rf->has_wl_latency = true;
		}
	}
	if (loop && !json_is_null(loop)) {
		snprintf(w, sizeof(w), "%s.loop_progress", where);
		if (!json_is_object(loop)) {
			fail(c, where, "'loop_progress' is not an object");
			return;
		}
		get_int(c, loop, w, "iterations", 0, INT64_MAX);
		ps = get_num_or_null(c, loop, w, "per_sec");
		kicks = get_int(c, loop, w, "kicks", 0, INT64_MAX);
		if (c->failed)
			return;
		if (ps < 0) {
			fail(c, w, "'per_sec' is negative");
			return;
		}
		r->loop_per_sec = ps;
		if (r->elapsed_s > 0)
			r->loop_kicks_per_sec = (double)kicks / r->elapsed_s;
		rf->has_loop = true;
	}
}

/* "valid" and "invalid" (the validity gate): optional, valid by default. */
static void load_validity(struct ctx *c, json_t *rep, const char *where,
			  struct lb_rf_rep *r)
{
	json_t *valid = json_object_get(rep, "valid");
	json_t *why = json_object_get(rep, "invalid");
	size_t i, len = 1;

	r->valid = true;
	if (valid && !json_is_boolean(valid)) {
		fail(c, where, "'valid' is not true or false");
		return;
	}
	r->valid = !valid || json_is_true(valid);
	if (!why || json_is_null(why))
		return;
	if (!json_is_array(why)) {
		fail(c, where, "'invalid' is not an array of reasons");
		return;
	}
	for (i = 0; i < json_array_size(why); i++) {
		if (!json_is_string(json_array_get(why, i))) {
			fail(c, where, "'invalid[%zu]' is not a string", i);
			return;
		}
		len += json_string_length(json_array_get(why, i)) + 2;
	}
	if (r->valid)
		return;
	r->invalid = lb_xzalloc(len);
	for (i = 0; i < json_array_size(why); i++) {
		if (i)
			strcat(r->invalid, "; ");
		strcat(r->invalid, json_string_value(json_array_get(why, i)));
	}
	lb_one_line(r->invalid);
}

/*
 * Put the repetitions that count first (valid ones, or all when none is),
 * the invalid ones left out after them, each group in the order run.
 */
static void partition_reps(struct lb_rf *rf, struct lb_rf_run *r)
{
	unsigned int i, k = 0, nvalid = 0, n = r->nreps;
	struct lb_rf_rep *tmp;

	for (i = 0; i < n; i++)
		nvalid += r->reps[i].valid;
	r->valid = nvalid || !n;
	if (nvalid == n || !nvalid) {
		rf->invalid_runs += !r->valid;
		return;
	}
	tmp = lb_xzalloc((n + 1) * sizeof(*tmp));
	for (i = 0; i < n; i++)
		if (r->reps[i].valid)
			tmp[k++] = r->reps[i];
	for (i = 0; i < n; i++)
		if (!r->reps[i].valid)
			tmp[k++] = r->reps[i];
	memcpy(r->reps, tmp, n * sizeof(*tmp));
	free(tmp);
	r->nreps = nvalid;
	r->nexcluded = n - nvalid;
	rf->excluded_reps += r->nexcluded;
}

/* A JSON array of @n counts into @out; false if it is not one. */
static bool counts(json_t *a, size_t n, uint64_t *out)
{
	size_t i;

	if (!json_is_array(a) || json_array_size(a) != n)
		return false;
	for (i = 0; i < n; i++) {
		json_t *v = json_array_get(a, i);

		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return false;
		out[i] = (uint64_t)json_integer_value(v);
	}
	return true;
}

/*
 * "timeline" (optional): as many rows as thread_ops, each as long as
 * end_ns, window ends increasing.  At most 2^20 windows per worker.
 */
static void load_timeline(struct ctx *c, json_t *rep, const char *where,
			  struct lb_rf_rep *r)
{
	json_t *tl = json_object_get(rep, "timeline"), *ends, *ops;
	size_t nw, i;

	if (!tl || c->failed)
		return;
	ends = json_object_get(tl, "end_ns");
	ops = json_object_get(tl, "ops");
	nw = json_array_size(ends);
	if (!json_is_object(tl) || !nw || nw > (1u << 20) ||
	    json_array_size(ops) != r->nthreads) {
		fail(c, where,
		     "'timeline' is not {end_ns: [...], ops: [one "
		     "row per worker]}");
		return;
	}
	/* Sizes first: what is allocated is bounded by what the file holds. */
	for (i = 0; i < r->nthreads; i++)
		if (json_array_size(json_array_get(ops, i)) != nw) {
			fail(c, where,
			     "'timeline.ops[%zu]' is not %zu window counts", i,
			     nw);
			return;
		}
	r->win_end_ns = lb_xzalloc(nw * sizeof(*r->win_end_ns));
	r->win_ops = lb_xzalloc(nw * r->nthreads * sizeof(*r->win_ops));
	r->nwindows = (unsigned int)nw;
	if (!counts(ends, nw, r->win_end_ns)) {
		fail(c, where, "'timeline.end_ns' is not a list of times");
		return;
	}
	for (i = 1; i < nw; i++)
		if (r->win_end_ns[i] < r->win_end_ns[i - 1]) {
			fail(c, where, "'timeline.end_ns' goes backwards");
			return;
		}
	for (i = 0; i < r->nthreads; i++)
		if (!counts(json_array_get(ops, i), nw, r->win_ops + i * nw)) {
			fail(c, where,
			     "'timeline.ops[%zu]' is not %zu window counts", i,
			     nw);
			return;
		}
}

static void load_rep(struct ctx *c, struct lb_rf *rf, json_t *rep,
		     const char *where, unsigned int nthreads,
		     struct lb_rf_rep *r)
{
	json_t *tops, *machine;
	double user, sys;
	int64_t ops;
	size_t i;

	if (!json_is_object(rep)) {
		fail(c, where, "not an object");
		return;
	}
	r->ok = get_bool(c, rep, where, "ok");
	r->elapsed_s =
		(double)get_int(c, rep, where, "elapsed_ns", 0, INT64_MAX) /
		1e9;
	ops = get_int(c, rep, where, "ops", 0, INT64_MAX);
	r->broken =
		!r->ok &&
		(ops > 0 || get_int(c, rep, where, "counter", 0, INT64_MAX) !=
				    get_int(c, rep, where, "atomic_counter", 0,
					    INT64_MAX));
	r->ops_per_sec = get_num_or_null(c, rep, where, "ops_per_sec");
	r->jain = get_num_or_null(c, rep, where, "jain");
	user = get_num_or_null(c, rep, where, "cpu_user_s");
	sys = get_num_or_null(c, rep, where, "cpu_sys_s");
	r->cpu_us_per_op = ops > 0 ? (user + sys) * 1e6 / (double)ops : NAN;
	if (!(r->ops_per_sec >= 0) || isinf(r->ops_per_sec))
		r->ops_per_sec = NAN;
	if (!(r->jain > 0 && r->jain <= 1.0 + 1e-9))
		r->jain = NAN;
	if (!(r->cpu_us_per_op >= 0) || isinf(r->cpu_us_per_op))
		r->cpu_us_per_op = NAN;
	machine = json_object_get(rep, "machine");
	r->other_cpu_s = opt_num(machine, "other_cpu_s");
	tops = need(c, rep, where, "thread_ops");
	if (c->failed)
		return;
	/*
	 * One count per worker: threads, or threads x coroutines; none in a
	 * repetition that could not run (setup failure, stall, crash).
	 */
	if (!json_is_array(tops) || json_array_size(tops) < (r->ok ? 1 : 0) ||
	    json_array_size(tops) > (size_t)nthreads * LB_MAX_THREADS) {
		fail(c, where, "'thread_ops' is not an array of counts");
		return;
	}
	nthreads = (unsigned int)json_array_size(tops);
	r->nthreads = nthreads;
	r->thread_ops = lb_xzalloc(nthreads * sizeof(*r->thread_ops));
	for (i = 0; i < nthreads; i++) {
		json_t *v = json_array_get(tops, i);

		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			fail(c, where, "'thread_ops[%zu]' is not a count", i);
			return;
		}
		r->thread_ops[i] = (uint64_t)json_integer_value(v);
	}
	load_latency(c, rep, where, r, &rf->has_latency);
	load_timeline(c, rep, where, r);
	load_wl_figures(c, rf, rep, where, r);
	load_validity(c, rep, where, r);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_derived(const char *key)
{
	unsigned int i;

	for (i = 0; i < LB_ARRAY_SIZE(derived_keys); i++)
		if (!strcmp(key, derived_keys[i]))
			return true;
	return false;
}

/* The canonical key of a configuration: sorted "name=value" pairs. */
static char *config_key(json_t *config)
{
	const char **names;
	size_t n = 0, len = 1, i;
	const char *k;
	json_t *v;
	char *key;

	names = lb_xzalloc((json_object_size(config) + 1) * sizeof(*names));
	json_object_foreach(config, k, v) if (!is_derived(k)) names[n++] = k;
	qsort(names, n, sizeof(*names), cmp_str);
	key = lb_xzalloc(len);
	for (i = 0; i < n; i++) {
		char *val = json_dumps(json_object_get(config, names[i]),
				       JSON_COMPACT | JSON_SORT_KEYS |
					       JSON_ENCODE_ANY);
		size_t add;
		char *grown;

		if (!val)
			lb_xmalloc_fail(0);
		add = (i ? 1 : 0) + strlen(names[i]) + 1 + strlen(val);
		grown = realloc(key, len + add);
		if (!grown)
			lb_xmalloc_fail(len + add);
		key = grown;
		snprintf(key + len - 1, add + 1, "%s%s=%s", i ? " " : "",
			 names[i], val);
		len += add;
		free(val);
	}
	free(names);
	return key;
}

static void format_ns(uint64_t ns, char *buf, size_t len)
{
	if (ns >= 1000000000ull && ns % 1000000ull == 0)
		snprintf(buf, len, "%gs", (double)ns / 1e9);
	else if (ns >= 1000000ull && ns % 1000ull == 0)
		snprintf(buf, len, "%gms", (double)ns / 1e6);
	else if (ns >= 1000ull)
		snprintf(buf, len, "%gus", (double)ns / 1e3);
	else
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
}

/*
 * An enumerated config string (results/schema.json): "" when absent, which
 * only workload @need_for allows.
 */
static const char *get_enum(struct ctx *c, json_t *config, const char *where,
			    const char *key, const char *const *values,
			    const char *workload, const char *need_for)
{
	json_t *v = json_object_get(config, key);
	unsigned int i;

	if (!v) {
		if (!strcmp(workload, need_for))
			fail(c, where, "missing '%s'", key);
		return "";
	}
	for (i = 0; json_is_string(v) && values[i]; i++)
		if (!strcmp(json_string_value(v), values[i]))
			return values[i];
	fail(c, where, "'%s' is not one of the known values", key);
	return "";
}

static void load_run(struct ctx *c, struct lb_rf *rf, json_t *run,
		     unsigned int index, struct lb_rf_run *r)
{
	char where[64], rwhere[96], cs[32], think[32], label[256];
	json_t *config, *reps, *sd;
	size_t i;

	snprintf(where, sizeof(where), "runs[%u]", index);
	if (!json_is_object(run)) {
		fail(c, where, "not an object");
		return;
	}
	r->status = get_str(c, run, where, "status");
	if (!c->failed && strcmp(r->status, "ok") &&
	    strcmp(r->status, "failed") && strcmp(r->status, "error"))
		fail(c, where, "unknown status '%s'", r->status);
	config = need(c, run, where, "config");
	if (c->failed)
		return;
	if (!json_is_object(config)) {
		fail(c, where, "'config' is not an object");
		return;
	}
	snprintf(where, sizeof(where), "runs[%u].config", index);
	r->method = get_str(c, config, where, "method");
	r->workload = get_str(c, config, where, "workload");
	r->pin = get_str(c, config, where, "pin");
	r->threads = (unsigned int)get_int(c, config, where, "threads", 1,
					   LB_MAX_THREADS);
	r->oversubscribed = get_bool(c, config, where, "oversubscribed");
	r->cs_ns = (uint64_t)get_int(c, config, where, "cs_ns", 0, INT64_MAX);
	r->think_ns =
		(uint64_t)get_int(c, config, where, "think_ns", 0, INT64_MAX);
	get_int(c, config, where, "duration_ns", 0, INT64_MAX);
	if (!c->failed) {
		static const char *const modes[] = { "submit_co",
						     "run_in_worker", "inline",
						     NULL };
		static const char *const works[] = { "busy", "sleep", NULL };

		r->offload_mode = get_enum(c, config, where, "offload_mode",
					   modes, r->workload, "offload");
		r->offload_work = get_enum(c, config, where, "offload_work",
					   works, r->workload, "offload");
	}
	sd = json_object_get(config, "test_slowdown_pct");
	if (sd && !json_is_null(sd)) {
		if (!json_is_number(sd) || !(json_number_value(sd) >= 0) ||
		    json_number_value(sd) > 1e6)
			fail(c, where,
			     "'test_slowdown_pct' is not a "
			     "percentage");
		else
			r->test_slowdown_pct = json_number_value(sd);
		if (r->test_slowdown_pct > 0)
			rf->test_slowdown = true;
	}
	if (c->failed)
		return;
	if (!*r->method || strlen(r->method) > 64 || strchr(r->method, '"')) {
		fail(c, where, "'method' is not a method name");
		return;
	}
	r->key = config_key(config);
	format_ns(r->cs_ns, cs, sizeof(cs));
	format_ns(r->think_ns, think, sizeof(think));
	snprintf(label, sizeof(label), "%s, %u thread%s, cs %s, think %s",
		 r->method, r->threads, r->threads > 1 ? "s" : "", cs, think);
	r->label = strdup(label);
	if (!r->label)
		lb_xmalloc_fail(sizeof(label));
	snprintf(where, sizeof(where), "runs[%u]", index);
	reps = need(c, run, where, "reps");
	if (c->failed)
		return;
	if (!json_is_array(reps)) {
		fail(c, where, "'reps' is not an array");
		return;
	}
	r->nreps = (unsigned int)json_array_size(reps);
	r->reps = lb_xzalloc((r->nreps + 1) * sizeof(*r->reps));
	for (i = 0; i < r->nreps && !c->failed; i++) {
		snprintf(rwhere, sizeof(rwhere), "runs[%u].reps[%zu]", index,
			 i);
		load_rep(c, rf, json_array_get(reps, i), rwhere, r->threads,
			 &r->reps[i]);
	}
	if (!c->failed)
		partition_reps(rf, r);
}

static void load_top(struct ctx *c, struct lb_rf *rf, json_t *root)
{
	json_t *tool, *host, *topo, *runs, *schema;
	size_t i;

	if (!json_is_object(root)) {
		fail(c, "", "not a lockbench result file (not a JSON object)");
		return;
	}
	schema = json_object_get(root, "schema");
	if (!json_is_string(schema) ||
	    strcmp(json_string_value(schema), LB_SCHEMA_NAME)) {
		fail(c, "",
		     "not a lockbench result file ('schema' is not "
		     "\"" LB_SCHEMA_NAME "\")");
		return;
	}
	rf->schema_version =
		(int)get_int(c, root, "", "schema_version", 0, INT32_MAX);
	if (c->failed)
		return;
	if (rf->schema_version > LB_SCHEMA_VERSION) {
		fail(c, "",
		     "schema_version %d is newer than this lockbench "
		     "knows (%d): use a newer lockbench",
		     rf->schema_version, LB_SCHEMA_VERSION);
		return;
	}
	if (rf->schema_version != LB_SCHEMA_VERSION) {
		fail(c, "",
		     "schema_version %d is not supported (this lockbench "
		     "reads %d)",
		     rf->schema_version, LB_SCHEMA_VERSION);
		return;
	}
	tool = need(c, root, "", "tool");
	host = need(c, root, "", "host");
	topo = need(c, root, "", "topology");
	runs = need(c, root, "", "runs");
	if (c->failed)
		return;
	rf->version = get_str(c, tool, "tool", "version");
	rf->commit = get_str(c, tool, "tool", "git_commit");
	rf->created = get_str(c, root, "", "created");
	rf->hostname = get_str(c, host, "host", "hostname");
	rf->cpu_model = opt_str(host, "cpu_model", "unknown");
	rf->kernel = opt_str(host, "kernel", "unknown");
	rf->online_cpus = (unsigned int)get_int(c, host, "host", "online_cpus",
						1, 1 << 20);
	rf->pus = (unsigned int)get_int(c, topo, "topology", "pus", 1, 1 << 20);
	if (c->failed)
		return;
	if (!json_is_array(runs)) {
		fail(c, "", "'runs' is not an array");
		return;
	}
	rf->nruns = (unsigned int)json_array_size(runs);
	rf->runs = lb_xzalloc((rf->nruns + 1) * sizeof(*rf->runs));
	for (i = 0; i < rf->nruns && !c->failed; i++)
		load_run(c, rf, json_array_get(runs, i), (unsigned int)i,
			 &rf->runs[i]);
}

/* Validate @root (parsed from @path; owned from here on). */
static int load_json(const char *path, json_t *root, struct lb_rf **out,
		     char *err, size_t errlen)
{
	struct ctx c = { .path = path, .err = err, .errlen = errlen };
	struct lb_rf *rf;

	rf = lb_xzalloc(sizeof(*rf));
	rf->json = root;
	rf->path = strdup(path);
	if (!rf->path)
		lb_xmalloc_fail(strlen(path) + 1);
	load_top(&c, rf, root);
	if (c.failed) {
		lb_rf_free(rf);
		return -1;
	}
	*out = rf;
	return 0;
}

static void json_error(const char *path, const json_error_t *je, char *err,
		       size_t errlen)
{
	snprintf(err, errlen,
		 "%s:%d:%d: not a lockbench result file (invalid JSON: %s)",
		 path, je->line, je->column, je->text);
	/* jansson quotes the offending bytes, newlines included. */
	lb_one_line(err);
}

int lb_rf_load(const char *path, struct lb_rf **out, char *err, size_t errlen)
{
	json_error_t je;
	struct stat st;
	json_t *root;

	*out = NULL;
	if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: cannot read: it is a directory",
			 path);
		return -1;
	}
	if (!stat(path, &st) && S_ISREG(st.st_mode) && !st.st_size) {
		snprintf(err, errlen,
			 "%s: not a lockbench result file (empty file)", path);
		return -1;
	}
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		if (json_error_code(&je) == json_error_cannot_open_file)
			snprintf(err, errlen, "%s: cannot read: %s", path,
				 je.text);
		else
			json_error(path, &je, err, errlen);
		return -1;
	}
	return load_json(path, root, out, err, errlen);
}

int lb_rf_load_buffer(const char *text, size_t len, const char *name,
		      struct lb_rf **out, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root;

	*out = NULL;
	if (!len) {
		snprintf(err, errlen,
			 "%s: not a lockbench result file (empty file)", name);
		return -1;
	}
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		json_error(name, &je, err, errlen);
		return -1;
	}
	return load_json(name, root, out, err, errlen);
}

void lb_rf_free(struct lb_rf *rf)
{
	unsigned int i, j;

	if (!rf)
		return;
	for (i = 0; i < rf->nruns; i++) {
		for (j = 0; j < rf->runs[i].nreps + rf->runs[i].nexcluded;
		     j++) {
			free(rf->runs[i].reps[j].thread_ops);
			free(rf->runs[i].reps[j].win_end_ns);
			free(rf->runs[i].reps[j].win_ops);
			free(rf->runs[i].reps[j].invalid);
		}
		free(rf->runs[i].reps);
		free(rf->runs[i].key);
		free(rf->runs[i].label);
	}
	free(rf->runs);
	free(rf->path);
	json_decref(rf->json);
	free(rf);
}

const char *lb_rf_label(const struct lb_rf *rf, char *buf, size_t len)
{
	snprintf(buf, len, "%.40s %.12s%s", rf->hostname, rf->commit,
		 strstr(rf->commit, "-dirty") ? "-dirty" : "");
	return buf;
}

double lb_rf_metric(const struct lb_rf_rep *rep, const char *name)
{
	if (!strcmp(name, "ops_per_sec"))
		return rep->ops_per_sec;
	if (!strcmp(name, "jain"))
		return rep->jain;
	if (!strcmp(name, "cpu_us_per_op"))
		return rep->cpu_us_per_op;
	if (!strcmp(name, "latency_p99_ns"))
		return rep->latency_ns[LB_RF_P99];
	if (!strcmp(name, "latency_ns.p50"))
		return rep->wl_p50_ns;
	if (!strcmp(name, "latency_ns.p99"))
		return rep->wl_p99_ns;
	if (!strcmp(name, "latency_ns.max"))
		return rep->wl_max_ns;
	if (!strcmp(name, "loop_progress.per_sec"))
		return rep->loop_per_sec;
	if (!strcmp(name, "loop_progress.kicks_per_sec"))
		return rep->loop_kicks_per_sec;
	return NAN;
}
