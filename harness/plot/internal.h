/* SPDX-License-Identifier: MIT */
/*
 * internal.h - what the files of harness/plot/ share and nothing outside
 * uses: the catalogue's row type, the walk over runs, the figures of a run,
 * series titles, the fills, the axes.
 */
#ifndef LB_HARNESS_PLOT_INTERNAL_H
#define LB_HARNESS_PLOT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/analysis/stats.h"
#include "harness/plot/plot.h"

/* ---------------------------------------------- the catalogue (charts.c) */

/* What a workload chart draws, from each usable run of its workload. */
enum lb_wl_fig {
	LB_WL_NONE,
	LB_WL_LATENCY, /* latency_ns p50 and p99: two series per line */
	LB_WL_LOOP, /* loop_progress.per_sec */
	LB_WL_THROUGHPUT, /* ops_per_sec */
};

/* How a chart's x axis is set up after its series are made. */
enum lb_xaxis {
	LB_X_FIXED, /* as the row says */
	LB_X_THREADS, /* every run's thread counts: ticks, log, shading */
	LB_X_WORKLOAD, /* the workload's runs: threads, or --cs alone */
};

/* How a chart is titled. */
enum lb_title {
	LB_TITLE_FILES, /* "WHAT - host commit, cpu" or "- N result files" */
	LB_TITLE_THREADS_CS, /* "WHAT, 4 threads, cs 100ns - host commit" */
	LB_TITLE_METHOD, /* "WHAT, ticket, 4 threads - host commit" */
};

/*
 * One row of the catalogue: one chart.  @fill makes the series; the run it
 * returns (NULL for most) is the one a LB_TITLE_THREADS_CS or
 * LB_TITLE_METHOD title names, and when such a chart has none, @why_not
 * says why.  @applies (NULL: always) is checked first; when it fails the
 * chart stays empty with @why_not.
 */
struct lb_chart_def {
	const char *name, *template, *what, *caption;
	const char *xlabel, *ylabel;
	bool (*applies)(const struct lb_plot_input *in,
			const struct lb_chart_def *d);
	const struct lb_rf_run *(*fill)(
		const struct lb_plot_input *in, struct lb_chart *c,
		const struct lb_chart_def *d); /* lb_fill_* */
	const char *why_not;
	enum lb_title title;
	enum lb_xaxis xaxis;
	bool logy; /* log y when the lines are more than 20x apart */
	/* the columns: a metric of the repetitions, scaled for the y axis */
	struct {
		const char *metric;
		double scale;
		bool ci; /* bars: the 95% interval of the mean, else min..max */
	} y;
	const char *workload; /* NULL: every workload */
	enum lb_wl_fig fig;
	bool per_worker; /* the timeline: a line per worker */
	/* reference lines: these hand-off floors (LB_FLOOR_*) */
	int floors[3];
	unsigned int nfloors;
	bool round_trip; /* their round trip, else one way */
};

extern const struct lb_chart_def lb_chart_defs[];
extern const unsigned int lb_nchart_defs;

/* ----------------------------------------------- runs and figures (input.c) */

/* A walk over the runs: lb_plot_next_run() until NULL. */
struct lb_plot_runs {
	const struct lb_plot_input *in;
	const char *workload; /* NULL: every workload */
	bool all; /* unusable runs too */
	unsigned int f, i; /* the file of the run returned is in->rf[f] */
};
const struct lb_rf_run *lb_plot_next_run(struct lb_plot_runs *it);

/* Status ok and at least one repetition. */
bool lb_plot_usable(const struct lb_rf_run *r);
/* Summary of @metric (lb_rf_metric) over the run's ok repetitions. */
void lb_plot_summary(const struct lb_rf_run *r, const char *metric,
		     struct lb_summary *s);
/* The same of latency percentile @p (LB_RF_P50...). */
void lb_plot_pct_summary(const struct lb_rf_run *r, unsigned int p,
			 struct lb_summary *s);

enum lb_plot_knob { LB_KNOB_CS, LB_KNOB_THINK, LB_KNOB_THREADS };
/* Do the usable runs of @wl (NULL: all) differ in @k? */
bool lb_plot_varies(const struct lb_plot_input *in, const char *wl,
		    enum lb_plot_knob k);
/* Do the usable runs differ in their workload? */
bool lb_plot_workloads_vary(const struct lb_plot_input *in);
/* A workload chart is against --cs when only --cs varies among its runs. */
bool lb_plot_wl_by_cs(const struct lb_plot_input *in, const char *wl);
/* Does a file hold usable runs of @wl with figure @fig? */
bool lb_plot_wl_has(const struct lb_plot_input *in, const char *wl,
		    enum lb_wl_fig fig);
/* The most threads a usable run of @rf has (with latencies: @need_latency). */
unsigned int lb_plot_max_threads(const struct lb_rf *rf, bool need_latency);
/* "F|" and the run's key without its token "NAME=...": a line's id. */
void lb_plot_key_without(const struct lb_rf_run *r, const char *name,
			 unsigned int f, char *buf, size_t len);
/* The integer value of @name in the run's key, 0 if absent. */
unsigned long lb_plot_key_uint(const struct lb_rf_run *r, const char *name);

/* ---------------------------------------------------- titles (titles.c) */

/* "pthread, cs 100ns (host commit)": what tells lines apart. */
void lb_plot_series_title(const struct lb_plot_input *in, unsigned int f,
			  const struct lb_rf_run *r, bool with_threads,
			  bool with_cs, char *buf, size_t len);
/* "rfifolock p99", "submit_co, sleep, work 1us (host commit)". */
void lb_plot_wl_title(const struct lb_plot_input *in, unsigned int f,
		      const struct lb_rf_run *r, const char *pct, char *buf,
		      size_t len);
/* The chart's title as its row says, @r the run it names (or NULL). */
void lb_plot_chart_title(const struct lb_plot_input *in, struct lb_chart *c,
			 const struct lb_rf_run *r);

/* ---------------------------------------------------- series (series.c) */

/* The series @id of @c, made with @title (quotes replaced) if new. */
struct lb_series *lb_series_get(struct lb_chart *c, const char *id,
				const char *title);
/* A point; not one when x or y is not finite; lo, hi default to y. */
void lb_series_add(struct lb_series *s, double x, double y, double lo,
		   double hi);
/* Replace the characters gnuplot would take as quoting with '_'. */
void lb_plot_unquote(char *s);

/* --------------------------------------------------------- fills (data.c) */

/*
 * A chart's series from @in, as row @d says; returns the run a
 * LB_TITLE_THREADS_CS or LB_TITLE_METHOD title names (NULL: none).
 */
typedef const struct lb_rf_run *lb_fill_fn(const struct lb_plot_input *in,
					   struct lb_chart *c,
					   const struct lb_chart_def *d);
lb_fill_fn lb_fill_vs_threads; /* a line per configuration, on threads */
lb_fill_fn lb_fill_vs_cs; /* the same on --cs; one host's files share */
lb_fill_fn lb_fill_latency; /* percentiles at the most threads */
lb_fill_fn lb_fill_share; /* per-thread shares at the most threads */
lb_fill_fn lb_fill_timeline; /* throughput over time, or per worker */
lb_fill_fn lb_fill_workload; /* the row's workload's own figure */

/* ------------------------------------------------------- axes (axes.c) */

/*
 * Thread counts on x: log when they span 8x, a tick per count that occurs
 * (at most 16), shaded beyond the PUs.  Of the runs of @wl (usable ones),
 * or of every run (@wl NULL).
 */
void lb_axis_threads(const struct lb_plot_input *in, struct lb_chart *c,
		     const char *wl);
/* A workload chart's x axis: its runs' thread counts, or --cs. */
void lb_axis_workload(const struct lb_plot_input *in, struct lb_chart *c,
		      const char *wl);
/* Log y when the lines are more than 20x apart. */
void lb_axis_logy(struct lb_chart *c);
/* The row's hand-off floors of every file as reference lines. */
void lb_axis_floors(const struct lb_plot_input *in, struct lb_chart *c,
		    const struct lb_chart_def *d);

#endif /* LB_HARNESS_PLOT_INTERNAL_H */
