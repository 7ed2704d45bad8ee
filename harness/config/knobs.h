/* SPDX-License-Identifier: MIT */
/*
 * knobs.h - the one configuration struct and the one table of knobs.
 *
 * struct lb_config is one configuration: a method on a workload at a
 * thread count with every knob's value.  It flows from the command line
 * or a sweep spec through the plan to the runner and into the result
 * file; nothing else holds a copy of the knobs.
 *
 * lb_knobs[] has one entry per knob (after fio's options table and git's
 * parse-options: one row says everything about an option).  The table
 * drives the options of `run` and `sweep` (getopt_long's array, the
 * optstring and --help), the sweep-spec reader (harness/config/sweep.h),
 * the refusal of a knob that no workload of the run honours, and the
 * "config" object of each run in the result file.  Adding a knob is one
 * entry here plus the code that uses its field.
 *
 * Values are parsed from text (a command-line argument, a string of a
 * spec) or, in a spec, from a JSON integer; a knob with LB_KF_LIST may
 * take several values (a sweep varies it: one dimension of the matrix).
 * They are kept in struct lb_knob_set until the matrix is expanded
 * (harness/config/matrix.c).
 *
 * Not thread-safe; the table is constant.
 */
#ifndef LB_HARNESS_KNOBS_H
#define LB_HARNESS_KNOBS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/config/gate.h"
#include "harness/util/options.h"
#include "locks/lock.h"
#include "workloads/workload.h"

#define LB_PIN_MAX 128u /* a --pin value, as typed */
#define LB_KNOB_MAX_VALUES LB_MAX_THREADS /* values of one knob */
#define LB_BQL_OBJECTS 64u /* bql's --objects when none is given */

struct lb_config {
	/* What runs: one method, one workload, nthreads threads. */
	const struct lb_lock_ops *ops;
	const struct lb_workload *workload;
	unsigned int nthreads;
	/*
	 * Coroutines per thread.  As given: 0 = the method's own (1 for
	 * coroutine methods, else none); in a plan: the effective count (0 =
	 * each worker on the thread itself).
	 */
	unsigned int coroutines;
	/* The workload's shape. */
	uint64_t cs_ns, think_ns; /* busy work inside and after the lock */
	bool think_exp; /* exponential think times, mean think_ns */
	unsigned int cs_lines; /* shared cache lines written per section */
	unsigned int read_pct; /* rwmix: percent of reads */
	struct lb_wl_opts wl_opts; /* offload's mode and work (cs_ns too) */
	/*
	 * Striping and bql: nlocks locks over nobjects objects (0: the
	 * single-lock loop; as given, 0 = the workload's default), picked
	 * with Zipf exponent pick_zipf (0: uniform); depth nested
	 * acquisitions (1: none).  lb_config_objects() settles them.
	 */
	unsigned int nlocks, nobjects, depth;
	double pick_zipf;
	/* The measurement, common to a whole plan. */
	char pin[LB_PIN_MAX]; /* pinning policy as typed */
	uint64_t duration_ns, warmup_ns, stall_ns;
	uint64_t ops_target; /* --ops N (duration_ns is then a limit), or 0 */
	unsigned int reps, spin;
	uint32_t sample_every; /* LB_SAMPLE_AUTO, LB_SAMPLE_OFF or N */
	/* The validity gate, and the repetitions that may replace invalid. */
	struct lb_gate gate;
	unsigned int retries;
	/* Its place in a plan. */
	unsigned int group; /* configurations differing only by method */
	bool done; /* --resume: already complete in the file, skipped */
};

enum lb_knob_type {
	LB_KT_COUNT, /* a whole number in [min, max] */
	LB_KT_DURATION, /* "250ns", "1.5s": ns in [min, max] */
	LB_KT_NUMLIST, /* "1,2,4", "1-8", "1-64:x2" or numbers */
	LB_KT_WORD, /* one of words[]: its index */
	LB_KT_PICK, /* uniform | zipf:S: the exponent (0: uniform) */
	LB_KT_PIN, /* a pinning policy, kept as typed */
	LB_KT_SAMPLE, /* auto | N (0: off) */
	LB_KT_GATE, /* K=V,... | off */
	LB_KT_GATE_OFF, /* --no-gate: no value */
	LB_KT_METHODS, /* method names, "a,b", or all */
	LB_KT_WORKLOAD, /* workload names */
	LB_KT_TEXT, /* free text (a spec's description) */
};

/* The workloads that honour a knob (struct lb_workload's uses_*). */
enum lb_knob_honour {
	LB_HON_ALL = 0,
	LB_HON_READ_PCT,
	LB_HON_OFFLOAD,
	LB_HON_LOCKS,
	LB_HON_OBJECTS,
	LB_HON_DEPTH,
};

/* When a run's config records the knob. */
enum lb_knob_record {
	LB_REC_NEVER = 0,
	LB_REC_ALWAYS,
	LB_REC_HONOURED, /* its workload honours it */
	LB_REC_SET, /* its value is not the default */
	LB_REC_STRIPED, /* the run has objects (nobjects > 0) */
};

enum {
	LB_KF_LIST = 1u << 0, /* several values: a sweep varies it */
	LB_KF_SWEEP = 1u << 1, /* `sweep` takes the option too (wins) */
	LB_KF_AUTO = 1u << 2, /* "auto": no value, the default */
	LB_KF_SORT = 1u << 3, /* a spec's list is sorted */
	LB_KF_RUN_ONLY = 1u << 4, /* no spec key: the command line only */
};

struct lb_knob {
	const char *name; /* long option: "cs-lines" */
	char short_opt; /* 'm', or 0 */
	const char *key; /* in a sweep spec: "cs_lines" */
	const char *config_key; /* in a run's config; NULL: not recorded */
	enum lb_knob_type type;
	const char *arg; /* the value in --help: "DUR" */
	uint64_t min, max; /* range of a number, duration or list item */
	const char *const *words; /* LB_KT_WORD: the words, index 0 first */
	unsigned int nwords;
	const char *dflt; /* default as typed, or NULL (zero) */
	const char *help; /* --help text, its default said in it */
	enum lb_knob_honour honour;
	const char *ignored; /* why a workload that ignores it refuses it */
	enum lb_knob_record record;
	unsigned int flags; /* LB_KF_* */
	/*
	 * Matrix nesting of a list knob, outermost first (0: not a
	 * dimension; the methods of a group are not one either).
	 */
	unsigned int dim;
	size_t offset, size; /* its field in struct lb_config */
};

extern const struct lb_knob lb_knobs[];
extern const unsigned int lb_nknobs;

/* The knob whose spec key (or, when @opt, long option) is @name. */
const struct lb_knob *lb_knob_find(const char *name, bool opt);
unsigned int lb_knob_index(const struct lb_knob *k);

/*
 * The values of every knob, parsed and not yet expanded: base holds each
 * knob's default; vals[i] the i-th value of each knob given (n[k] of
 * them; each knob writes only its own field, so they share the array).
 */
struct lb_knob_set {
	struct lb_config base;
	struct lb_config *vals; /* LB_KNOB_MAX_VALUES entries, owned */
	unsigned int *n; /* lb_nknobs entries, owned */
	bool *listed; /* lb_nknobs entries: a spec gave a JSON list */
	bool all_methods; /* "all": per workload, every method it fits */
};

/* Every knob at its default (base), none given.  Free with ..._free(). */
void lb_knob_set_init(struct lb_knob_set *s);
void lb_knob_set_free(struct lb_knob_set *s);

/*
 * lb_knob_parse - parse @arg (text) as knob @k's value into @s: replaces
 * what @s held for @k when @replace, else appends (a list syntax gives
 * several values; a repeated value is an error).  @opt names it in
 * messages ("--cs", "cs[1]").  Returns 0, or -1 with one line in @err.
 */
int lb_knob_parse(struct lb_knob_set *s, const struct lb_knob *k,
		  const char *opt, const char *arg, bool replace, char *err,
		  size_t errlen);
/* Append the whole number @x (a spec's JSON integer) as knob @k's value. */
int lb_knob_parse_int(struct lb_knob_set *s, const struct lb_knob *k,
		      const char *opt, long long x, char *err, size_t errlen);
/* Knob @k's field in @c, as a whole number (counts, words, durations). */
uint64_t lb_knob_get(const struct lb_knob *k, const struct lb_config *c);
/* Set knob @k's field in @dst to its value in @src. */
void lb_knob_copy(const struct lb_knob *k, struct lb_config *dst,
		  const struct lb_config *src);
/* Where knob @key's (first) value is in @s: vals[0], or base (default). */
const struct lb_config *lb_knob_first(const struct lb_knob_set *s,
				      const char *key);
/* Every knob given in @src replaces its values in @dst (options over a spec). */
void lb_knob_set_override(struct lb_knob_set *dst,
			  const struct lb_knob_set *src);
/* Knob @k has a value other than its default in @s. */
bool lb_knob_set_differs(const struct lb_knob_set *s, const struct lb_knob *k);
/* Workload @wl honours knob @k. */
bool lb_knob_honoured(const struct lb_knob *k, const struct lb_workload *wl);

/* The default methods (the table's), at most @max into @out: how many. */
unsigned int lb_default_methods(const struct lb_lock_ops **out,
				unsigned int max);
/*
 * The methods @s runs on workload @wl, at most @max into @out: the ones
 * given; or, for "all" and for a workload that needs something (rwmix's
 * reader/writer mode) when none are given, every method it fits; else the
 * default methods.  Returns how many.
 */
unsigned int lb_methods_for(const struct lb_knob_set *s,
			    const struct lb_workload *wl,
			    const struct lb_lock_ops **out, unsigned int max);

/* A problem with a knob set: its message, and the value to point at. */
struct lb_knob_err {
	const struct lb_knob *knob; /* NULL: the spec as a whole */
	long index; /* which of its values, -1: the value as a whole */
	char msg[LB_ERRLEN];
};

/*
 * lb_knob_set_finish - check @s as a whole and settle what depends on
 * several knobs (--ops without --duration: a 60 s limit).  Refuses a knob
 * set to a non-default value that no workload of @s honours, methods that
 * do not fit a workload or its knobs (nesting, striping), more bql locks
 * than objects, and a skewed pick with a single lock.  Messages name the
 * option ("--locks") when @cli, else the spec's key path ("locks[1]").
 * Returns 0, or -1 with @e filled.
 */
int lb_knob_set_finish(struct lb_knob_set *s, bool cli, struct lb_knob_err *e);

/*
 * Add the knobs a run's config records to @config (jansson keeps their
 * order): "method", "workload", "threads", "cs_ns", ...  The result
 * file's reader matches runs by these keys: their names and meaning are
 * schema v1.
 */
void lb_config_json(const struct lb_config *c, json_t *config);

/*
 * lb_config_objects - settle @c's locks and objects: bql guards its
 * objects (given, or LB_BQL_OBJECTS) with nlocks locks; counter with
 * N > 1 locks has one object per lock, and with nesting one object;
 * otherwise the single-lock loop (0).
 */
void lb_config_objects(struct lb_config *c);

/*
 * lb_config_check_method - method @ops can run workload @wl nested
 * @depth deep and, when @striped, over several locks (bql always has
 * objects): nesting needs a recursive method, objects a method with a
 * lock of its own (not one that delegates whole sections).  Returns 0,
 * or -1 with why in @err, naming the method.
 */
int lb_config_check_method(const struct lb_workload *wl,
			   const struct lb_lock_ops *ops, unsigned int depth,
			   bool striped, char *err, size_t errlen);

/* "a, b, c": the methods with a loop for @wl. */
void lb_methods_fitting(const struct lb_workload *wl, char *buf, size_t len);

#endif /* LB_HARNESS_KNOBS_H */
