/* SPDX-License-Identifier: MIT */
/*
 * knobs.c - the knob table (see knobs.h) and the parsers of its values.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/config/knobs.h"
#include "harness/machine/topo.h"
#include "runtime/compiler.h"

#define FIELD(m)                                 \
	.offset = offsetof(struct lb_config, m), \
	.size = sizeof(((struct lb_config *)0)->m)
#define NS_S 1000000000ull
#define NS_H (3600ull * NS_S)

static const char *const think_dists[] = { "fixed", "exp" };
static const char *const offload_works[] = { "busy", "sleep" };

/*
 * In --help order; a run's config records them in this order too.  One
 * knob a few lines: clang-format would give each field a line of its own.
 */
/* clang-format off */
const struct lb_knob lb_knobs[] = {
	{ .name = "methods", .short_opt = 'm', .key = "methods",
	  .config_key = "method", .type = LB_KT_METHODS, .arg = "LIST",
	  .dflt = "pthread,pthread-adaptive,mcs-futex,futex-mutex,ticket",
	  .help = "comma-separated sync methods, or 'all' (default: pthread,"
		  "pthread-adaptive,mcs-futex,futex-mutex,ticket)",
	  .record = LB_REC_ALWAYS, .flags = LB_KF_LIST, FIELD(ops) },
	{ .name = "workload", .short_opt = 'w', .key = "workload",
	  .config_key = "workload", .type = LB_KT_WORKLOAD, .arg = "NAME",
	  .dflt = "counter", .help = "workload (default: counter)",
	  .record = LB_REC_ALWAYS, .flags = LB_KF_LIST, .dim = 1,
	  FIELD(workload) },
	{ .name = "threads", .short_opt = 't', .key = "threads",
	  .config_key = "threads", .type = LB_KT_NUMLIST, .arg = "LIST",
	  .min = 1, .max = LB_MAX_THREADS,
	  .help = "thread counts: 4 | 1,2,4 | 1-8 | 1-8:2 | 1-64:x2 (default: "
		  "1 and powers of two up to the PUs)",
	  .record = LB_REC_ALWAYS,
	  .flags = LB_KF_LIST | LB_KF_AUTO | LB_KF_SORT, .dim = 8,
	  FIELD(nthreads) },
	{ .name = "pin", .short_opt = 'p', .key = "pin", .config_key = "pin",
	  .type = LB_KT_PIN, .arg = "POLICY", .dflt = "compact",
	  .help = "none | compact | scatter | PU list 0,2-3 (default: "
		  "compact)",
	  .record = LB_REC_ALWAYS, FIELD(pin) },
	{ .name = "cs", .key = "cs", .config_key = "cs_ns",
	  .type = LB_KT_DURATION, .arg = "DUR", .max = NS_S, .dflt = "0",
	  .help = "busy work inside the critical section (default: 0)",
	  .record = LB_REC_ALWAYS, .flags = LB_KF_LIST, .dim = 3,
	  FIELD(cs_ns) },
	{ .name = "think", .key = "think", .config_key = "think_ns",
	  .type = LB_KT_DURATION, .arg = "DUR", .max = NS_S, .dflt = "0",
	  .help = "busy work after unlock (default: 0)",
	  .record = LB_REC_ALWAYS, .flags = LB_KF_LIST, .dim = 4,
	  FIELD(think_ns) },
	{ .name = "think-dist", .key = "think_dist", .config_key = "think_dist",
	  .type = LB_KT_WORD, .arg = "D", .words = think_dists, .nwords = 2,
	  .dflt = "fixed",
	  .help = "fixed (default) or exp: exponential think times with mean "
		  "--think",
	  .record = LB_REC_ALWAYS, FIELD(think_exp) },
	{ .name = "cs-lines", .key = "cs_lines", .config_key = "cs_lines",
	  .type = LB_KT_COUNT, .arg = "N", .max = 4096, .dflt = "0",
	  .help = "also write N shared cache lines in the critical section "
		  "(default: 0)",
	  .record = LB_REC_ALWAYS, .flags = LB_KF_LIST, .dim = 6,
	  FIELD(cs_lines) },
	{ .name = "locks", .key = "locks", .config_key = "locks",
	  .type = LB_KT_NUMLIST, .arg = "LIST", .min = 1,
	  .max = LB_MAX_THREADS,
	  .help = "stripe over N locks (counter), or the locks guarding the "
		  "objects (bql; default: 1 and --objects); a list like "
		  "--threads, each value its own configuration",
	  .honour = LB_HON_LOCKS,
	  .ignored = "only counter and bql stripe over several locks",
	  .record = LB_REC_STRIPED, .flags = LB_KF_LIST, .dim = 7,
	  FIELD(nlocks) },
	{ .name = "pick", .key = "pick", .config_key = "pick",
	  .type = LB_KT_PICK, .arg = "P", .dflt = "uniform",
	  .help = "how an operation picks its lock/object: uniform (default) "
		  "or zipf:S (skewed, exponent S > 0)",
	  .honour = LB_HON_LOCKS,
	  .ignored = "only counter and bql pick among several locks",
	  .record = LB_REC_STRIPED, FIELD(pick_zipf) },
	{ .name = "objects", .key = "objects", .config_key = "objects",
	  .type = LB_KT_COUNT, .arg = "N", .min = 1, .max = 1u << 20,
	  .help = "bql: objects the operations work on (default: 64)",
	  .honour = LB_HON_OBJECTS,
	  .ignored = "only the bql workload has objects",
	  .record = LB_REC_STRIPED, FIELD(nobjects) },
	{ .name = "depth", .key = "depth", .config_key = "depth",
	  .type = LB_KT_COUNT, .arg = "D", .min = 1, .max = 1000, .dflt = "1",
	  .help = "acquire the lock D times, nested (recursive methods only; "
		  "default: 1)",
	  .honour = LB_HON_DEPTH,
	  .ignored = "only counter and bql nest acquisitions",
	  .record = LB_REC_SET, FIELD(depth) },
	{ .name = "duration", .short_opt = 'd', .key = "duration",
	  .config_key = "duration_ns", .type = LB_KT_DURATION, .arg = "DUR",
	  .min = 1000000ull, .max = NS_H, .dflt = "500ms",
	  .help = "measured time of each repetition (default: 500ms; with "
		  "--ops, the time limit: default 60s)",
	  .record = LB_REC_ALWAYS, FIELD(duration_ns) },
	{ .name = "ops", .key = "ops", .config_key = "ops",
	  .type = LB_KT_COUNT, .arg = "N", .min = 1,
	  .max = 1000000000000000ull,
	  .help = "measure N operations (all threads together) instead of a "
		  "duration; the count reached is recorded",
	  .record = LB_REC_SET, FIELD(ops_target) },
	{ .name = "warmup", .key = "warmup", .config_key = "warmup_ns",
	  .type = LB_KT_DURATION, .arg = "DUR", .max = NS_H, .dflt = "100ms",
	  .help = "unmeasured time before it (default: 100ms)",
	  .record = LB_REC_ALWAYS, FIELD(warmup_ns) },
	{ .name = "reps", .short_opt = 'r', .key = "reps", .config_key = "reps",
	  .type = LB_KT_COUNT, .arg = "N", .min = 1, .max = 1000, .dflt = "5",
	  .help = "repetitions (default: 5)", .record = LB_REC_ALWAYS,
	  FIELD(reps) },
	{ .name = "coroutines", .key = "coroutines", .config_key = "coroutines",
	  .type = LB_KT_COUNT, .arg = "K", .min = 1, .max = 4096,
	  .help = "run K coroutines in each thread's event loop (default: 1 "
		  "for coroutine methods; other methods run on the thread "
		  "itself unless K is given)",
	  .record = LB_REC_ALWAYS, .flags = LB_KF_LIST, .dim = 5,
	  FIELD(coroutines) },
	{ .name = "sample-every", .key = "sample_every", .type = LB_KT_SAMPLE,
	  .arg = "N", .max = 1u << 30, .dflt = "auto",
	  .help = "time one acquisition in N (default: auto, about 1% of the "
		  "time; 0 turns latency sampling off)",
	  FIELD(sample_every) },
	{ .name = "spin", .key = "spin", .type = LB_KT_COUNT, .arg = "N",
	  .min = 1, .max = 100000000,
	  .help = "spins before sleeping, for methods that spin first",
	  FIELD(spin) },
	{ .name = "read-pct", .key = "read_pct", .config_key = "read_pct",
	  .type = LB_KT_COUNT, .arg = "P", .max = 100, .dflt = "90",
	  .help = "percent of operations that read, for reader/writer "
		  "workloads (rwmix; 0-100, default: 90)",
	  .honour = LB_HON_READ_PCT,
	  .ignored = "only the reader/writer workloads read (rwmix)",
	  .record = LB_REC_HONOURED, .flags = LB_KF_LIST, .dim = 2,
	  FIELD(read_pct) },
	{ .name = "offload-mode", .key = "offload_mode",
	  .config_key = "offload_mode", .type = LB_KT_WORD, .arg = "M",
	  .words = lb_offload_mode_names, .nwords = 3, .dflt = "submit_co",
	  .help = "submit_co | run_in_worker | inline: how the offload "
		  "workload hands work to the pool (default: submit_co)",
	  .honour = LB_HON_OFFLOAD,
	  .ignored = "only the offload workload offloads work",
	  .record = LB_REC_HONOURED, FIELD(wl_opts.offload_mode) },
	{ .name = "offload-work", .key = "offload_work",
	  .config_key = "offload_work", .type = LB_KT_WORD, .arg = "W",
	  .words = offload_works, .nwords = 2, .dflt = "busy",
	  .help = "busy | sleep: offloaded work spins or sleeps --cs "
		  "(default: busy)",
	  .honour = LB_HON_OFFLOAD,
	  .ignored = "only the offload workload offloads work",
	  .record = LB_REC_HONOURED, FIELD(wl_opts.offload_sleep) },
	{ .name = "stall-timeout", .key = "stall_timeout",
	  .type = LB_KT_DURATION, .arg = "DUR", .min = NS_S / 10, .max = NS_H,
	  .dflt = "10s",
	  .help = "how long workers may take to stop (default: 10s)",
	  FIELD(stall_ns) },
	{ .name = "retries", .key = "retries", .config_key = "retries",
	  .type = LB_KT_COUNT, .arg = "N", .max = LB_RETRIES_MAX, .dflt = "2",
	  .help = "extra repetitions per configuration to replace invalid "
		  "ones (default: 2; 0 keeps them without re-running)",
	  .record = LB_REC_ALWAYS, .flags = LB_KF_SWEEP, FIELD(retries) },
	{ .name = "gate", .key = "gate", .config_key = "gate",
	  .type = LB_KT_GATE, .arg = "K=V,...",
	  .help = "validity thresholds: wall, cpu_high, cpu_low, other_cpu, "
		  "ivcsw, migrations (a number, or off; see README.md)",
	  .record = LB_REC_ALWAYS, .flags = LB_KF_SWEEP, FIELD(gate) },
	{ .name = "no-gate", .type = LB_KT_GATE_OFF,
	  .help = "judge no repetition: all are valid",
	  .flags = LB_KF_SWEEP | LB_KF_RUN_ONLY, FIELD(gate) },
	{ .key = "description", .type = LB_KT_TEXT },
};
/* clang-format on */

const unsigned int lb_nknobs = LB_ARRAY_SIZE(lb_knobs);

const struct lb_knob *lb_knob_find(const char *name, bool opt)
{
	unsigned int i;

	for (i = 0; i < lb_nknobs; i++) {
		const char *n = opt ? lb_knobs[i].name : lb_knobs[i].key;

		if (n && !(!opt && (lb_knobs[i].flags & LB_KF_RUN_ONLY)) &&
		    !strcmp(n, name))
			return &lb_knobs[i];
	}
	return NULL;
}

unsigned int lb_knob_index(const struct lb_knob *k)
{
	return (unsigned int)(k - lb_knobs);
}

static void *field(const struct lb_knob *k, const struct lb_config *c)
{
	return (char *)c + k->offset;
}

static void put(const struct lb_knob *k, struct lb_config *c, uint64_t v)
{
	void *f = field(k, c);

	switch (k->size) {
	case sizeof(bool):
		*(bool *)f = v != 0;
		break;
	case sizeof(uint32_t):
		*(uint32_t *)f = (uint32_t)v;
		break;
	case sizeof(uint64_t):
		*(uint64_t *)f = v;
		break;
	default:
		lb_die("BUG: knob '%s' of %zu bytes", k->key, k->size);
	}
}

uint64_t lb_knob_get(const struct lb_knob *k, const struct lb_config *c)
{
	const void *f = field(k, c);

	switch (k->size) {
	case sizeof(bool):
		return *(const bool *)f;
	case sizeof(uint32_t):
		return *(const uint32_t *)f;
	case sizeof(uint64_t):
		return *(const uint64_t *)f;
	default:
		lb_die("BUG: knob '%s' of %zu bytes", k->key, k->size);
	}
}

void lb_knob_copy(const struct lb_knob *k, struct lb_config *dst,
		  const struct lb_config *src)
{
	memcpy(field(k, dst), field(k, src), k->size);
}

bool lb_knob_honoured(const struct lb_knob *k, const struct lb_workload *wl)
{
	switch (k->honour) {
	case LB_HON_READ_PCT:
		return wl->uses_read_pct;
	case LB_HON_OFFLOAD:
		return wl->uses_offload_opts;
	case LB_HON_LOCKS:
		return wl->uses_locks;
	case LB_HON_OBJECTS:
		return wl->uses_objects;
	case LB_HON_DEPTH:
		return wl->uses_depth;
	default:
		return true;
	}
}

/* ------------------------------------------------------------ values */

/*
 * A message about the value of @opt: "--x ..." on the command line, "x:
 * ..." (a spec's key path) in a spec.
 */
static int __attribute__((format(printf, 4, 5)))
fail(char *err, size_t errlen, const char *opt, const char *fmt, ...)
{
	size_t used = 0;
	va_list ap;

	if (opt[0] != '-')
		used = (size_t)snprintf(err, errlen, "%s: ", opt);
	va_start(ap, fmt);
	vsnprintf(err + (used < errlen ? used : errlen),
		  used < errlen ? errlen - used : 0, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *hint_of(const char *word, const char *const *names,
			   unsigned int n, char *buf, size_t len)
{
	const char *h = lb_closest(word, names, n);

	if (h)
		snprintf(buf, len, " (did you mean '%s'?)", h);
	else
		buf[0] = '\0';
	return buf;
}

/* The value just written into the next slot, checked against the others. */
static int commit(struct lb_knob_set *s, const struct lb_knob *k,
		  const char *opt, char *err, size_t errlen)
{
	unsigned int ki = lb_knob_index(k), i, n = s->n[ki];
	const struct lb_config *v = &s->vals[n];

	for (i = 0; i < n; i++) {
		if (memcmp(field(k, &s->vals[i]), field(k, v), k->size))
			continue;
		if (k->type == LB_KT_METHODS)
			return fail(err, errlen, opt,
				    "method '%s' is listed twice",
				    v->ops->name);
		if (k->type == LB_KT_WORKLOAD)
			return fail(err, errlen, opt,
				    "workload '%s' is listed twice",
				    v->workload->name);
		if (k->type == LB_KT_DURATION)
			return fail(err, errlen, opt,
				    "the same duration is listed twice");
		return fail(err, errlen, opt, "%llu is listed twice",
			    (unsigned long long)lb_knob_get(k, v));
	}
	if (n + 1 >= LB_KNOB_MAX_VALUES)
		return fail(err, errlen, opt, "more than %u values",
			    LB_KNOB_MAX_VALUES - 1);
	s->n[ki]++;
	return 0;
}

/* Test-only methods: by name, and with LOCKBENCH_TEST_LOCKS=1. */
static const struct lb_lock_ops *find_method(const char *name)
{
	const struct lb_lock_ops *ops = lb_lock_find(name);
	const char *tl = getenv("LOCKBENCH_TEST_LOCKS");

	if (ops && (ops->flags & LB_TEST_ONLY) && !(tl && !strcmp(tl, "1")))
		return NULL;
	return ops;
}

static int one_method(struct lb_knob_set *s, const struct lb_knob *k,
		      const char *opt, const char *name, char *err,
		      size_t errlen)
{
	const char *names[64];
	char hint[96];
	unsigned int i, n = 0;

	s->vals[s->n[lb_knob_index(k)]].ops = find_method(name);
	if (s->vals[s->n[lb_knob_index(k)]].ops)
		return commit(s, k, opt, err, errlen);
	for (i = 0; i < lb_nlocks && n < LB_ARRAY_SIZE(names); i++)
		if (!(lb_locks[i]->flags & LB_TEST_ONLY))
			names[n++] = lb_locks[i]->name;
	return fail(err, errlen, opt,
		    "unknown method '%.64s'%s (see "
		    "'lockbench list')",
		    name, hint_of(name, names, n, hint, sizeof(hint)));
}

static int parse_methods(struct lb_knob_set *s, const struct lb_knob *k,
			 const char *opt, const char *arg, char *err,
			 size_t errlen)
{
	char *copy, *item, *save = NULL;
	int rc = 0;

	if (!strcmp(arg, "all")) {
		s->all_methods = true;
		s->n[lb_knob_index(k)] = 0;
		return 0;
	}
	if (!*arg || arg[0] == ',' || arg[strlen(arg) - 1] == ',' ||
	    strstr(arg, ",,"))
		return fail(err, errlen, opt,
			    "invalid methods value '%.64s': "
			    "empty item",
			    arg);
	copy = strdup(arg);
	if (!copy)
		lb_xmalloc_fail(strlen(arg) + 1);
	for (item = strtok_r(copy, ",", &save); item && !rc;
	     item = strtok_r(NULL, ",", &save))
		rc = one_method(s, k, opt, item, err, errlen);
	free(copy);
	s->all_methods = false;
	return rc;
}

static int parse_workload(struct lb_knob_set *s, const struct lb_knob *k,
			  const char *opt, const char *arg, char *err,
			  size_t errlen)
{
	const char *names[16];
	char hint[96];
	unsigned int i;

	s->vals[s->n[lb_knob_index(k)]].workload = lb_workload_find(arg);
	if (s->vals[s->n[lb_knob_index(k)]].workload)
		return commit(s, k, opt, err, errlen);
	for (i = 0; i < lb_nworkloads && i < LB_ARRAY_SIZE(names); i++)
		names[i] = lb_workloads[i]->name;
	return fail(err, errlen, opt,
		    "unknown workload '%.64s'%s (see "
		    "'lockbench list')",
		    arg, hint_of(arg, names, i, hint, sizeof(hint)));
}

static int parse_numlist(struct lb_knob_set *s, const struct lb_knob *k,
			 const char *opt, const char *arg, char *err,
			 size_t errlen)
{
	unsigned int *list, n, i;
	int rc = 0;

	if ((k->flags & LB_KF_AUTO) && !strcmp(arg, "auto")) {
		s->n[lb_knob_index(k)] = 0;
		return 0;
	}
	if (lb_parse_threads(opt, arg, &list, &n, err, errlen))
		return -1;
	for (i = 0; i < n && !rc; i++) {
		put(k, &s->vals[s->n[lb_knob_index(k)]], list[i]);
		rc = commit(s, k, opt, err, errlen);
	}
	free(list);
	return rc;
}

static int parse_word(struct lb_knob_set *s, const struct lb_knob *k,
		      const char *opt, const char *arg, char *err,
		      size_t errlen)
{
	char choices[128];
	size_t used = 0;
	unsigned int i;

	for (i = 0; i < k->nwords; i++) {
		if (!strcmp(arg, k->words[i])) {
			put(k, &s->vals[s->n[lb_knob_index(k)]], i);
			return commit(s, k, opt, err, errlen);
		}
		used += (size_t)snprintf(
			choices + used, sizeof(choices) - used, "%s%s",
			i ? (i + 1 == k->nwords ? " or " : ", ") : "",
			k->words[i]);
	}
	if (opt[0] == '-')
		return fail(err, errlen, opt, "invalid %s value '%.64s': %s",
			    opt, arg, choices);
	return fail(err, errlen, opt, "invalid value '%.64s': %s", arg,
		    choices);
}

static int parse_pin(struct lb_knob_set *s, const struct lb_knob *k,
		     const char *opt, const char *arg, char *err, size_t errlen)
{
	struct lb_pin_policy pol = { 0 };
	int rc;

	if (strlen(arg) >= LB_PIN_MAX)
		return fail(err, errlen, opt, "longer than %u characters",
			    LB_PIN_MAX - 1);
	rc = lb_pin_parse(arg, &pol, err, errlen);
	lb_pin_policy_free(&pol);
	if (rc)
		return -1;
	snprintf(s->vals[0].pin, LB_PIN_MAX, "%s", arg);
	s->n[lb_knob_index(k)] = 1;
	return 0;
}

/* --gate K=V,... (keys not named keep their value) or off; --no-gate. */
static int parse_gate(struct lb_knob_set *s, const struct lb_knob *k,
		      const char *arg, char *err, size_t errlen)
{
	const struct lb_knob *g = lb_knob_find("gate", false);
	unsigned int gi = lb_knob_index(g);
	struct lb_gate *gate = &s->vals[0].gate;

	if (!s->n[gi])
		*gate = s->base.gate;
	s->n[gi] = 1;
	if (k->type == LB_KT_GATE_OFF || !strcmp(arg, "off")) {
		gate->on = false;
		return 0;
	}
	return lb_gate_parse(arg, gate, err, errlen);
}

static int parse_number(struct lb_knob_set *s, const struct lb_knob *k,
			const char *opt, const char *arg, char *err,
			size_t errlen)
{
	struct lb_config *v = &s->vals[s->n[lb_knob_index(k)]];
	uint64_t x;

	if (k->type == LB_KT_SAMPLE && !strcmp(arg, "auto")) {
		v->sample_every = LB_SAMPLE_AUTO;
		return commit(s, k, opt, err, errlen);
	}
	if (k->type == LB_KT_DURATION ?
		    lb_parse_duration(opt, arg, k->min, k->max, &x, err,
				      errlen) :
		    lb_parse_u64(opt, arg, k->min, k->max, &x, err, errlen))
		return -1;
	if (k->type == LB_KT_SAMPLE)
		x = x ? x : LB_SAMPLE_OFF;
	put(k, v, x);
	return commit(s, k, opt, err, errlen);
}

int lb_knob_parse(struct lb_knob_set *s, const struct lb_knob *k,
		  const char *opt, const char *arg, bool replace, char *err,
		  size_t errlen)
{
	unsigned int ki = lb_knob_index(k);

	if (replace && k->type != LB_KT_GATE && k->type != LB_KT_GATE_OFF)
		s->n[ki] = 0;
	switch (k->type) {
	case LB_KT_COUNT:
	case LB_KT_DURATION:
	case LB_KT_SAMPLE:
		return parse_number(s, k, opt, arg, err, errlen);
	case LB_KT_NUMLIST:
		return parse_numlist(s, k, opt, arg, err, errlen);
	case LB_KT_WORD:
		return parse_word(s, k, opt, arg, err, errlen);
	case LB_KT_PICK:
		if (lb_parse_pick(opt, arg, &s->vals[s->n[ki]].pick_zipf, err,
				  errlen))
			return -1;
		return commit(s, k, opt, err, errlen);
	case LB_KT_PIN:
		return parse_pin(s, k, opt, arg, err, errlen);
	case LB_KT_GATE:
	case LB_KT_GATE_OFF:
		return parse_gate(s, k, arg, err, errlen);
	case LB_KT_METHODS:
		return parse_methods(s, k, opt, arg, err, errlen);
	case LB_KT_WORKLOAD:
		return parse_workload(s, k, opt, arg, err, errlen);
	case LB_KT_TEXT:
		return 0;
	}
	lb_die("BUG: knob '%s' of type %d", k->key, (int)k->type);
}

int lb_knob_parse_int(struct lb_knob_set *s, const struct lb_knob *k,
		      const char *opt, long long x, char *err, size_t errlen)
{
	struct lb_config *v = &s->vals[s->n[lb_knob_index(k)]];

	if (x < 0 || (uint64_t)x < k->min || (uint64_t)x > k->max)
		return fail(err, errlen, opt,
			    "invalid value %lld: must be between %llu and %llu",
			    x, (unsigned long long)k->min,
			    (unsigned long long)k->max);
	if (k->type == LB_KT_SAMPLE)
		x = x ? x : (long long)LB_SAMPLE_OFF;
	put(k, v, (uint64_t)x);
	return commit(s, k, opt, err, errlen);
}

/* ------------------------------------------------------------ sets */

/* Knob @k's default into @c (the table's defaults are checked by tests). */
static void knob_default(const struct lb_knob *k, struct lb_config *c,
			 struct lb_knob_set *s)
{
	char err[LB_ERRLEN];
	unsigned int ki = lb_knob_index(k);

	if (k->type == LB_KT_GATE) {
		lb_gate_defaults(&c->gate);
		lb_gate_env(&c->gate);
		return;
	}
	if (!k->dflt || k->type == LB_KT_METHODS || !k->size)
		return;
	s->n[ki] = 0;
	if (lb_knob_parse(s, k, k->name, k->dflt, true, err, sizeof(err)))
		lb_die("BUG: default of knob '%s': %s", k->key, err);
	lb_knob_copy(k, c, &s->vals[0]);
	s->n[ki] = 0;
}

void lb_knob_set_init(struct lb_knob_set *s)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->vals = lb_xzalloc(LB_KNOB_MAX_VALUES * sizeof(*s->vals));
	s->n = lb_xzalloc(lb_nknobs * sizeof(*s->n));
	s->listed = lb_xzalloc(lb_nknobs * sizeof(*s->listed));
	for (i = 0; i < lb_nknobs; i++)
		knob_default(&lb_knobs[i], &s->base, s);
}

void lb_knob_set_free(struct lb_knob_set *s)
{
	free(s->vals);
	free(s->n);
	free(s->listed);
	memset(s, 0, sizeof(*s));
}

const struct lb_config *lb_knob_first(const struct lb_knob_set *s,
				      const char *key)
{
	return s->n[lb_knob_index(lb_knob_find(key, false))] ? &s->vals[0] :
							       &s->base;
}

void lb_knob_set_override(struct lb_knob_set *dst,
			  const struct lb_knob_set *src)
{
	unsigned int k, i;

	for (k = 0; k < lb_nknobs; k++) {
		if (!src->n[k] || !lb_knobs[k].size)
			continue;
		for (i = 0; i < src->n[k]; i++)
			lb_knob_copy(&lb_knobs[k], &dst->vals[i],
				     &src->vals[i]);
		dst->n[k] = src->n[k];
		dst->listed[k] = false;
	}
}

bool lb_knob_set_differs(const struct lb_knob_set *s, const struct lb_knob *k)
{
	unsigned int i, n = s->n[lb_knob_index(k)];

	for (i = 0; i < n && k->size; i++)
		if (memcmp(field(k, &s->vals[i]), field(k, &s->base), k->size))
			return true;
	return false;
}

unsigned int lb_default_methods(const struct lb_lock_ops **out,
				unsigned int max)
{
	const struct lb_knob *k = lb_knob_find("methods", false);
	char *copy = strdup(k->dflt), *item, *save = NULL;
	unsigned int n = 0;

	if (!copy)
		lb_xmalloc_fail(strlen(k->dflt) + 1);
	for (item = strtok_r(copy, ",", &save); item && n < max;
	     item = strtok_r(NULL, ",", &save))
		if (!(out[n++] = lb_lock_find(item)))
			lb_die("BUG: default method '%s' unknown", item);
	free(copy);
	return n;
}

/* ------------------------------------------------------------ config */

/* Every knob at its default (built once: the main thread only). */
static const struct lb_config *defaults(void)
{
	static struct lb_config dflt;
	static bool built;
	struct lb_knob_set tmp;

	if (!built) {
		lb_knob_set_init(&tmp);
		dflt = tmp.base;
		lb_knob_set_free(&tmp);
		built = true;
	}
	return &dflt;
}

static bool recorded(const struct lb_knob *k, const struct lb_config *c)
{
	switch (k->record) {
	case LB_REC_ALWAYS:
		return true;
	case LB_REC_HONOURED:
		return lb_knob_honoured(k, c->workload);
	case LB_REC_STRIPED:
		return c->nobjects > 0;
	case LB_REC_SET:
		return memcmp(field(k, c), field(k, defaults()), k->size) != 0;
	default:
		return false;
	}
}

static json_t *knob_json(const struct lb_knob *k, const struct lb_config *c)
{
	char pick[32] = "uniform";

	switch (k->type) {
	case LB_KT_METHODS:
		return json_string(c->ops->name);
	case LB_KT_WORKLOAD:
		return json_string(c->workload->name);
	case LB_KT_WORD:
		return json_string(k->words[lb_knob_get(k, c)]);
	case LB_KT_PICK:
		if (c->pick_zipf > 0)
			snprintf(pick, sizeof(pick), "zipf:%g", c->pick_zipf);
		return json_string(pick);
	case LB_KT_PIN:
		return json_string(c->pin);
	case LB_KT_GATE:
		return lb_gate_json(&c->gate);
	default:
		return json_integer((json_int_t)lb_knob_get(k, c));
	}
}

void lb_config_json(const struct lb_config *c, json_t *config)
{
	unsigned int i;

	for (i = 0; config && i < lb_nknobs; i++) {
		const struct lb_knob *k = &lb_knobs[i];

		if (k->config_key && recorded(k, c))
			json_object_set_new(config, k->config_key,
					    knob_json(k, c));
	}
}
