/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/gitversion.h"
#include "harness/util/options.h"
#include "runtime/hist.h"
#include "harness/engine/report.h"
#include "locks/plugin.h"
#include "harness/util/signals.h"
#include "harness/engine/slowdown.h"
#include "harness/analysis/stats.h"
#include "harness/engine/validity.h"

/* jansson refuses NaN and Inf: undefined figures become null. */
static json_t *real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *summary_json(const struct lb_summary *s)
{
	return json_pack("{s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "n",
			 (int)s->n, "median", real_or_null(s->median), "min",
			 real_or_null(s->min), "max", real_or_null(s->max),
			 "mean", real_or_null(s->mean), "stddev",
			 real_or_null(s->stddev), "cv", real_or_null(s->cv),
			 "ci95_lo", real_or_null(s->ci95_lo), "ci95_hi",
			 real_or_null(s->ci95_hi));
}

const char *lb_record_status(const struct lb_run_record *rec)
{
	unsigned int i;

	if (rec->setup_failed)
		return "error";
	for (i = 0; i < rec->nreps; i++)
		if (!rec->reps[i].ok)
			return "failed";
	return "ok";
}

/* The per-repetition metrics that get a summary, by name. */
static double metric(const struct lb_rep_result *r, const char *name)
{
	double ops = (double)r->ops;

	if (!strcmp(name, "ops_per_sec"))
		return r->ops_per_sec;
	if (!strcmp(name, "ns_per_op"))
		return r->ops_per_sec > 0 ? 1e9 / r->ops_per_sec : NAN;
	if (!strcmp(name, "jain"))
		return r->jain;
	if (!strcmp(name, "min_share"))
		return r->min_share;
	if (!strcmp(name, "max_share"))
		return r->max_share;
	if (!strcmp(name, "cpu_us_per_op"))
		return ops > 0 ? (r->cpu_user_s + r->cpu_sys_s) * 1e6 / ops :
				 NAN;
	if (!strcmp(name, "csw_per_op"))
		return ops > 0 ? (double)(r->vcsw + r->ivcsw) / ops : NAN;
	if (!strcmp(name, "futex_waits_per_op"))
		return ops > 0 ? (double)r->futex_waits / ops : NAN;
	if (!strcmp(name, "spins_per_op"))
		return ops > 0 ? (double)r->spins / ops : NAN;
	if (!strcmp(name, "spin_iters_per_op"))
		return ops > 0 ? (double)r->spin_iters / ops : NAN;
	if (!strcmp(name, "other_cpu_s"))
		return r->machine.other_cpu_s;
	if (!strncmp(name, "handoff_p", 9)) {
		if (!r->handoff || !r->handoff->count)
			return NAN;
		return (double)lb_hist_percentile(
			r->handoff, !strcmp(name, "handoff_p50_ns") ? 50 : 99);
	}
	if (!strncmp(name, "latency_p", 9)) {
		if (!r->latency || !r->latency->count)
			return NAN;
		return (double)lb_hist_percentile(
			r->latency, !strcmp(name, "latency_p50_ns") ? 50 :
				    !strcmp(name, "latency_p99_ns") ? 99 :
								      99.9);
	}
	lb_die("unknown metric %s", name);
}

static const char *const metrics[] = {
	"ops_per_sec",	  "ns_per_op",		"jain",
	"min_share",	  "max_share",		"cpu_us_per_op",
	"csw_per_op",	  "futex_waits_per_op", "other_cpu_s",
	"latency_p50_ns", "latency_p99_ns",	"latency_p999_ns",
	"spins_per_op",	  "spin_iters_per_op",	"handoff_p50_ns",
	"handoff_p99_ns",
};

static void record_summary(const struct lb_run_record *rec, const char *name,
			   struct lb_summary *s)
{
	double *x = lb_xzalloc((rec->nreps + 1) * sizeof(*x));
	unsigned int i, n = 0;

	/*
	 * Undefined values (Jain's index of no work) are left out, and so are
	 * invalid repetitions (validity.h) unless no repetition is valid.
	 */
	for (i = 0; i < rec->nreps; i++) {
		if (!lb_record_rep_counts(rec, i))
			continue;
		x[n] = metric(&rec->reps[i], name);
		n += isfinite(x[n]) != 0;
	}
	lb_summarize(x, n, s);
	free(x);
}

/* Figures only some workloads have (acquire, offload): added when present. */
static json_t *rep_extra_json(json_t *j, const struct lb_rep_result *r)
{
	const struct lb_wl_figures *f = &r->fig;

	if (j && f->lat_n)
		json_object_set_new(j, "latency_ns",
				    json_pack("{s:I, s:I, s:I, s:I, s:I}", "n",
					      (json_int_t)f->lat_n, "p50",
					      (json_int_t)f->lat_p50, "p90",
					      (json_int_t)f->lat_p90, "p99",
					      (json_int_t)f->lat_p99, "max",
					      (json_int_t)f->lat_max));
	if (j && f->has_loop)
		json_object_set_new(
			j, "loop_progress",
			json_pack("{s:I, s:o, s:I}", "iterations",
				  (json_int_t)f->loop_iters, "per_sec",
				  real_or_null(f->loop_per_sec), "kicks",
				  (json_int_t)f->loop_kicks));
	return j;
}

/* Acquisition latency: the histogram, its percentiles, how it was sampled. */
static json_t *rep_latency(json_t *rep, const struct lb_rep_result *r)
{
	json_t *lat;

	if (!rep || !r->latency)
		return rep;
	lat = lb_hist_json(r->latency);
	json_object_set_new(lat, "sample_every",
			    json_integer((json_int_t)r->sample_every));
	json_object_set_new(rep, "latency", lat);
	if (r->handoff)
		json_object_set_new(rep, "handoff", lb_hist_json(r->handoff));
	return rep;
}

/*
 * Throughput over time: when each window ended (ns from the start of the
 * measured window) and each worker's operations in it.
 */
static json_t *rep_timeline(json_t *rep, const struct lb_rep_result *r)
{
	json_t *ends, *ops;
	unsigned int i, k;

	if (!rep || !r->timeline || !r->nwindows)
		return rep;
	ends = json_array();
	for (k = 0; k < r->nwindows; k++)
		json_array_append_new(
			ends, json_integer((json_int_t)r->window_end_ns[k]));
	ops = json_array();
	for (i = 0; i < r->nthreads; i++) {
		json_t *row = json_array();

		for (k = 0; k < r->nwindows; k++)
			json_array_append_new(
				row,
				json_integer(
					(json_int_t)r->timeline
						[(size_t)i * r->nwindows + k]));
		json_array_append_new(ops, row);
	}
	json_object_set_new(rep, "timeline",
			    json_pack("{s:o, s:o}", "end_ns", ends, "ops",
				      ops));
	return rep;
}

static json_t *rep_json(const struct lb_rep_result *r)
{
	json_t *ops = json_array();
	unsigned int i;

	for (i = 0; i < r->nthreads; i++)
		json_array_append_new(
			ops, json_integer((json_int_t)r->thread_ops[i]));
	return rep_timeline(
		rep_latency(
			rep_extra_json(
				json_pack(
					"{s:b, s:s*, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, "
					"s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
					"s:{s:o, s:i, s:o, s:o, s:o}}",
					"ok", r->ok, "failure",
					r->failure[0] ? r->failure : NULL,
					"elapsed_ns", (json_int_t)r->elapsed_ns,
					"ops", (json_int_t)r->ops, "thread_ops",
					ops, "ops_per_sec",
					real_or_null(r->ops_per_sec), "jain",
					real_or_null(r->jain), "min_share",
					real_or_null(r->min_share), "max_share",
					real_or_null(r->max_share), "cpu_user_s",
					real_or_null(r->cpu_user_s),
					"cpu_sys_s", real_or_null(r->cpu_sys_s),
					"vcsw", (json_int_t)r->vcsw, "ivcsw",
					(json_int_t)r->ivcsw, "futex_waits",
					(json_int_t)r->futex_waits,
					"futex_wakes",
					(json_int_t)r->futex_wakes, "spins",
					(json_int_t)r->spins, "spin_iters",
					(json_int_t)r->spin_iters,
					"spin_then_slept",
					(json_int_t)r->spin_then_slept,
					"counter", (json_int_t)r->counter,
					"atomic_counter",
					(json_int_t)r->acounter, "machine",
					"load1_before",
					real_or_null(r->machine.load1_before),
					"running_before",
					(int)r->machine.running_before,
					"other_cpu_s",
					real_or_null(r->machine.other_cpu_s),
					"steal_s",
					real_or_null(r->machine.steal_s),
					"machine_busy",
					real_or_null(r->machine.machine_busy)),
				r),
			r),
		r);
}

static json_t *placement_json(const struct lb_run_record *rec)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; i < rec->cfg.nthreads; i++) {
		const struct lb_placement *p = &rec->placement[i];

		json_array_append_new(a, json_pack("{s:i, s:i, s:i, s:i, s:i}",
						   "pu", p->os_index, "core",
						   p->core, "package",
						   p->package, "numa", p->numa,
						   "sharing", (int)p->sharing));
	}
	return a;
}

/*
 * A run's config: its knobs (the table's, harness/config/knobs.h), and
 * what the machine made of them (placement, calibrated iterations).
 */
static json_t *config_json(const struct lb_run_record *rec)
{
	json_t *c = json_object();
	double slowdown = lb_test_slowdown_pct(rec->cfg.ops->name);

	if (!c)
		return NULL;
	lb_config_json(&rec->cfg, c);
	json_object_set_new(c, "placement", placement_json(rec));
	json_object_set_new(c, "oversubscribed",
			    json_boolean(rec->oversubscribed));
	json_object_set_new(c, "cs_cycles",
			    json_integer((json_int_t)rec->cs_iters));
	json_object_set_new(c, "think_cycles",
			    json_integer((json_int_t)rec->think_iters));
	/* Test-only knob: mark the run so it is never taken for a real one. */
	if (slowdown > 0)
		json_object_set_new(c, "test_slowdown_pct",
				    json_real(slowdown));
	return c;
}

/*
 * A plugin's run says which file it measured (results/README.md,
 * "lock_lib"): beside config, so that two builds of one lock (old.so,
 * new.so) still match by configuration.
 */
static void lock_lib_json(const struct lb_lock_ops *ops, json_t *run)
{
	const struct lb_plugin_info *p = lb_plugin_info(ops);
	const struct lockbench_lock *d = p ? p->desc : NULL;
	char flags[128];

	if (!p || !run)
		return;
	lb_lock_flags_str(ops->flags & ~LB_PLUGIN, flags, sizeof(flags));
	json_object_set_new(
		run, "lock_lib",
		json_pack("{s:s, s:I, s:s, s:i, s:s, s:s, s:I, s:I, s:I}",
			  "path", p->path, "file_size",
			  (json_int_t)p->file_size, "sha256", p->sha256, "abi",
			  (int)d->abi, "summary", ops->summary, "flags", flags,
			  "lock_size", (json_int_t)d->lock_size, "lock_align",
			  (json_int_t)d->lock_align, "node_size",
			  (json_int_t)d->node_size));
}

static json_t *run_json(const struct lb_run_record *rec)
{
	const char *status = lb_record_status(rec);
	json_t *reps = json_array(), *summary = json_null(), *run;
	const char *error = NULL;
	unsigned int i;

	/* Could not be measured: the last repetition says why. */
	if (rec->setup_failed)
		error = rec->reps[rec->nreps - 1].failure;
	for (i = 0; i < rec->nreps; i++) {
		json_t *rj = rep_json(&rec->reps[i]);

		lb_record_rep_json(rec, i, rj);
		json_array_append_new(reps, rj);
	}
	/* A failed run is reported as failed, never as a number. */
	if (!strcmp(status, "ok") && rec->nreps) {
		summary = json_object();
		for (i = 0; i < LB_ARRAY_SIZE(metrics); i++) {
			struct lb_summary s;

			record_summary(rec, metrics[i], &s);
			json_object_set_new(summary, metrics[i],
					    summary_json(&s));
		}
	}
	run = json_pack("{s:s, s:s*, s:o, s:o, s:o}", "status", status, "error",
			error, "config", config_json(rec), "reps", reps,
			"summary", summary);
	lb_record_run_json(rec, run);
	lock_lib_json(rec->cfg.ops, run);
	return run;
}

static json_t *argv_json(int argc, char **argv)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < argc; i++)
		json_array_append_new(a, json_string(argv[i]));
	return a;
}

json_t *lb_report_json(const struct lb_report *r)
{
	json_t *runs = json_array();
	unsigned int i;

	for (i = 0; i < r->nruns; i++)
		json_array_append_new(runs, run_json(&r->runs[i]));
	return json_pack("{s:s, s:i, s:{s:s, s:s, s:s}, s:s, s:o, s:O, s:O, "
			 "s:{s:f}, s:o}",
			 "schema", LB_SCHEMA_NAME, "schema_version",
			 LB_SCHEMA_VERSION, "tool", "name", PACKAGE_NAME,
			 "version", PACKAGE_VERSION, "git_commit",
			 LB_GIT_COMMIT, "created", r->created, "command_line",
			 argv_json(r->argc, r->argv), "host", r->host,
			 "topology", r->topology, "calibration", "ns_per_cycle",
			 r->ns_per_iter, "runs", runs);
}

void lb_table_header(FILE *f)
{
	fprintf(f, "%-17s %4s %9s %7s %6s %10s %6s %11s %9s %8s  %s\n",
		"method", "thr", "ops/s", "±95%", "cv%", "ns/op", "jain",
		"min/max", "cpu-us/op", "csw/op", "state");
}

/* 4 significant digits with a k/M/G suffix: "125.4M", "57.12k", "270.0". */
static const char *si(double v, char *buf, size_t len)
{
	static const char suffix[] = " kMG";
	unsigned int i = 0;

	while (v >= 1000 && i < 3) {
		v /= 1000;
		i++;
	}
	snprintf(buf, len, "%.*f%c",
		 v >= 100 ? 1 :
		 v >= 10  ? 2 :
			    3,
		 v, suffix[i]);
	return buf;
}

/* Repetitions in which no operation completed at all. */
static unsigned int stalled_reps(const struct lb_run_record *rec)
{
	unsigned int i, n = 0;

	for (i = 0; i < rec->nreps; i++)
		n += rec->reps[i].ops == 0;
	return n;
}

void lb_table_row(FILE *f, const struct lb_run_record *rec)
{
	const char *status = lb_record_status(rec);
	struct lb_summary thr, nsop, jain, mins, maxs, cpu, csw, other;
	char state[128], rate[32], valid[48];

	if (strcmp(status, "ok")) {
		unsigned int i;
		const char *why = rec->reps[0].failure;

		for (i = 0; i < rec->nreps; i++)
			if (!rec->reps[i].ok)
				why = rec->reps[i].failure;
		fprintf(f, "%-17s %4u %9s  %s\n", rec->cfg.ops->name,
			rec->cfg.nthreads, "FAILED", why);
		return;
	}
	record_summary(rec, "ops_per_sec", &thr);
	record_summary(rec, "ns_per_op", &nsop);
	record_summary(rec, "jain", &jain);
	record_summary(rec, "min_share", &mins);
	record_summary(rec, "max_share", &maxs);
	record_summary(rec, "cpu_us_per_op", &cpu);
	record_summary(rec, "csw_per_op", &csw);
	record_summary(rec, "other_cpu_s", &other);
	snprintf(state, sizeof(state), "%s%s%sother-cpu %.2fs",
		 lb_record_valid_state(rec, valid, sizeof(valid)),
		 rec->oversubscribed ? "OVERSUBSCRIBED " : "",
		 stalled_reps(rec) ? "NO-PROGRESS-IN-A-REP " : "",
		 other.median);
	fprintf(f,
		"%-17s %4u %9s %6.1f%% %6.1f %10.1f %6.3f %5.2f/%-5.2f %9.3f "
		"%8.3f  %s\n",
		rec->cfg.ops->name, rec->cfg.nthreads,
		si(thr.median, rate, sizeof(rate)),
		isfinite(thr.ci95_hi) ?
			(thr.ci95_hi - thr.mean) / thr.mean * 100 :
			0.0,
		isfinite(thr.cv) ? thr.cv * 100 : 0.0, nsop.median, jain.median,
		mins.median, maxs.median, cpu.median, csw.median, state);
}

/* Median over the repetitions of one extra figure. */
static double extra_median(const struct lb_run_record *rec,
			   double (*get)(const struct lb_rep_result *r))
{
	double *x = lb_xzalloc((rec->nreps + 1) * sizeof(*x));
	struct lb_summary sm;
	unsigned int i, n = 0;

	for (i = 0; i < rec->nreps; i++)
		if (lb_record_rep_counts(rec, i))
			x[n++] = get(&rec->reps[i]);
	lb_summarize(x, n, &sm);
	free(x);
	return sm.median;
}

static double fig_p50(const struct lb_rep_result *r)
{
	return (double)r->fig.lat_p50;
}

static double fig_p99(const struct lb_rep_result *r)
{
	return (double)r->fig.lat_p99;
}

static double fig_max(const struct lb_rep_result *r)
{
	return (double)r->fig.lat_max;
}

static double fig_loop(const struct lb_rep_result *r)
{
	return r->fig.loop_per_sec;
}

void lb_table_extra(FILE *f, const struct lb_run_record *rec)
{
	char p50[32], p99[32], max[32], loop[32];

	if (strcmp(lb_record_status(rec), "ok") || !rec->nreps)
		return;
	if (rec->reps[0].fig.lat_n)
		fprintf(f, "%-17s %4s latency p50 %s, p99 %s, max %s", "", "",
			lb_format_duration((uint64_t)extra_median(rec, fig_p50),
					   p50, sizeof(p50)),
			lb_format_duration((uint64_t)extra_median(rec, fig_p99),
					   p99, sizeof(p99)),
			lb_format_duration((uint64_t)extra_median(rec, fig_max),
					   max, sizeof(max)));
	if (rec->reps[0].fig.has_loop)
		fprintf(f, "; event loop %s iterations/s",
			si(extra_median(rec, fig_loop), loop, sizeof(loop)));
	if (rec->reps[0].fig.lat_n || rec->reps[0].fig.has_loop)
		fputc('\n', f);
}
