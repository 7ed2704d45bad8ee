/* SPDX-License-Identifier: MIT */
/*
 * sweep.h - sweep specifications: a JSON object naming the values of each
 * knob; the sweep runs every combination.  Built-in presets are specs too.
 *
 * A spec (every key optional; lists may also be given as a single value):
 *
 *   {
 *     "description": "free text",
 *     "workload":   "counter" | ["counter", "rwmix"],
 *     "methods":    "all" | "pthread,mcs-futex" | ["pthread", "mcs-futex"],
 *     "threads":    "auto" | "1-4" | "1-64:x2" | 4 | [1, 2, 4],
 *     "cs":         "100ns" | ["0", "100ns", "1us"],
 *     "think":      "0" | ["0", "200ns"],
 *     "coroutines": 4 | [1, 4],
 *     "read_pct":   90 | [50, 90, 99],
 *     "pin":        "compact" | "scatter" | "none" | "0,2-3",
 *     "duration":   "500ms",  "warmup": "100ms",  "reps": 5,
 *     "spin": 100,  "stall_timeout": "10s",
 *     "offload_mode": "submit_co",  "offload_work": "busy",
 *     "sample_every": "auto" | 0 | 64,
 *     "retries": 2,  "gate": "other_cpu=0.5,ivcsw=off" | "off",
 *     "cs_lines":   0 | [0, 4],       "think_dist": "fixed" | "exp",
 *     "locks":      1 | [1, 16],      "objects": 64,
 *     "pick":       "uniform" | "zipf:0.99",
 *     "depth":      1,                "ops": 1000000
 *   }
 *
 * Strings are parsed by harness/options.c exactly as the matching `run`
 * option (--cs, --threads, --pin, ...), with the same ranges and defaults:
 * a spec says exactly what the command line says.  "threads": "auto" is
 * run's default (1, powers of two up to the PUs, and the PUs).  Methods
 * default to run's default list, or to every method the workload can drive
 * when it needs something (rwmix).  "all" is every method with a loop for
 * the workload, per workload; an explicit method must have a loop for every
 * workload of the spec.  read_pct varies only the workloads that read
 * (rwmix), offload_* only offload, locks and pick only the workloads that
 * stripe (counter, bql; bql's default locks are 1 and "objects"), objects
 * only bql; depth > 1 needs recursive methods.  A method without mutual exclusion
 * (none) runs in the 1-thread, at most 1-coroutine configurations only.
 *
 * Errors name the spec, the line and column, and the key path
 * ("spec.json:4:15: threads[2]: ...").
 */
#ifndef LB_HARNESS_SWEEP_H
#define LB_HARNESS_SWEEP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/util/options.h"
#include "harness/engine/plan.h"
#include "harness/engine/validity.h"

#define LB_SWEEP_MAX_VALUES 64u /* values of one knob */
#define LB_SWEEP_MAX_RUNS 100000u /* configurations, even with --yes */

struct lb_sweep_spec {
	json_t *json; /* the spec object as parsed (owned) */
	const struct lb_workload *workloads[LB_SWEEP_MAX_VALUES];
	unsigned int nworkloads;
	const struct lb_lock_ops *methods[LB_SWEEP_MAX_VALUES];
	unsigned int nmethods;
	bool all_methods; /* "all", or the default for a workload's needs */
	bool default_methods; /* "methods" absent */
	unsigned int threads[LB_MAX_THREADS];
	unsigned int nthreads; /* 0: "auto" */
	uint64_t cs_ns[LB_SWEEP_MAX_VALUES], think_ns[LB_SWEEP_MAX_VALUES];
	unsigned int ncs, nthink;
	uint64_t coroutines[LB_SWEEP_MAX_VALUES]; /* 0: each method's own */
	unsigned int ncoroutines;
	uint64_t read_pct[LB_SWEEP_MAX_VALUES];
	unsigned int nread_pct;
	char pin[128];
	uint64_t duration_ns, warmup_ns, stall_ns, reps, spin;
	uint32_t sample_every; /* LB_SAMPLE_AUTO, LB_SAMPLE_OFF or N */
	unsigned int offload_mode;
	bool offload_sleep;
	uint64_t cs_lines[LB_SWEEP_MAX_VALUES];
	unsigned int ncs_lines;
	bool think_exp;
	uint64_t locks[LB_SWEEP_MAX_VALUES]; /* nlocks 0: the default */
	unsigned int nlocks;
	uint64_t objects, depth, ops;
	double pick_zipf;
	unsigned int retries; /* "retries", as --retries */
	struct lb_gate gate; /* "gate", as --gate ("off": --no-gate) */
	bool gate_given;
};

/*
 * lb_sweep_spec_parse - parse and validate the spec in @text (@len bytes,
 * need not be NUL-terminated; any content is safe).  @name names it in
 * messages (the file name).  Returns 0 with @out filled (release it with
 * lb_sweep_spec_free()), or -1 with one line in @err, "NAME:LINE:COL:
 * PATH: problem", and @out left empty (nothing to free).
 */
int lb_sweep_spec_parse(const char *text, size_t len, const char *name,
			struct lb_sweep_spec *out, char *err, size_t errlen);
void lb_sweep_spec_free(struct lb_sweep_spec *s);

/* Built-in presets: their names, and their specs (JSON text). */
extern const char *const lb_sweep_preset_names[];
extern const unsigned int lb_sweep_npresets;
/* The spec of preset @name, or NULL when there is none. */
const char *lb_sweep_preset(const char *name);

/*
 * lb_sweep_plan - expand @s into @p (empty on entry) for @topo: every
 * combination, grouped by everything but the method.  Returns 0, or -1
 * with @err when the matrix has more than LB_SWEEP_MAX_RUNS
 * configurations (@p is then empty).
 */
int lb_sweep_plan(const struct lb_sweep_spec *s, const struct lb_topo *topo,
		  struct lb_plan *p, char *err, size_t errlen);

#endif /* LB_HARNESS_SWEEP_H */
