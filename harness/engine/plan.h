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
 * Knobs common to every configuration (pin, duration, warm-up, repetitions,
 * spin, stall timeout, sampling) live in struct lb_plan; the ones a sweep
 * varies live in struct lb_plan_cfg.
 *
 * Not thread-safe: one plan, one engine, in the main thread.
 */
#ifndef LB_HARNESS_PLAN_H
#define LB_HARNESS_PLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "harness/engine/report.h"
#include "harness/machine/topo.h"
#include "harness/engine/validity.h"

/* One configuration: what a result file's run.config says. */
struct lb_plan_cfg {
	const struct lb_lock_ops *ops;
	const struct lb_workload *workload;
	unsigned int nthreads;
	unsigned int coroutines; /* effective: 0 = on the thread itself */
	uint64_t cs_ns, think_ns;
	unsigned int cs_lines; /* --cs-lines */
	bool think_exp; /* --think-dist exp */
	unsigned int read_pct;
	struct lb_wl_opts wl_opts; /* offload_mode, offload_sleep */
	/*
	 * Striping and bql: locks, objects (0: the single-lock loop), Zipf
	 * exponent of the pick (0: uniform), nested acquisitions (1: none).
	 */
	unsigned int nlocks, nobjects, depth;
	double pick_zipf;
	unsigned int group; /* index of its group */
	bool done; /* --resume: already complete in the file, skipped */
};

struct lb_plan {
	/* Common knobs. */
	const char *pin_arg; /* as typed */
	struct lb_pin_policy pin; /* owned */
	uint64_t duration_ns, warmup_ns, stall_ns, spin;
	uint64_t ops_target; /* --ops N (duration_ns is then a limit), or 0 */
	unsigned int reps;
	uint32_t sample_every; /* LB_SAMPLE_AUTO, LB_SAMPLE_OFF or N */
	/*
	 * The validity gate: its thresholds, and how many extra repetitions
	 * a configuration may run to replace invalid ones (--retries).  A
	 * zeroed gate is off.
	 */
	struct lb_gate gate;
	unsigned int retries;
	/* Configurations, in the order they run, grouped. */
	struct lb_plan_cfg *cfgs;
	unsigned int ncfgs, cap;
	unsigned int ngroups;
};

/*
 * Append one group: @tmpl with each of @methods (n of them).  @coroutines
 * is the --coroutines value (0 when not given: 1 for methods that need a
 * coroutine, else 0).  Methods whose loop the caller has not checked are a
 * bug (the workload must have one).
 */
void lb_plan_add_group(struct lb_plan *p, const struct lb_plan_cfg *tmpl,
		       const struct lb_lock_ops *const *methods,
		       unsigned int nmethods, unsigned int coroutines);
void lb_plan_free(struct lb_plan *p);
/*
 * Set @c's locks and objects from --locks @nlocks and --objects @objects
 * (0: the workload has none): bql guards @objects objects with @nlocks
 * locks; counter with N > 1 locks has one object per lock, and with
 * nesting (--depth) one object; otherwise the single-lock loop (0).
 */
void lb_plan_cfg_objects(struct lb_plan_cfg *c, unsigned int nlocks,
			 unsigned int objects);

/* bql's --objects when none is given. */
#define LB_BQL_OBJECTS 64u

/*
 * lb_plan_check_method - method @ops can run workload @wl nested @depth
 * deep and, when @striped, over several locks (bql always has objects):
 * nesting needs a recursive method, objects a method with a lock of its
 * own (not one that delegates whole sections).  Returns 0, or -1 with why
 * in @err, naming the method.  run and sweep both ask it.
 */
int lb_plan_check_method(const struct lb_workload *wl,
			 const struct lb_lock_ops *ops, unsigned int depth,
			 bool striped, char *err, size_t errlen);

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
