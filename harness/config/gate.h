/* SPDX-License-Identifier: MIT */
/*
 * gate.h - the settings of the validity gate (harness/engine/validity.h
 * judges with them): its thresholds and how many repetitions may replace
 * invalid ones.  Part of a configuration (harness/config/knobs.h), so it
 * lives with the knobs, below the engine.
 */
#ifndef LB_HARNESS_GATE_H
#define LB_HARNESS_GATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Extra repetitions per run to replace invalid ones (--retries). */
#define LB_RETRIES_DEFAULT 2u
#define LB_RETRIES_MAX 100u

/* Default thresholds (harness/engine/validity.h says what each means). */
#define LB_GATE_WALL 0.10
#define LB_GATE_CPU_HIGH 0.10
#define LB_GATE_CPU_LOW 0.80
#define LB_GATE_OTHER_CPU 0.25
#define LB_GATE_IVCSW 100.0
#define LB_GATE_MIGRATIONS 0.0
/* The thresholds; INFINITY (cpu_low: 0) turns one criterion off. */
struct lb_gate {
	bool on; /* false: --no-gate */
	double wall, cpu_high, cpu_low, other_cpu, ivcsw, migrations;
};

/* The default thresholds, gate on. */
void lb_gate_defaults(struct lb_gate *g);
/*
 * LOCKBENCH_GATE=off in the environment turns the default gate off (what
 * --no-gate does): for tests that count repetitions on a shared machine.
 */
void lb_gate_env(struct lb_gate *g);
/*
 * Parse a --gate value, "KEY=VAL[,KEY=VAL...]", into @g (keys not named
 * keep their value).  VAL is a non-negative number, a percentage for the
 * fractions (wall, cpu_high, cpu_low: "10%") or "off".  Returns 0, or -1
 * with one line in @err naming the bad item.
 */
int lb_gate_parse(const char *arg, struct lb_gate *g, char *err, size_t errlen);
/* Parse a --retries value (0 to LB_RETRIES_MAX); -1 with @err. */
int lb_retries_parse(const char *opt, const char *arg, unsigned int *out,
		     char *err, size_t errlen);

/* The thresholds as recorded in a run's config ("gate"): null when off. */
json_t *lb_gate_json(const struct lb_gate *g);

#endif /* LB_HARNESS_GATE_H */
