/* SPDX-License-Identifier: MIT */
/*
 * sweep.h - sweep specifications: a JSON object naming the values of each
 * knob; the sweep runs every combination.  Built-in presets are specs too
 * (data/presets/NAME.json, installed under $(pkgdatadir)/presets).
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
 * The keys are the knob table's (harness/config/knobs.h): a string is
 * parsed exactly as the matching `run` option, with the same ranges and
 * defaults, so a spec says exactly what the command line says.  Which
 * workloads honour which knob, and how the matrix nests, is the table's
 * and harness/config/matrix.h's.
 *
 * Errors name the spec, the line and column, and the key path
 * ("spec.json:4:15: threads[2]: ...").
 */
#ifndef LB_HARNESS_SWEEP_H
#define LB_HARNESS_SWEEP_H

#include <jansson.h>
#include <stddef.h>

#include "harness/config/knobs.h"

#define LB_SWEEP_MAX_VALUES 64u /* items of one list */
#define LB_SWEEP_SPEC_MAX (1u << 20) /* bytes of a spec file */

struct lb_sweep_spec {
	json_t *json; /* the spec object as parsed (owned) */
	struct lb_knob_set set; /* its knobs, checked as a whole */
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

/* Built-in presets: their names. */
extern const char *const lb_sweep_preset_names[];
extern const unsigned int lb_sweep_npresets;
/*
 * The spec of preset @name (malloc'd, *len bytes), read from its file;
 * NULL when @name is no preset (@err empty) or its file cannot be read
 * (@err says why).
 */
char *lb_sweep_preset(const char *name, size_t *len, char *err, size_t errlen);
/*
 * Read spec file @path (at most LB_SWEEP_SPEC_MAX bytes) into a malloc'd
 * buffer (*len bytes).  NULL with @err when it cannot.
 */
char *lb_sweep_read(const char *path, size_t *len, char *err, size_t errlen);

#endif /* LB_HARNESS_SWEEP_H */
