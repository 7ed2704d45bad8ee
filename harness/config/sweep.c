/* SPDX-License-Identifier: MIT */
/*
 * sweep.c - sweep specs (see sweep.h): read each key through the knob
 * table, check the whole, point errors into the file; the presets.
 *
 * jansson gives the line and column of a syntax error.  For a value that
 * parses but is wrong, the member's place is found again in the (then
 * valid) text: jansson keeps an object's keys in the order of the text,
 * and reads one value at a time (JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK
 * report in json_error_t.position how many bytes it took), so stepping
 * over the members before it, and the items before an item, needs only
 * the punctuation between them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/config/sweep.h"
#include "harness/util/datafile.h"
#include "runtime/compiler.h"

#define AT_KEY (-2L) /* the key itself */
#define AT_VALUE (-1L) /* the key's value */

struct pctx {
	const char *text;
	size_t len;
	const char *name;
	json_t *root;
	struct lb_knob_set *set;
	char *err;
	size_t errlen;
};

/* ------------------------------------------------------------ locator */

static size_t skip_ws(const struct pctx *c, size_t i)
{
	while (i < c->len && (c->text[i] == ' ' || c->text[i] == '\t' ||
			      c->text[i] == '\n' || c->text[i] == '\r'))
		i++;
	return i;
}

/* Past the JSON value at @i, read by jansson, and the blanks after it. */
static long past_value(const struct pctx *c, size_t i)
{
	json_error_t je;
	json_t *v;

	if (i >= c->len)
		return -1;
	v = json_loadb(c->text + i, c->len - i,
		       JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK, &je);
	if (!v || je.position <= 0)
		return -1;
	json_decref(v);
	return (long)skip_ws(c, i + (size_t)je.position);
}

/* At @i, punctuation @ch and the blanks after it; -1 if not there. */
static long punct(const struct pctx *c, long i, char ch)
{
	if (i < 0 || (size_t)i >= c->len || c->text[i] != ch)
		return -1;
	return (long)skip_ws(c, (size_t)i + 1);
}

/* Offset of the key (@want_key) or value of member @k of the object. */
static long member(const struct pctx *c, size_t k, bool want_key)
{
	long i = punct(c, (long)skip_ws(c, 0), '{');
	size_t m;

	for (m = 0; i >= 0; m++) {
		long key = i;
		long val = punct(c, past_value(c, (size_t)i), ':');

		if (val < 0 || m == k)
			return val < 0 ? -1 : want_key ? key : val;
		i = punct(c, past_value(c, (size_t)val), ',');
	}
	return -1;
}

/* Offset of item @idx of the array at @i. */
static long item(const struct pctx *c, long i, long idx)
{
	long k;

	i = punct(c, i, '[');
	for (k = 0; i >= 0 && k < idx; k++)
		i = punct(c, past_value(c, (size_t)i), ',');
	return i;
}

/* Offset of @key's member (AT_KEY, AT_VALUE) or of item @index of it. */
static long locate(const struct pctx *c, const char *key, long index)
{
	const char *k;
	json_t *v;
	size_t m = 0;

	json_object_foreach(c->root, k, v)
	{
		if (!strcmp(k, key)) {
			long at = member(c, m, index == AT_KEY);

			return index >= 0 && at >= 0 ? item(c, at, index) : at;
		}
		m++;
	}
	return -1;
}

/* ------------------------------------------------------------ errors */

/* "NAME:LINE:COL: " for @key/@index, or "NAME: " when not found. */
static void where(const struct pctx *c, const char *key, long index, char *buf,
		  size_t len)
{
	long off = key ? locate(c, key, index) : -1;
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

/* "NAME:L:C: message" for a message that names the path itself. */
static int bad_msg(const struct pctx *c, const char *key, long index,
		   const char *msg)
{
	char pos[320], copy[LB_ERRLEN + 100]; /* @msg may be c->err */

	snprintf(copy, sizeof(copy), "%s", msg);
	where(c, key, index, pos, sizeof(pos));
	snprintf(c->err, c->errlen, "%s%s", pos, copy);
	return -1;
}

/* "NAME:L:C: PATH: message" */
static int __attribute__((format(printf, 4, 5)))
bad(const struct pctx *c, const char *key, long index, const char *fmt, ...)
{
	char p[96], msg[LB_ERRLEN], line[LB_ERRLEN + 100];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	path(key, index, p, sizeof(p));
	snprintf(line, sizeof(line), "%s: %s", p, msg);
	return bad_msg(c, key, index, line);
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

/* What a value of knob @k is, for "expected ..., not a list". */
static const char *expected(const struct lb_knob *k)
{
	static const char *const what[] = {
		[LB_KT_COUNT] = "a whole number",
		[LB_KT_DURATION] = "a duration like \"100ns\"",
		[LB_KT_NUMLIST] = "\"auto\", a list like \"1-8\" or [1, 2, 4], "
				  "or a thread count",
		[LB_KT_WORD] = "one of its words",
		[LB_KT_PICK] = "uniform or zipf:S",
		[LB_KT_PIN] = "a pinning policy",
		[LB_KT_SAMPLE] = "\"auto\" or a whole number (0: off)",
		[LB_KT_GATE] = "thresholds like \"wall=0.1\"",
		[LB_KT_METHODS] = "\"all\", \"a,b\" or a list of method names",
		[LB_KT_WORKLOAD] = "a workload name",
		[LB_KT_TEXT] = "a string",
	};

	return what[k->type];
}

/* ------------------------------------------------------------ keys */

/* A string value of @k, or why not. */
static int read_string(const struct pctx *c, const struct lb_knob *k,
		       long index, json_t *v)
{
	const char *s = json_string_value(v);
	char p[96];

	if (strlen(s) != json_string_length(v))
		return bad(c, k->key, index, "NUL character in the string");
	if (k->type == LB_KT_METHODS && index >= 0 && !strcmp(s, "all"))
		return bad(c, k->key, index,
			   "\"all\" must be the whole value, not a list item");
	if (k->type == LB_KT_NUMLIST && index >= 0)
		return bad(c, k->key, index,
			   "expected a thread count (a range goes in one "
			   "string: \"1-8\")");
	if (k->type == LB_KT_SAMPLE && strcmp(s, "auto"))
		return bad(c, k->key, index, "expected %s", expected(k));
	path(k->key, index, p, sizeof(p));
	if (lb_knob_parse(c->set, k, p, s, false, c->err, c->errlen))
		return bad_msg(c, k->key, index, c->err);
	return 0;
}

/* One value of @k (item @index of its list, or AT_VALUE). */
static int read_value(const struct pctx *c, const struct lb_knob *k, long index,
		      json_t *v)
{
	bool numeric = k->type == LB_KT_COUNT || k->type == LB_KT_NUMLIST ||
		       k->type == LB_KT_SAMPLE;
	char p[96];

	if (json_is_integer(v) && numeric) {
		path(k->key, index, p, sizeof(p));
		if (lb_knob_parse_int(c->set, k, p, json_integer_value(v),
				      c->err, c->errlen))
			return bad_msg(c, k->key, index, c->err);
		return 0;
	}
	if (json_is_string(v) && k->type != LB_KT_COUNT)
		return read_string(c, k, index, v);
	return bad(c, k->key, index, "expected %s, not %s", expected(k),
		   type_name(v));
}

static int unknown_key(const struct pctx *c, const char *key)
{
	const char *names[64], *hint;
	unsigned int i, n = 0;
	char pos[320];

	for (i = 0; i < lb_nknobs && n < LB_ARRAY_SIZE(names); i++)
		if (lb_knobs[i].key && !(lb_knobs[i].flags & LB_KF_RUN_ONLY))
			names[n++] = lb_knobs[i].key;
	hint = lb_closest(key, names, n);
	where(c, key, AT_KEY, pos, sizeof(pos));
	snprintf(c->err, c->errlen, "%sunknown key '%.64s'%s%s%s", pos, key,
		 hint ? " (did you mean '" : "", hint ? hint : "",
		 hint ? "'?)" : "");
	return -1;
}

/* Sort the values of @k (only its field: the others share the slots). */
static void sort_values(struct lb_knob_set *s, const struct lb_knob *k)
{
	unsigned int n = s->n[lb_knob_index(k)], i, j;
	struct lb_config tmp;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && lb_knob_get(k, &s->vals[j - 1]) >
					     lb_knob_get(k, &s->vals[j]);
		     j--) {
			lb_knob_copy(k, &tmp, &s->vals[j]);
			lb_knob_copy(k, &s->vals[j], &s->vals[j - 1]);
			lb_knob_copy(k, &s->vals[j - 1], &tmp);
		}
}

static int read_key(const struct pctx *c, const char *key, json_t *v)
{
	const struct lb_knob *k = lb_knob_find(key, false);
	size_t i;

	if (!k)
		return unknown_key(c, key);
	if (!(k->flags & LB_KF_LIST) || !json_is_array(v))
		return read_value(c, k, AT_VALUE, v);
	if (!json_array_size(v))
		return bad(c, key, AT_VALUE,
			   "empty list: the sweep would run nothing");
	if (json_array_size(v) > LB_SWEEP_MAX_VALUES)
		return bad(c, key, AT_VALUE, "more than %u values",
			   LB_SWEEP_MAX_VALUES);
	c->set->listed[lb_knob_index(k)] = true;
	for (i = 0; i < json_array_size(v); i++)
		if (read_value(c, k, (long)i, json_array_get(v, i)))
			return -1;
	if (k->flags & LB_KF_SORT)
		sort_values(c->set, k);
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

/* The whole spec's checks, the message pointing at the value to blame. */
static int finish(const struct pctx *c)
{
	struct lb_knob_err e;
	const char *key;
	long index;

	if (!lb_knob_set_finish(c->set, false, &e))
		return 0;
	key = e.knob ? e.knob->key : NULL;
	index = e.index >= 0 && key && c->set->listed[lb_knob_index(e.knob)] ?
			e.index :
			AT_VALUE;
	return bad_msg(c, key, index, e.msg);
}

int lb_sweep_spec_parse(const char *text, size_t len, const char *name,
			struct lb_sweep_spec *out, char *err, size_t errlen)
{
	struct pctx c = { text ? text : "",
			  text ? len : 0,
			  name,
			  NULL,
			  &out->set,
			  err,
			  errlen };
	json_error_t je;
	const char *key;
	json_t *v;

	memset(out, 0, sizeof(*out));
	c.root = json_loadb(c.text, c.len, JSON_REJECT_DUPLICATES, &je);
	if (!c.root) {
		snprintf(err, errlen, "%s:%d:%d: invalid JSON: %s", name,
			 je.line > 0 ? je.line : 1,
			 je.column > 0 ? je.column : 1, je.text);
		return one_line(err, errlen);
	}
	if (!json_is_object(c.root)) {
		snprintf(
			err, errlen,
			"%s: a sweep spec is a JSON object, like {\"methods\": "
			"[\"pthread\"], \"threads\": \"1-4\"}, not %s",
			name, type_name(c.root));
		json_decref(c.root);
		return -1;
	}
	lb_knob_set_init(&out->set);
	json_object_foreach(c.root, key, v)
	{
		if (read_key(&c, key, v))
			goto fail;
	}
	if (finish(&c))
		goto fail;
	out->json = c.root;
	return 0;
fail:
	json_decref(c.root);
	lb_knob_set_free(&out->set);
	memset(out, 0, sizeof(*out));
	return one_line(err, errlen);
}

void lb_sweep_spec_free(struct lb_sweep_spec *s)
{
	json_decref(s->json);
	lb_knob_set_free(&s->set);
	memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------ files */

const char *const lb_sweep_preset_names[] = { "quick", "default", "full" };
const unsigned int lb_sweep_npresets = LB_ARRAY_SIZE(lb_sweep_preset_names);

char *lb_sweep_read(const char *path, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	char *buf;
	FILE *f = NULL;
	size_t n = 0;

	if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen,
			 "cannot read spec '%s': it is a directory", path);
		return NULL;
	}
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "cannot read spec '%s': %s", path,
			 strerror(errno));
		return NULL;
	}
	buf = lb_xzalloc(LB_SWEEP_SPEC_MAX + 1);
	n = fread(buf, 1, LB_SWEEP_SPEC_MAX + 1, f);
	if (ferror(f) || n > LB_SWEEP_SPEC_MAX) {
		if (ferror(f))
			snprintf(err, errlen, "cannot read spec '%s': %s", path,
				 strerror(errno));
		else
			snprintf(err, errlen,
				 "spec '%s' is larger than %u bytes", path,
				 LB_SWEEP_SPEC_MAX);
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

char *lb_sweep_preset(const char *name, size_t *len, char *err, size_t errlen)
{
	char dir[4200], file[4400];
	unsigned int i;

	err[0] = '\0';
	for (i = 0; i < lb_sweep_npresets; i++)
		if (!strcmp(name, lb_sweep_preset_names[i]))
			break;
	if (i == lb_sweep_npresets)
		return NULL;
	snprintf(file, sizeof(file), "%s.json", name);
	lb_data_dir("data/presets", "presets", file, dir, sizeof(dir));
	snprintf(file, sizeof(file), "%s/%s.json", dir, name);
	return lb_sweep_read(file, len, err, errlen);
}
