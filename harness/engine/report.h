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

#include "harness/config/knobs.h"
#include "harness/engine/runner.h"
#include "harness/results/resultfile.h"
#include "harness/util/fileio.h"

/*
 * One configuration being measured: its knobs (cfg, the one struct the
 * command line or the sweep spec filled), where its threads run, and its
 * repetitions.
 */
struct lb_run_record {
	struct lb_config cfg;
	struct lb_placement *placement; /* cfg.nthreads entries */
	bool oversubscribed;
	uint64_t cs_iters, think_iters; /* cs_ns, think_ns calibrated */
	struct lb_rep_result *reps; /* cfg.reps + cfg.retries slots */
	unsigned int nreps; /* filled */
	/*
	 * The validity gate's verdict on each repetition (cfg.gate judges;
	 * NULL: none judged, every repetition valid).
	 */
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
