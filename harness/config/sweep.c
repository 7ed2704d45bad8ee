/* SPDX-License-Identifier: MIT */
/*
 * sweep.c - sweep specs (see sweep.h): parse and validate, the built-in
 * presets, and the expansion of a spec into a plan.
 *
 * jansson gives the line and column of a syntax error only; for a value
 * that parses but is wrong, locate() scans the (then known valid) text
 * again for the key path, so that every message still points into the
 * file.  The scanner is bounded by the buffer's length everywhere.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/util/options.h"
#include "harness/config/sweep.h"
#include "locks/lock.h"
#include "runtime/compiler.h"
#include "workloads/workload.h"

/* run's default methods, for specs that do not name any. */
static const char *const default_method_names[] = {
	"pthread", "pthread-adaptive", "mcs-futex", "futex-mutex", "ticket",
};

/* ------------------------------------------------------------ presets */

const char *const lb_sweep_preset_names[] = { "quick", "default", "full" };
const unsigned int lb_sweep_npresets = LB_ARRAY_SIZE(lb_sweep_preset_names);

/* Each is a spec, parsed and checked like a file (tests dry-run each). */
static const char *const preset_specs[] = {
	/* quick: 16 configurations x 3 repetitions, about 30 s. */
	"{\n"
	"  \"description\": \"quick look: fair and unfair, sleeping and "
	"spinning, thread and coroutine locks; under a minute on two "
	"cores\",\n"
	"  \"workload\": \"counter\",\n"
	"  \"methods\": [\"pthread\", \"mcs-futex\", \"comutex\", "
	"\"ticket\"],\n"
	"  \"threads\": [1, 2],\n"
	"  \"cs\": [\"0\", \"200ns\"],\n"
	"  \"duration\": \"400ms\",\n"
	"  \"warmup\": \"100ms\",\n"
	"  \"reps\": 3\n"
	"}\n",
	/* default: a few minutes on two cores. */
	"{\n"
	"  \"description\": \"the usual comparison: run's default locks, the "
	"coroutine mutex and the harness floor, at every thread count up to "
	"the PUs, short and long critical sections, with and without think "
	"time\",\n"
	"  \"workload\": \"counter\",\n"
	"  \"methods\": [\"none\", \"pthread\", \"pthread-adaptive\", "
	"\"mcs-futex\", \"futex-mutex\", \"ticket\", \"comutex\"],\n"
	"  \"threads\": \"auto\",\n"
	"  \"cs\": [\"0\", \"100ns\", \"1us\"],\n"
	"  \"think\": [\"0\", \"500ns\"],\n"
	"  \"duration\": \"300ms\",\n"
	"  \"warmup\": \"50ms\",\n"
	"  \"reps\": 5\n"
	"}\n",
	/* full: every method where its workload fits; under an hour. */
	"{\n"
	"  \"description\": \"everything: every method with every workload "
	"it fits, 1 to 8 threads (oversubscribed on small machines), short and long "
	"critical sections, reader shares for the rw locks\",\n"
	"  \"workload\": [\"counter\", \"rwmix\", \"acquire\", "
	"\"offload\"],\n"
	"  \"methods\": \"all\",\n"
	"  \"threads\": \"1-8:x2\",\n"
	"  \"cs\": [\"0\", \"1us\"],\n"
	"  \"think\": [\"0\", \"500ns\"],\n"
	"  \"read_pct\": [50, 90, 99],\n"
	"  \"duration\": \"300ms\",\n"
	"  \"warmup\": \"50ms\",\n"
	"  \"reps\": 5\n"
	"}\n",
};

const char *lb_sweep_preset(const char *name)
{
	unsigned int i;

	for (i = 0; i < lb_sweep_npresets; i++)
		if (!strcmp(name, lb_sweep_preset_names[i]))
			return preset_specs[i];
	return NULL;
}

/* ------------------------------------------------------------ locator */

static void skip_ws(const char *t, size_t len, size_t *i)
{
	while (*i < len && (t[*i] == ' ' || t[*i] == '\t' || t[*i] == '\n' ||
			    t[*i] == '\r'))
		(*i)++;
}

/* At a '"': past the closing quote.  -1 if unterminated. */
static int skip_string(const char *t, size_t len, size_t *i)
{
	for ((*i)++; *i < len; (*i)++) {
		if (t[*i] == '\\')
			(*i)++;
		else if (t[*i] == '"') {
			(*i)++;
			return 0;
		}
	}
	return -1;
}

/* Any value, iteratively (no recursion whatever the nesting). */
static int skip_value(const char *t, size_t len, size_t *i)
{
	size_t depth = 0;

	if (*i >= len)
		return -1;
	if (t[*i] != '{' && t[*i] != '[' && t[*i] != '"') {
		while (*i < len && !strchr(",]} \t\r\n", t[*i]))
			(*i)++;
		return 0;
	}
	do {
		if (*i >= len)
			return -1;
		if (t[*i] == '"') {
			if (skip_string(t, len, i))
				return -1;
			continue;
		}
		if (t[*i] == '{' || t[*i] == '[')
			depth++;
		else if (t[*i] == '}' || t[*i] == ']')
			depth--;
		(*i)++;
	} while (depth);
	return 0;
}

#define AT_KEY (-2L) /* the key itself */
#define AT_VALUE (-1L) /* the key's value */

/*
 * Offset in @t of top-level @key (AT_KEY), its value (AT_VALUE) or item
 * @index of its array value; -1 when not found.
 */
static long locate(const char *t, size_t len, const char *key, long index)
{
	size_t i = 0, klen = strlen(key);

	skip_ws(t, len, &i);
	if (i >= len || t[i] != '{')
		return -1;
	for (i++;;) {
		size_t kstart;
		bool match;

		skip_ws(t, len, &i);
		if (i >= len || t[i] != '"')
			return -1;
		kstart = i;
		if (skip_string(t, len, &i))
			return -1;
		match = i - kstart - 2 == klen &&
			!memcmp(t + kstart + 1, key, klen);
		skip_ws(t, len, &i);
		if (i >= len || t[i] != ':')
			return -1;
		i++;
		skip_ws(t, len, &i);
		if (match && index == AT_KEY)
			return (long)kstart;
		if (match && index == AT_VALUE)
			return (long)i;
		if (match) {
			long k;

			if (i >= len || t[i] != '[')
				return -1;
			for (i++, k = 0;; k++) {
				skip_ws(t, len, &i);
				if (i >= len || t[i] == ']')
					return -1;
				if (k == index)
					return (long)i;
				if (skip_value(t, len, &i))
					return -1;
				skip_ws(t, len, &i);
				if (i >= len || t[i] != ',')
					return -1;
				i++;
			}
		}
		if (skip_value(t, len, &i))
			return -1;
		skip_ws(t, len, &i);
		if (i >= len || t[i] != ',')
			return -1;
		i++;
	}
}

/* ------------------------------------------------------------ errors */

struct pctx {
	const char *text;
	size_t len;
	const char *name;
	char *err;
	size_t errlen;
};

/* "NAME:LINE:COL: " for @key/@index, or "NAME: " when not found. */
static void where(struct pctx *c, const char *key, long index, char *buf,
		  size_t len)
{
	long off = key ? locate(c->text, c->len, key, index) : -1;
	unsigned long line = 1, col = 1;
	long i;

	if (off < 0) {
		snprintf(buf, len, "%s: ", c->name);
		return;
	}
	for (i = 0; i < off; i++) {
		col++;
		if (c->text[i] == '\n') {
			line++;
			col = 1;
		}
	}
	snprintf(buf, len, "%s:%lu:%lu: ", c->name, line, col);
}

static void path(const char *key, long index, char *buf, size_t len)
{
	if (index >= 0)
		snprintf(buf, len, "%.64s[%ld]", key, index);
	else
		snprintf(buf, len, "%.64s", key);
}

/* "NAME:L:C: PATH: message" */
static int __attribute__((format(printf, 4, 5)))
bad(struct pctx *c, const char *key, long index, const char *fmt, ...)
{
	char pos[320], p[96], msg[LB_ERRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	where(c, key, index, pos, sizeof(pos));
	path(key, index, p, sizeof(p));
	snprintf(c->err, c->errlen, "%s%s: %s", pos, p, msg);
	return -1;
}

/* "NAME:L:C: message" for a message that names the path itself. */
static int bad_msg(struct pctx *c, const char *key, long index, const char *msg)
{
	char pos[320];

	where(c, key, index, pos, sizeof(pos));
	snprintf(c->err, c->errlen, "%s%s", pos, msg);
	return -1;
}

static const char *type_name(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "a list";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "true/false";
	default:
		return "null";
	}
}

/* ------------------------------------------------------------ values */

/*
 * The values of a list key: the items of an array (at most @max, none
 * empty), or the value itself (index -1 in paths).
 */
static int items(struct pctx *c, const char *key, json_t *v, json_t **out,
		 unsigned int *n, unsigned int max)
{
	size_t i;

	if (!json_is_array(v)) {
		out[0] = v;
		*n = 1;
		return 0;
	}
	if (!json_array_size(v))
		return bad(c, key, AT_VALUE,
			   "empty list: the sweep would run nothing");
	if (json_array_size(v) > max)
		return bad(c, key, AT_VALUE, "more than %u values", max);
	for (i = 0; i < json_array_size(v); i++)
		out[i] = json_array_get(v, i);
	*n = (unsigned int)json_array_size(v);
	return 0;
}

static long idx(json_t *v, unsigned int i)
{
	return json_is_array(v) ? (long)i : AT_VALUE;
}

static int get_u64(struct pctx *c, const char *key, long index, json_t *v,
		   uint64_t min, uint64_t max, uint64_t *out)
{
	json_int_t x;

	if (!json_is_integer(v))
		return bad(c, key, index, "expected a whole number, not %s",
			   type_name(v));
	x = json_integer_value(v);
	if (x < 0 || (uint64_t)x < min || (uint64_t)x > max)
		return bad(c, key, index,
			   "invalid value %lld: must be between %llu and %llu",
			   (long long)x, (unsigned long long)min,
			   (unsigned long long)max);
	*out = (uint64_t)x;
	return 0;
}

static int get_str(struct pctx *c, const char *key, long index, json_t *v,
		   const char *what, const char **out)
{
	if (!json_is_string(v))
		return bad(c, key, index, "expected %s, not %s", what,
			   type_name(v));
	*out = json_string_value(v);
	if (strlen(*out) != json_string_length(v))
		return bad(c, key, index, "NUL character in the string");
	return 0;
}

static int get_duration(struct pctx *c, const char *key, long index, json_t *v,
			uint64_t min, uint64_t max, uint64_t *out)
{
	char p[96], err[LB_ERRLEN];
	const char *s;

	if (get_str(c, key, index, v, "a duration like \"100ns\"", &s))
		return -1;
	path(key, index, p, sizeof(p));
	if (lb_parse_duration(p, s, min, max, out, err, sizeof(err)))
		return bad_msg(c, key, index, err);
	return 0;
}

static int durations(struct pctx *c, const char *key, json_t *v, uint64_t *out,
		     unsigned int *n)
{
	json_t *it[LB_SWEEP_MAX_VALUES];
	unsigned int i, j;

	if (items(c, key, v, it, n, LB_SWEEP_MAX_VALUES))
		return -1;
	for (i = 0; i < *n; i++) {
		if (get_duration(c, key, idx(v, i), it[i], 0, 1000000000ull,
				 &out[i]))
			return -1;
		for (j = 0; j < i; j++)
			if (out[j] == out[i])
				return bad(c, key, idx(v, i),
					   "the same duration is listed twice");
	}
	return 0;
}

static int numbers(struct pctx *c, const char *key, json_t *v, uint64_t min,
		   uint64_t max, uint64_t *out, unsigned int *n)
{
	json_t *it[LB_SWEEP_MAX_VALUES];
	unsigned int i, j;

	if (items(c, key, v, it, n, LB_SWEEP_MAX_VALUES))
		return -1;
	for (i = 0; i < *n; i++) {
		if (get_u64(c, key, idx(v, i), it[i], min, max, &out[i]))
			return -1;
		for (j = 0; j < i; j++)
			if (out[j] == out[i])
				return bad(c, key, idx(v, i),
					   "%llu is listed twice",
					   (unsigned long long)out[i]);
	}
	return 0;
}

/* ------------------------------------------------------------ keys */

static int k_description(struct pctx *c, const char *key, json_t *v,
			 struct lb_sweep_spec *s)
{
	const char *str;

	(void)s;
	return get_str(c, key, AT_VALUE, v, "a string", &str);
}

static int k_workload(struct pctx *c, const char *key, json_t *v,
		      struct lb_sweep_spec *s)
{
	json_t *it[LB_SWEEP_MAX_VALUES];
	const char *names[16], *name, *hint;
	unsigned int i, j, n, nn = 0;

	for (i = 0; i < lb_nworkloads && nn < LB_ARRAY_SIZE(names); i++)
		names[nn++] = lb_workloads[i]->name;
	if (items(c, key, v, it, &n, LB_SWEEP_MAX_VALUES))
		return -1;
	for (i = 0; i < n; i++) {
		if (get_str(c, key, idx(v, i), it[i], "a workload name", &name))
			return -1;
		s->workloads[i] = lb_workload_find(name);
		if (!s->workloads[i]) {
			hint = lb_closest(name, names, nn);
			return bad(c, key, idx(v, i),
				   "unknown workload '%.64s'%s%s%s (see "
				   "'lockbench list')",
				   name, hint ? " (did you mean '" : "",
				   hint ? hint : "", hint ? "'?)" : "");
		}
		for (j = 0; j < i; j++)
			if (s->workloads[j] == s->workloads[i])
				return bad(c, key, idx(v, i),
					   "workload '%s' is listed twice",
					   name);
	}
	s->nworkloads = n;
	return 0;
}

/* One method name (not "all"), appended to s->methods. */
static int one_method(struct pctx *c, const char *key, long index,
		      const char *name, size_t namelen, struct lb_sweep_spec *s)
{
	const char *names[64], *hint;
	const struct lb_lock_ops *ops;
	char word[64];
	unsigned int i, n = 0;

	if (!namelen)
		return bad(c, key, index, "empty method name");
	snprintf(word, sizeof(word), "%.*s", (int)(namelen < 63 ? namelen : 63),
		 name);
	ops = namelen < 63 ? lb_lock_find(word) : NULL;
	if (!ops) {
		for (i = 0; i < lb_nlocks && n < LB_ARRAY_SIZE(names); i++)
			if (!(lb_locks[i]->flags & LB_TEST_ONLY))
				names[n++] = lb_locks[i]->name;
		hint = lb_closest(word, names, n);
		return bad(c, key, index,
			   "unknown method '%s'%s%s%s (see 'lockbench list')",
			   word, hint ? " (did you mean '" : "",
			   hint ? hint : "", hint ? "'?)" : "");
	}
	for (i = 0; i < s->nmethods; i++)
		if (s->methods[i] == ops)
			return bad(c, key, index, "method '%s' is listed twice",
				   word);
	if (s->nmethods == LB_SWEEP_MAX_VALUES)
		return bad(c, key, index, "more than %u methods",
			   LB_SWEEP_MAX_VALUES);
	s->methods[s->nmethods++] = ops;
	return 0;
}

static int k_methods(struct pctx *c, const char *key, json_t *v,
		     struct lb_sweep_spec *s)
{
	json_t *it[LB_SWEEP_MAX_VALUES];
	const char *str, *p, *comma;
	unsigned int i, n;

	s->default_methods = false;
	if (json_is_string(v)) {
		if (get_str(c, key, AT_VALUE, v, "a method list", &str))
			return -1;
		if (!strcmp(str, "all")) {
			s->all_methods = true;
			return 0;
		}
		/* The command line's syntax: "pthread,mcs-futex". */
		for (p = str;; p = comma + 1) {
			comma = strchr(p, ',');
			if (one_method(c, key, AT_VALUE, p,
				       comma ? (size_t)(comma - p) : strlen(p),
				       s))
				return -1;
			if (!comma)
				return 0;
		}
	}
	if (!json_is_array(v))
		return bad(c, key, AT_VALUE,
			   "expected \"all\", \"a,b\" or a list of method "
			   "names, not %s",
			   type_name(v));
	if (items(c, key, v, it, &n, LB_SWEEP_MAX_VALUES))
		return -1;
	for (i = 0; i < n; i++) {
		if (get_str(c, key, (long)i, it[i], "a method name", &str))
			return -1;
		if (!strcmp(str, "all"))
			return bad(c, key, (long)i,
				   "\"all\" must be the whole value, not a "
				   "list item");
		if (one_method(c, key, (long)i, str, strlen(str), s))
			return -1;
	}
	return 0;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

static int k_threads(struct pctx *c, const char *key, json_t *v,
		     struct lb_sweep_spec *s)
{
	json_t *it[LB_SWEEP_MAX_VALUES];
	char err[LB_ERRLEN];
	unsigned int *list, i, j, n;
	uint64_t x;

	if (json_is_string(v)) {
		const char *str;

		if (get_str(c, key, AT_VALUE, v, "a thread list", &str))
			return -1;
		if (!strcmp(str, "auto")) {
			s->nthreads = 0;
			return 0;
		}
		if (lb_parse_threads(key, str, &list, &n, err, sizeof(err)))
			return bad_msg(c, key, AT_VALUE, err);
		memcpy(s->threads, list, n * sizeof(*list));
		s->nthreads = n;
		free(list);
		return 0;
	}
	if (!json_is_integer(v) && !json_is_array(v))
		return bad(c, key, AT_VALUE,
			   "expected \"auto\", a list like \"1-8\" or "
			   "[1, 2, 4], or a thread count, not %s",
			   type_name(v));
	if (items(c, key, v, it, &n, LB_SWEEP_MAX_VALUES))
		return -1;
	for (i = 0; i < n; i++) {
		if (json_is_string(it[i]))
			return bad(c, key, idx(v, i),
				   "expected a thread count (a range goes in "
				   "one string: \"1-8\")");
		if (get_u64(c, key, idx(v, i), it[i], 1, LB_MAX_THREADS, &x))
			return -1;
		for (j = 0; j < i; j++)
			if (s->threads[j] == x)
				return bad(c, key, idx(v, i),
					   "%llu is listed twice",
					   (unsigned long long)x);
		s->threads[i] = (unsigned int)x;
	}
	qsort(s->threads, n, sizeof(*s->threads), cmp_uint);
	s->nthreads = n;
	return 0;
}

static int k_cs(struct pctx *c, const char *key, json_t *v,
		struct lb_sweep_spec *s)
{
	return durations(c, key, v, s->cs_ns, &s->ncs);
}

static int k_think(struct pctx *c, const char *key, json_t *v,
		   struct lb_sweep_spec *s)
{
	return durations(c, key, v, s->think_ns, &s->nthink);
}

static int k_coroutines(struct pctx *c, const char *key, json_t *v,
			struct lb_sweep_spec *s)
{
	return numbers(c, key, v, 1, 4096, s->coroutines, &s->ncoroutines);
}

static int k_read_pct(struct pctx *c, const char *key, json_t *v,
		      struct lb_sweep_spec *s)
{
	return numbers(c, key, v, 0, 100, s->read_pct, &s->nread_pct);
}

static int k_pin(struct pctx *c, const char *key, json_t *v,
		 struct lb_sweep_spec *s)
{
	struct lb_pin_policy pol = { 0 };
	char err[LB_ERRLEN];
	const char *str;
	int rc;

	if (get_str(c, key, AT_VALUE, v, "a pinning policy", &str))
		return -1;
	if (strlen(str) >= sizeof(s->pin))
		return bad(c, key, AT_VALUE, "longer than %zu characters",
			   sizeof(s->pin) - 1);
	rc = lb_pin_parse(str, &pol, err, sizeof(err));
	lb_pin_policy_free(&pol);
	if (rc)
		return bad_msg(c, key, AT_VALUE, err);
	snprintf(s->pin, sizeof(s->pin), "%s", str);
	return 0;
}

static int k_duration(struct pctx *c, const char *key, json_t *v,
		      struct lb_sweep_spec *s)
{
	return get_duration(c, key, AT_VALUE, v, 1000000ull, 3600000000000ull,
			    &s->duration_ns);
}

static int k_warmup(struct pctx *c, const char *key, json_t *v,
		    struct lb_sweep_spec *s)
{
	return get_duration(c, key, AT_VALUE, v, 0, 3600000000000ull,
			    &s->warmup_ns);
}

static int k_stall(struct pctx *c, const char *key, json_t *v,
		   struct lb_sweep_spec *s)
{
	return get_duration(c, key, AT_VALUE, v, 100000000ull, 3600000000000ull,
			    &s->stall_ns);
}

static int k_reps(struct pctx *c, const char *key, json_t *v,
		  struct lb_sweep_spec *s)
{
	return get_u64(c, key, AT_VALUE, v, 1, 1000, &s->reps);
}

static int k_spin(struct pctx *c, const char *key, json_t *v,
		  struct lb_sweep_spec *s)
{
	return get_u64(c, key, AT_VALUE, v, 1, 100000000, &s->spin);
}

static int k_sample_every(struct pctx *c, const char *key, json_t *v,
			  struct lb_sweep_spec *s)
{
	uint64_t n;

	if (json_is_string(v) && !strcmp(json_string_value(v), "auto")) {
		s->sample_every = LB_SAMPLE_AUTO;
		return 0;
	}
	if (json_is_string(v))
		return bad(c, key, AT_VALUE,
			   "expected \"auto\" or a whole number (0: off)");
	if (get_u64(c, key, AT_VALUE, v, 0, 1u << 30, &n))
		return -1;
	s->sample_every = n ? (uint32_t)n : LB_SAMPLE_OFF;
	return 0;
}

static int k_offload_mode(struct pctx *c, const char *key, json_t *v,
			  struct lb_sweep_spec *s)
{
	const char *str;
	unsigned int i;

	if (get_str(c, key, AT_VALUE, v, "an offload mode", &str))
		return -1;
	for (i = 0; i < LB_ARRAY_SIZE(lb_offload_mode_names); i++) {
		if (!strcmp(str, lb_offload_mode_names[i])) {
			s->offload_mode = i;
			return 0;
		}
	}
	return bad(c, key, AT_VALUE,
		   "invalid value '%.64s': submit_co, run_in_worker or inline",
		   str);
}

/* A string that is @no or @yes: *out tells which. */
static int either(struct pctx *c, const char *key, json_t *v, const char *no,
		  const char *yes, bool *out)
{
	const char *str;
	char what[64];

	snprintf(what, sizeof(what), "%s or %s", no, yes);
	if (get_str(c, key, AT_VALUE, v, what, &str))
		return -1;
	if (strcmp(str, no) && strcmp(str, yes))
		return bad(c, key, AT_VALUE, "invalid value '%.64s': %s or %s",
			   str, no, yes);
	*out = !strcmp(str, yes);
	return 0;
}

static int k_offload_work(struct pctx *c, const char *key, json_t *v,
			  struct lb_sweep_spec *s)
{
	return either(c, key, v, "busy", "sleep", &s->offload_sleep);
}

static int k_retries(struct pctx *c, const char *key, json_t *v,
		     struct lb_sweep_spec *s)
{
	uint64_t n;

	if (get_u64(c, key, AT_VALUE, v, 0, LB_RETRIES_MAX, &n))
		return -1;
	s->retries = (unsigned int)n;
	return 0;
}

static int k_gate(struct pctx *c, const char *key, json_t *v,
		  struct lb_sweep_spec *s)
{
	char err[LB_ERRLEN];
	const char *str;

	if (get_str(c, key, AT_VALUE, v, "thresholds like \"wall=0.1\"", &str))
		return -1;
	s->gate_given = true;
	if (!strcmp(str, "off")) {
		s->gate.on = false;
		return 0;
	}
	if (lb_gate_parse(str, &s->gate, err, sizeof(err)))
		return bad_msg(c, key, AT_VALUE, err);
	return 0;
}

static int k_cs_lines(struct pctx *c, const char *key, json_t *v,
		      struct lb_sweep_spec *s)
{
	return numbers(c, key, v, 0, 4096, s->cs_lines, &s->ncs_lines);
}

static int k_think_dist(struct pctx *c, const char *key, json_t *v,
			struct lb_sweep_spec *s)
{
	return either(c, key, v, "fixed", "exp", &s->think_exp);
}

static int k_locks(struct pctx *c, const char *key, json_t *v,
		   struct lb_sweep_spec *s)
{
	return numbers(c, key, v, 1, LB_MAX_THREADS, s->locks, &s->nlocks);
}

static int k_objects(struct pctx *c, const char *key, json_t *v,
		     struct lb_sweep_spec *s)
{
	return get_u64(c, key, AT_VALUE, v, 1, 1u << 20, &s->objects);
}

static int k_pick(struct pctx *c, const char *key, json_t *v,
		  struct lb_sweep_spec *s)
{
	char err[LB_ERRLEN];
	const char *str;

	if (get_str(c, key, AT_VALUE, v, "uniform or zipf:S", &str))
		return -1;
	if (lb_parse_pick("pick", str, &s->pick_zipf, err, sizeof(err)))
		return bad_msg(c, key, AT_VALUE, err);
	return 0;
}

static int k_depth(struct pctx *c, const char *key, json_t *v,
		   struct lb_sweep_spec *s)
{
	return get_u64(c, key, AT_VALUE, v, 1, 1000, &s->depth);
}

static int k_ops(struct pctx *c, const char *key, json_t *v,
		 struct lb_sweep_spec *s)
{
	return get_u64(c, key, AT_VALUE, v, 1, 1000000000000000ull, &s->ops);
}

static const struct {
	const char *name;
	int (*parse)(struct pctx *c, const char *key, json_t *v,
		     struct lb_sweep_spec *s);
} spec_keys[] = {
	{ "description", k_description },
	{ "workload", k_workload },
	{ "methods", k_methods },
	{ "threads", k_threads },
	{ "cs", k_cs },
	{ "think", k_think },
	{ "coroutines", k_coroutines },
	{ "read_pct", k_read_pct },
	{ "pin", k_pin },
	{ "duration", k_duration },
	{ "warmup", k_warmup },
	{ "reps", k_reps },
	{ "spin", k_spin },
	{ "stall_timeout", k_stall },
	{ "offload_mode", k_offload_mode },
	{ "offload_work", k_offload_work },
	{ "sample_every", k_sample_every },
	{ "retries", k_retries },
	{ "gate", k_gate },
	{ "cs_lines", k_cs_lines },
	{ "think_dist", k_think_dist },
	{ "locks", k_locks },
	{ "objects", k_objects },
	{ "pick", k_pick },
	{ "depth", k_depth },
	{ "ops", k_ops },
};

/* ------------------------------------------------------------ checks */

/* Method @ops has a loop for workload @wl. */
static bool fits(const struct lb_workload *wl, const struct lb_lock_ops *ops)
{
	return wl->loop_for(lb_lock_index(ops)) != NULL;
}

/* "a, b, c": the methods with a loop for @wl. */
static void have_list(const struct lb_workload *wl, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < lb_nlocks; i++) {
		if ((lb_locks[i]->flags & LB_TEST_ONLY) || !wl->loop_for(i))
			continue;
		used += (size_t)snprintf(buf + used,
					 used < len ? len - used : 0, "%s%s",
					 used ? ", " : "", lb_locks[i]->name);
	}
}

/* Nesting needs recursive methods; striping, a lock of the method's own. */
static int check_method_knobs(struct pctx *c, const struct lb_sweep_spec *s,
			      const struct lb_lock_ops *ops, long at)
{
	bool striped = s->nlocks && s->locks[s->nlocks - 1] > 1;
	char err[LB_ERRLEN];
	unsigned int w;

	for (w = 0; w < s->nworkloads; w++)
		if (lb_plan_check_method(s->workloads[w], ops,
					 (unsigned int)s->depth, striped, err,
					 sizeof(err)))
			return bad_msg(c, "methods", at, err);
	return 0;
}

/* Knobs only some workloads honour: at least one of the spec's must. */
static int check_knobs(struct pctx *c, const struct lb_sweep_spec *s)
{
	bool locks = false, objects = false, depth = false;
	unsigned int w, i;

	for (w = 0; w < s->nworkloads; w++) {
		locks |= s->workloads[w]->uses_locks;
		objects |= s->workloads[w]->uses_objects;
		depth |= s->workloads[w]->uses_depth;
	}
	if ((s->nlocks || s->pick_zipf > 0) && !locks)
		return bad(c, s->nlocks ? "locks" : "pick", AT_VALUE,
			   "no workload of the spec stripes (counter and bql "
			   "do)");
	if (s->objects && !objects)
		return bad(c, "objects", AT_VALUE,
			   "only the bql workload has objects");
	if (s->depth > 1 && !depth)
		return bad(c, "depth", AT_VALUE,
			   "no workload of the spec nests acquisitions");
	for (i = 0; objects && i < s->nlocks; i++)
		if (s->locks[i] > (s->objects ? s->objects : LB_BQL_OBJECTS))
			return bad(
				c, "locks",
				idx(json_object_get(s->json, "locks"), i),
				"%llu locks for %llu objects: more locks "
				"than objects",
				(unsigned long long)s->locks[i],
				(unsigned long long)(s->objects ?
							     s->objects :
							     LB_BQL_OBJECTS));
	return 0;
}

/* Every explicit method fits every workload; none can run somewhere. */
static int check_methods(struct pctx *c, const struct lb_sweep_spec *s)
{
	unsigned int w, m, i;
	char have[512];
	bool one_thread = !s->nthreads || s->threads[0] == 1;
	bool one_co = !s->ncoroutines;

	for (i = 0; i < s->ncoroutines; i++)
		one_co |= s->coroutines[i] <= 1;
	for (m = 0; m < s->nmethods; m++) {
		const struct lb_lock_ops *ops = s->methods[m];
		long at = json_is_array(json_object_get(s->json, "methods")) ?
				  (long)m :
				  AT_VALUE;

		for (w = 0; w < s->nworkloads; w++) {
			const struct lb_workload *wl = s->workloads[w];

			if (fits(wl, ops))
				continue;
			have_list(wl, have, sizeof(have));
			return bad(c, "methods", at,
				   "method '%s' has no %s (%s needs one of: "
				   "%s)",
				   ops->name,
				   wl->needs ? wl->needs : "loop for it",
				   wl->name, have);
		}
		if (check_method_knobs(c, s, ops, at))
			return -1;
		if ((ops->flags & LB_NO_EXCLUSION) && !(one_thread && one_co))
			return bad(c, "methods", at,
				   "method '%s' has no mutual exclusion and "
				   "runs at 1 thread and 1 coroutine only; "
				   "this sweep has neither",
				   ops->name);
	}
	if (check_knobs(c, s))
		return -1;
	/* Without "methods", workloads that need none use run's list. */
	for (w = 0; s->default_methods && w < s->nworkloads; w++) {
		if (s->workloads[w]->needs)
			continue;
		for (i = 0; i < LB_ARRAY_SIZE(default_method_names); i++) {
			const struct lb_lock_ops *ops =
				lb_lock_find(default_method_names[i]);

			if (!ops || !fits(s->workloads[w], ops))
				return bad(c, "workload",
					   idx(json_object_get(s->json,
							       "workload"),
					       w),
					   "the default methods do not fit "
					   "workload '%s': name them in "
					   "\"methods\"",
					   s->workloads[w]->name);
		}
	}
	return 0;
}

/* ------------------------------------------------------------ parse */

/* One line whatever the spec holds: control characters become '?'. */
static int one_line(char *err, size_t errlen)
{
	if (errlen)
		lb_one_line(err);
	return -1;
}

int lb_sweep_spec_parse(const char *text, size_t len, const char *name,
			struct lb_sweep_spec *out, char *err, size_t errlen)
{
	struct pctx c = { text ? text : "", text ? len : 0, name, err, errlen };
	const char *key, *names[LB_ARRAY_SIZE(spec_keys)], *hint;
	json_error_t je;
	json_t *root, *v;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	root = json_loadb(c.text, c.len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, errlen, "%s:%d:%d: invalid JSON: %s", name,
			 je.line > 0 ? je.line : 1,
			 je.column > 0 ? je.column : 1, je.text);
		return one_line(err, errlen);
	}
	if (!json_is_object(root)) {
		snprintf(
			err, errlen,
			"%s: a sweep spec is a JSON object, like {\"methods\": "
			"[\"pthread\"], \"threads\": \"1-4\"}, not %s",
			name, type_name(root));
		json_decref(root);
		return -1;
	}
	/* run's defaults */
	out->json = root;
	out->workloads[0] = &lb_workload_counter;
	out->nworkloads = 1;
	out->default_methods = true;
	out->cs_ns[0] = out->think_ns[0] = 0;
	out->ncs = out->nthink = 1;
	out->read_pct[0] = 90;
	out->nread_pct = 1;
	out->ncs_lines = 1;
	out->depth = 1;
	snprintf(out->pin, sizeof(out->pin), "compact");
	out->duration_ns = 500000000ull;
	out->warmup_ns = 100000000ull;
	out->stall_ns = 10000000000ull;
	out->reps = 5;
	out->sample_every = LB_SAMPLE_AUTO;
	out->retries = LB_RETRIES_DEFAULT;
	lb_gate_defaults(&out->gate);
	for (i = 0; i < LB_ARRAY_SIZE(spec_keys); i++)
		names[i] = spec_keys[i].name;
	json_object_foreach(root, key, v)
	{
		for (i = 0; i < LB_ARRAY_SIZE(spec_keys); i++)
			if (!strcmp(key, spec_keys[i].name))
				break;
		if (i == LB_ARRAY_SIZE(spec_keys)) {
			char pos[320];

			hint = lb_closest(key, names, LB_ARRAY_SIZE(names));
			where(&c, key, AT_KEY, pos, sizeof(pos));
			snprintf(err, errlen, "%sunknown key '%.64s'%s%s%s",
				 pos, key, hint ? " (did you mean '" : "",
				 hint ? hint : "", hint ? "'?)" : "");
			goto fail;
		}
		if (spec_keys[i].parse(&c, key, v, out))
			goto fail;
	}
	if (check_methods(&c, out))
		goto fail;
	return 0;
fail:
	json_decref(root);
	memset(out, 0, sizeof(*out));
	return one_line(err, errlen);
}

void lb_sweep_spec_free(struct lb_sweep_spec *s)
{
	json_decref(s->json);
	memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------ plan */

/* The methods of @s for workload @wl. */
static unsigned int methods_for(const struct lb_sweep_spec *s,
				const struct lb_workload *wl,
				const struct lb_lock_ops **out)
{
	unsigned int i, n = 0;

	if (s->all_methods || (s->default_methods && wl->needs)) {
		for (i = 0; i < lb_nlocks && n < LB_SWEEP_MAX_VALUES; i++)
			if (!(lb_locks[i]->flags & LB_TEST_ONLY) &&
			    wl->loop_for(i))
				out[n++] = lb_locks[i];
		return n;
	}
	if (s->default_methods) {
		for (i = 0; i < LB_ARRAY_SIZE(default_method_names); i++)
			out[n++] = lb_lock_find(default_method_names[i]);
		return n;
	}
	memcpy(out, s->methods, s->nmethods * sizeof(*out));
	return s->nmethods;
}

/* Thread counts: the spec's, or run's default for "auto". */
static unsigned int threads_for(const struct lb_sweep_spec *s,
				const struct lb_topo *topo, unsigned int *out)
{
	struct lb_topo_summary sum;
	unsigned int t, n = 0;

	if (s->nthreads) {
		memcpy(out, s->threads, s->nthreads * sizeof(*out));
		return s->nthreads;
	}
	lb_topo_summary(topo, &sum);
	for (t = 1; t < sum.pus && n < 15; t *= 2)
		out[n++] = t;
	out[n++] = sum.pus ? sum.pus : 1;
	return n;
}

/* One group per thread count for one combination of the other knobs. */
static void add_groups(struct lb_plan *p, const struct lb_plan_cfg *knobs,
		       const struct lb_lock_ops *const *methods,
		       unsigned int nm, unsigned int co,
		       const unsigned int *threads, unsigned int nthreads)
{
	const struct lb_lock_ops *run[LB_SWEEP_MAX_VALUES];
	struct lb_plan_cfg tmpl = *knobs;
	unsigned int t, m, n;

	for (t = 0; t < nthreads; t++) {
		/* A method without exclusion runs alone only. */
		bool alone = threads[t] == 1 && co <= 1;

		for (m = n = 0; m < nm; m++)
			if (alone || !(methods[m]->flags & LB_NO_EXCLUSION))
				run[n++] = methods[m];
		tmpl.nthreads = threads[t];
		if (n)
			lb_plan_add_group(p, &tmpl, run, n, co);
	}
}

/*
 * The --locks values of @wl in @s (into @out when not NULL): the spec's
 * for workloads that stripe, bql's default 1 and its objects, else 1.
 */
static unsigned int locks_for(const struct lb_sweep_spec *s,
			      const struct lb_workload *wl, uint64_t *out)
{
	uint64_t objects = s->objects ? s->objects : LB_BQL_OBJECTS;
	uint64_t dflt[2] = { 1, objects };
	unsigned int n = 1;
	const uint64_t *v = dflt;

	if (wl->uses_locks && s->nlocks) {
		v = s->locks;
		n = s->nlocks;
	} else if (wl->uses_objects && objects > 1) {
		n = 2;
	}
	if (out)
		memcpy(out, v, n * sizeof(*out));
	return n;
}

/* add_groups() for each cs_lines and locks value. */
static void add_knob_groups(const struct lb_sweep_spec *s, struct lb_plan *p,
			    const struct lb_plan_cfg *knobs,
			    const struct lb_lock_ops *const *methods,
			    unsigned int nm, unsigned int co,
			    const unsigned int *threads, unsigned int nthreads)
{
	uint64_t locks[LB_SWEEP_MAX_VALUES];
	unsigned int nl = locks_for(s, knobs->workload, locks), l, i;
	struct lb_plan_cfg tmpl = *knobs;

	tmpl.depth = knobs->workload->uses_depth ? (unsigned int)s->depth : 1;
	for (i = 0; i < s->ncs_lines; i++) {
		tmpl.cs_lines = (unsigned int)s->cs_lines[i];
		for (l = 0; l < nl; l++) {
			lb_plan_cfg_objects(&tmpl, (unsigned int)locks[l],
					    s->objects ?
						    (unsigned int)s->objects :
						    LB_BQL_OBJECTS);
			add_groups(p, &tmpl, methods, nm, co, threads,
				   nthreads);
		}
	}
}

int lb_sweep_plan(const struct lb_sweep_spec *s, const struct lb_topo *topo,
		  struct lb_plan *p, char *err, size_t errlen)
{
	static const uint64_t no_coroutines[1] = { 0 };
	const struct lb_lock_ops *methods[LB_SWEEP_MAX_VALUES];
	unsigned int threads[LB_MAX_THREADS], nthreads;
	const uint64_t *co = s->ncoroutines ? s->coroutines : no_coroutines;
	unsigned int nco = s->ncoroutines ? s->ncoroutines : 1;
	unsigned int w, r, ci, ti, k, nm, nr;
	uint64_t total = 0;

	nthreads = threads_for(s, topo, threads);
	/* Count first: a spec may describe more than memory holds. */
	for (w = 0; w < s->nworkloads; w++) {
		nm = methods_for(s, s->workloads[w], methods);
		nr = s->workloads[w]->uses_read_pct ? s->nread_pct : 1;
		total += (uint64_t)nm * nr * s->ncs * s->nthink * nco *
			 nthreads * s->ncs_lines *
			 locks_for(s, s->workloads[w], NULL);
	}
	if (total > LB_SWEEP_MAX_RUNS) {
		snprintf(err, errlen,
			 "the sweep has %llu configurations: more than %u, "
			 "even with --yes",
			 (unsigned long long)total, LB_SWEEP_MAX_RUNS);
		return -1;
	}
	*p = (struct lb_plan){
		.pin_arg = s->pin,
		.duration_ns = s->duration_ns,
		.warmup_ns = s->warmup_ns,
		.stall_ns = s->stall_ns,
		.spin = s->spin,
		.reps = (unsigned int)s->reps,
		.sample_every = s->sample_every,
		.gate = s->gate,
		.retries = s->retries,
		.ops_target = s->ops,
	};
	if (s->ops && !json_object_get(s->json, "duration"))
		p->duration_ns = 60000000000ull; /* a limit, as in run */
	if (lb_pin_parse(s->pin, &p->pin, err, errlen))
		return -1; /* validated by the parser */
	for (w = 0; w < s->nworkloads; w++) {
		struct lb_plan_cfg knobs = {
			.workload = s->workloads[w],
			.wl_opts = { .offload_mode = s->offload_mode,
				     .offload_sleep = s->offload_sleep },
			.think_exp = s->think_exp,
			.pick_zipf = s->pick_zipf,
		};

		nm = methods_for(s, knobs.workload, methods);
		nr = knobs.workload->uses_read_pct ? s->nread_pct : 1;
		for (r = 0; r < nr; r++) {
			knobs.read_pct = (unsigned int)s->read_pct[r];
			for (ci = 0; ci < s->ncs; ci++) {
				knobs.cs_ns = s->cs_ns[ci];
				for (ti = 0; ti < s->nthink; ti++) {
					knobs.think_ns = s->think_ns[ti];
					for (k = 0; k < nco; k++)
						add_knob_groups(
							s, p, &knobs, methods,
							nm, (unsigned int)co[k],
							threads, nthreads);
				}
			}
		}
	}
	if (!p->ncfgs) {
		snprintf(err, errlen, "the sweep has no configuration to run");
		lb_plan_free(p);
		return -1;
	}
	return 0;
}
