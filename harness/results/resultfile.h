/* SPDX-License-Identifier: MIT */
/*
 * resultfile.h - read a result file (results/README.md) for plot, compare
 * and ab.
 *
 * lb_rf_load() validates every field this module exposes before exposing
 * it: a file that is not JSON, not a lockbench result, of a schema version
 * this build does not know, or with a field missing or of the wrong type is
 * refused with one line naming the file, the place in it and the problem.
 * Nothing read from a file is trusted afterwards either: figures that may
 * legitimately be undefined (null in the file) are NaN here, and every
 * consumer handles NaN.  No caller can make it crash (a later issue fuzzes
 * it).
 *
 * Not thread-safe; a loaded file is immutable until lb_rf_free().
 */
#ifndef LB_HARNESS_RESULTFILE_H
#define LB_HARNESS_RESULTFILE_H

/* The result file's schema (results/README.md, results/schema.json). */
#define LB_SCHEMA_NAME "lockbench-result"
#define LB_SCHEMA_VERSION 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The latency percentiles a repetition may carry (a later schema addition). */
enum lb_rf_pct {
	LB_RF_P50,
	LB_RF_P90,
	LB_RF_P99,
	LB_RF_P999,
	LB_RF_NPCT,
};

extern const char *const lb_rf_pct_names[LB_RF_NPCT]; /* "p50" ... */

struct lb_rf_rep {
	bool ok;
	/*
	 * Passed the validity gate ("valid", absent in older files: true);
	 * invalid ones say why in @invalid, "; "-separated (NULL if valid).
	 */
	bool valid;
	char *invalid;
	/*
	 * !ok because a check failed (the counters differ, or operations
	 * completed and still failed) - not merely a window in which a
	 * starved machine completed no operation.
	 */
	bool broken;
	double elapsed_s;
	double ops_per_sec; /* NaN if null */
	double jain; /* NaN if null */
	double cpu_us_per_op; /* (user + sys) / ops; NaN if unknown */
	double other_cpu_s; /* other processes' CPU in the window; NaN */
	double latency_ns[LB_RF_NPCT]; /* NaN when the file has none */
	/*
	 * The workload's own figures (acquire, offload), NaN when the
	 * repetition has none: `latency_ns` (acquire: lock call to holding
	 * the lock; offload: the hand-off round trip) and `loop_progress`
	 * (acquire: the event loop's iterations and contention kicks).
	 */
	double wl_p50_ns, wl_p99_ns, wl_max_ns;
	double loop_per_sec, loop_kicks_per_sec;
	uint64_t *thread_ops; /* nthreads entries */
	unsigned int nthreads;
	/*
	 * The throughput timeline, when the file has one (nwindows > 0):
	 * window k ended win_end_ns[k] after the window opened; worker w
	 * completed win_ops[w * nwindows + k] operations in it.
	 */
	unsigned int nwindows;
	uint64_t *win_end_ns;
	uint64_t *win_ops;
};

struct lb_rf_run {
	const char *status; /* "ok", "failed", "error" */
	const char *method, *workload, *pin;
	unsigned int threads;
	bool oversubscribed;
	uint64_t cs_ns, think_ns;
	/* "submit_co"..., "busy"/"sleep": workload offload only, else "" */
	const char *offload_mode, *offload_work;
	/*
	 * Every configuration parameter except those derived from others or
	 * from the machine (placement, oversubscribed, cs_cycles,
	 * think_cycles), the number of repetitions and the test-only slowdown:
	 * "coroutines=1 cs_ns=0 ... workload=\"counter\"".  Two runs with the
	 * same key measured the same thing.
	 */
	char *key;
	char *label; /* short and human: "pthread, 2 threads, cs 100ns" */
	double test_slowdown_pct; /* 0 unless LOCKBENCH_TEST_SLOWDOWN */
	/*
	 * The repetitions that count, in the order run: the valid ones, or
	 * every one when none is valid (then @valid is false).  The invalid
	 * ones left out follow them: reps[nreps] to reps[nreps + nexcluded -
	 * 1].  Every consumer (plot, compare, ab) reads reps[0..nreps) only,
	 * as the summary in the file does.
	 */
	struct lb_rf_rep *reps;
	unsigned int nreps;
	unsigned int nexcluded;
	bool valid;
};

struct lb_rf {
	char *path;
	int schema_version;
	const char *version, *commit, *created;
	const char *hostname, *cpu_model, *kernel;
	unsigned int online_cpus, pus;
	struct lb_rf_run *runs;
	unsigned int nruns;
	bool has_latency; /* some repetition carries percentiles */
	bool has_wl_latency; /* some repetition carries latency_ns */
	bool has_loop; /* some repetition carries loop_progress */
	bool test_slowdown; /* some run had an injected slowdown */
	unsigned int excluded_reps; /* invalid repetitions left out, all runs */
	unsigned int invalid_runs; /* runs without a valid repetition */
	void *json; /* owns the strings above */
};

/*
 * Load and validate @path.  Returns 0 and *out, or -1 with @err set to one
 * line "FILE: where: problem".
 */
int lb_rf_load(const char *path, struct lb_rf **out, char *err, size_t errlen);
/*
 * The same from memory: @len bytes at @text (need not be NUL-terminated;
 * any content is safe: fuzzed by fuzz/fuzz_resultfile.c), @name in
 * messages and in rf->path.
 */
int lb_rf_load_buffer(const char *text, size_t len, const char *name,
		      struct lb_rf **out, char *err, size_t errlen);
void lb_rf_free(struct lb_rf *rf);

/* "host commit" (commit shortened to 12 characters): labels files. */
const char *lb_rf_label(const struct lb_rf *rf, char *buf, size_t len);

/*
 * Metrics by name, from one repetition; NaN when undefined.  Besides the
 * summary metrics: "latency_ns.p50", "latency_ns.p99", "latency_ns.max",
 * "loop_progress.per_sec", "loop_progress.kicks_per_sec".
 */
double lb_rf_metric(const struct lb_rf_rep *rep, const char *name);

#endif /* LB_HARNESS_RESULTFILE_H */
