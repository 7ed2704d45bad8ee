/* SPDX-License-Identifier: MIT */
/*
 * report.h - the result file (JSON, see results/README.md) and the table on
 * stdout.  The in-memory records below are the single source of both.
 */
#ifndef LB_HARNESS_REPORT_H
#define LB_HARNESS_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "harness/engine/runner.h"
#include "harness/results/resultfile.h"
#include "harness/util/fileio.h"

/* One configuration: a method at a thread count with every knob. */
struct lb_run_record {
	const struct lb_lock_ops *ops;
	const struct lb_workload *workload;
	unsigned int nthreads;
	struct lb_placement *placement; /* nthreads entries */
	bool oversubscribed;
	uint64_t cs_ns, think_ns, duration_ns, warmup_ns;
	uint64_t cs_iters, think_iters;
	unsigned int read_pct; /* --read-pct, for workloads that use it */
	unsigned int cs_lines; /* --cs-lines */
	bool think_exp; /* --think-dist exp */
	unsigned int nlocks, nobjects, depth; /* see struct lb_plan_cfg */
	double pick_zipf;
	uint64_t ops_target; /* --ops, or 0 */
	struct lb_wl_opts wl_opts; /* offload's options (cs_ns filled) */
	unsigned int coroutines;
	unsigned int reps_wanted;
	struct lb_rep_result
		*reps; /* reps_wanted + retries slots, nreps filled */
	unsigned int nreps;
	/*
	 * The validity gate (harness/validity.h): its thresholds, the extra
	 * repetitions allowed to replace invalid ones, and one verdict per
	 * repetition (NULL: none judged, every repetition valid).
	 */
	const struct lb_gate *gate;
	unsigned int retries;
	struct lb_verdict *verdicts;
	/*
	 * Could not be measured (setup failed, workers stalled, the worker
	 * process crashed): no more repetitions; the last one says why.
	 */
	bool setup_failed;
};

struct lb_report {
	json_t *host; /* lb_host_json() */
	json_t *topology; /* lb_topo_json() */
	int argc;
	char **argv;
	char created[40]; /* ISO 8601 UTC */
	double ns_per_iter;
	const char *pin;
	struct lb_run_record *runs;
	unsigned int nruns;
};

/* A record's status: "ok", "failed" (a check failed) or "error". */
const char *lb_record_status(const struct lb_run_record *rec);
json_t *lb_report_json(const struct lb_report *r);
/*
 * Write @j to @path atomically: a temporary file in the same directory,
 * fsync, rename, fsync of the directory.  On failure the previous file (if
 * any) is untouched, the temporary is removed, and @err says why.
 */
/* Fail early (before a long run) if @path cannot be written. */

void lb_table_header(FILE *f);
void lb_table_row(FILE *f, const struct lb_run_record *rec);
/* A second line with the workload's extra figures, if it has any. */
void lb_table_extra(FILE *f, const struct lb_run_record *rec);

#endif /* LB_HARNESS_REPORT_H */
