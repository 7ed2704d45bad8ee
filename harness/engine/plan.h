/* SPDX-License-Identifier: MIT */
/*
 * plan.h - the engine `run` and `sweep` share: a list of configurations in
 * groups, and the loop that measures them.
 *
 * A group is the configurations that differ only by method (same workload,
 * thread count and knobs).  Its repetitions are interleaved across methods
 * (A B C A B C ...) so that drift of a shared machine spreads over all of
 * them; the result file is checkpointed (atomic replace) after every
 * repetition, and the table rows of a group are printed when it ends.
 *
 * Every configuration carries all its knobs (struct lb_config); the ones
 * common to a plan (pin, duration, warm-up, repetitions, spin, stall
 * timeout, sampling, the gate) are equal in all of them.
 *
 * Not thread-safe: one plan, one engine, in the main thread.
 */
#ifndef LB_HARNESS_PLAN_H
#define LB_HARNESS_PLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "harness/config/matrix.h"
#include "harness/engine/report.h"
#include "harness/machine/topo.h"
#include "harness/engine/validity.h"

struct lb_plan {
	/* Configurations, in the order they run, grouped (owned). */
	struct lb_config *cfgs;
	unsigned int ncfgs;
	unsigned int ngroups;
	struct lb_pin_policy pin; /* their pin, parsed (owned) */
};

/*
 * lb_plan_init - a plan of the configurations of @m (taken: @m is left
 * empty).  Returns 0, or -1 with @err when their pin does not parse.
 */
int lb_plan_init(struct lb_plan *p, struct lb_matrix *m, char *err,
		 size_t errlen);
void lb_plan_free(struct lb_plan *p);

/* Configurations and repetitions still to run (not done). */
unsigned int lb_plan_todo(const struct lb_plan *p, unsigned int *reps);
/*
 * Estimated wall time of what is still to run, in ns: warm-up, duration
 * and the harness's overhead of every repetition, plus calibration.
 */
uint64_t lb_plan_estimate_ns(const struct lb_plan *p);
/* "1h02m", "3m05s", "42s" */
const char *lb_format_eta(uint64_t ns, char *buf, size_t len);

/*
 * Every placement plan is valid on @topo (before anything runs).  Returns
 * 0, or -1 with the pinning error in @err.
 */
int lb_plan_check_pins(const struct lb_plan *p, const struct lb_topo *topo,
		       char *err, size_t errlen);
/*
 * The output file can be created: lb_check_output_path(), and a file can
 * really be created in its directory (root passes access() everywhere).
 */
int lb_plan_check_output(const char *path, char *err, size_t errlen);

/* Print the plan, one configuration a line, and the estimated duration. */
void lb_plan_print(const struct lb_plan *p, FILE *f);

struct lb_engine {
	struct lb_plan *plan;
	struct lb_topo *topo;
	const char *output;
	int argc; /* the command line, exactly, for the result file */
	char **argv;
	bool quiet; /* no table, no progress */
	bool sweep; /* knob headings above blocks; a line per run if !tty */
	json_t *sweep_json; /* top-level "sweep" of the result, or NULL */
	json_t *kept_runs; /* runs kept from a resumed file, or NULL */
};

/*
 * Mark the configurations of @e->plan already complete in @runs (a result
 * file's "runs" array) done, and keep those runs (e->kept_runs) so that
 * the new file holds them first.  A run is complete when its status is
 * "ok" or "failed" and it has every valid repetition its config asked for
 * ("reps"), or has used up its retries ("reps" + "retries" repetitions,
 * some invalid: what an uninterrupted run would have ended with);
 * incomplete runs are dropped (they run again).  The gate's settings
 * ("retries", "gate") do not identify a configuration: a run kept is
 * judged by its own.  Returns the number of
 * configurations skipped.
 */
unsigned int lb_engine_resume(struct lb_engine *e, json_t *runs);

/*
 * Calibrate, run every configuration not done, write the result file and
 * print the table.  Each repetition that ran and passed its checks is
 * judged by the validity gate; an invalid one is kept (marked, with its
 * reasons), left out of the summary, and replaced: after a group's planned
 * rounds (A B C A B C ...), retry rounds run one more repetition of each
 * configuration still short of valid ones, interleaved the same way, until
 * each has its count or has used its retries.  Exits on a signal (128 + signal, after a checkpoint).
 * A configuration that cannot be measured (setup failure, stall, crash) is
 * recorded as an error and skipped; the others run.  Returns LB_EXIT_OK,
 * LB_EXIT_CHECK when a check failed or LB_EXIT_RUN when a configuration
 * could not run (which wins over LB_EXIT_CHECK).
 */
int lb_engine_run(struct lb_engine *e);

#endif /* LB_HARNESS_PLAN_H */
