/* SPDX-License-Identifier: MIT */
/*
 * charts.c - the chart catalogue: one row per chart (its name, template,
 * title, axes, which runs it draws, which figure of them, its reference
 * lines), in the order of the index page.  A chart is drawn only when the
 * files hold what it needs; the others say why not.
 *
 *   throughput-threads  throughput against threads, one line per method,
 *                       error bars = 95% confidence interval of the mean,
 *                       shading where threads exceed the PUs
 *   throughput-cs       throughput against critical-section length
 *   fairness-threads    Jain's index against threads (bars: min..max)
 *   latency             acquisition latency percentiles, log scale
 *   cpu-threads         CPU time per operation against threads
 *   share               each thread's share of the operations, for the
 *                       configuration with the most threads
 *   acquire-latency     workload acquire: the workers' acquire latency,
 *                       p50 and p99 per method, log scale
 *   acquire-loop        workload acquire: the event loop's iterations per
 *                       second per method
 *   offload-latency     workload offload: the hand-off round trip, p50 and
 *                       p99 per offload mode and work kind, log scale
 *   offload-throughput  workload offload: operations per second per mode
 *                       and work kind
 *   bql-threads         workload bql: one big lock against per-object locks
 *   timeline            throughput over time inside a run
 *   timeline-workers    the same per worker
 * (the workload charts against threads, or against --cs when only it
 * varies).  Several files on one chart are labelled "host commit".
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "harness/machine/floors.h"
#include "harness/plot/internal.h"
#include "runtime/compiler.h"

static bool cs_varies(const struct lb_plot_input *in,
		      const struct lb_chart_def *d)
{
	(void)d;
	return lb_plot_varies(in, NULL, LB_KNOB_CS);
}

static bool has_latency(const struct lb_plot_input *in,
			const struct lb_chart_def *d)
{
	unsigned int f;

	(void)d;
	for (f = 0; f < in->n; f++)
		if (in->rf[f]->has_latency)
			return true;
	return false;
}

static bool wl_has(const struct lb_plot_input *in, const struct lb_chart_def *d)
{
	return lb_plot_wl_has(in, d->workload, d->fig);
}

#define MOPS "throughput (million operations per second)"
#define ACQ_X "worker threads (the event loop is one more)"
#define TIMELINE_X "time in the measured window (ms)"
/* A workload's chart: drawn only when the files hold its figures. */
#define WORKLOAD(wl)                                                         \
	.applies = wl_has, .fill = lb_fill_workload, .xaxis = LB_X_WORKLOAD, \
	.workload = wl,                                                      \
	.why_not = "these result files hold no " wl " runs with these "      \
		   "figures (lockbench run -w " wl ")"

const struct lb_chart_def lb_chart_defs[] = {
	{
		.name = "throughput-threads",
		.template = "plot-lines.gp",
		.what = "Throughput against threads",
		.caption = "Throughput of all threads together against the "
			   "number of threads: median over repetitions, bars "
			   "the 95% confidence interval of the mean. Shaded: "
			   "more threads than processing units.",
		.xlabel = "threads",
		.ylabel = MOPS,
		.fill = lb_fill_vs_threads,
		.xaxis = LB_X_THREADS,
		.logy = true,
		.y = { "ops_per_sec", 1e-6, true },
	},
	{
		.name = "throughput-cs",
		.template = "plot-lines.gp",
		.what = "Throughput against critical section",
		.caption = "Throughput against the length of the critical "
			   "section (calibrated busy work), one line per "
			   "method and thread count.",
		.xlabel = "critical section (ns)",
		.ylabel = MOPS,
		.applies = cs_varies,
		.why_not = "every run has the same critical section (run with "
			   "several --cs values)",
		.fill = lb_fill_vs_cs,
		.logy = true,
		.y = { "ops_per_sec", 1e-6, true },
	},
	{
		.name = "fairness-threads",
		.template = "plot-lines.gp",
		.what = "Fairness against threads",
		.caption = "Jain's fairness index of the per-thread operation "
			   "counts (1 = equal shares, 1/n = one thread did "
			   "everything): median, bars min to max.",
		.xlabel = "threads",
		.ylabel = "Jain fairness index (1 = fair)",
		.fill = lb_fill_vs_threads,
		.xaxis = LB_X_THREADS,
		.y = { "jain", 1, false },
	},
	{
		.name = "latency",
		.template = "plot-latency.gp",
		.what = "Acquisition latency",
		.caption = "Acquisition latency percentiles at the highest "
			   "thread count: median over repetitions, bars min "
			   "to max.",
		.applies = has_latency,
		.why_not = "these result files record no latency percentiles",
		.fill = lb_fill_latency,
		.floors = { LB_FLOOR_CACHELINE, LB_FLOOR_FUTEX },
		.nfloors = 2,
	},
	{
		.name = "cpu-threads",
		.template = "plot-lines.gp",
		.what = "CPU per operation against threads",
		.caption = "CPU time (user + system, all threads) per "
			   "operation: what separates spinning locks from "
			   "sleeping ones. Median, bars the 95% confidence "
			   "interval.",
		.xlabel = "threads",
		.ylabel = "CPU time per operation (microseconds)",
		.fill = lb_fill_vs_threads,
		.xaxis = LB_X_THREADS,
		.logy = true,
		.y = { "cpu_us_per_op", 1, true },
	},
	{
		.name = "share",
		.template = "plot-share.gp",
		.what = "Per-thread share",
		.caption = "Each thread's share of the operations (summed over "
			   "repetitions) in the configuration with the most "
			   "threads of the first file; 1 = an equal share.",
		.fill = lb_fill_share,
		.title = LB_TITLE_THREADS_CS,
	},
	{
		/* a worker's wait: spinning, sleeping, the loop's eventfd kick */
		.name = "acquire-latency",
		.template = "plot-pct.gp",
		.what = "Acquire latency (p50, p99)",
		.caption = "Workload acquire: how long a worker waits for the "
			   "context an event loop holds (lock call to holding "
			   "the lock), p50 (dashed, open points) and p99 "
			   "(solid, filled), median over repetitions, bars "
			   "min to max. Read it with acquire-loop: the price "
			   "the workers pay for keeping the loop moving.",
		.xlabel = ACQ_X,
		.ylabel = "acquire latency (ns, log scale)",
		WORKLOAD("acquire"),
		.fig = LB_WL_LATENCY,
		.floors = { LB_FLOOR_CACHELINE, LB_FLOOR_FUTEX,
			    LB_FLOOR_EVENTFD },
		.nfloors = 3,
	},
	{
		.name = "acquire-loop",
		.template = "plot-lines.gp",
		.what = "Event-loop progress under contention",
		.caption = "Workload acquire: the event loop's own progress, "
			   "iterations per second (each waits for a 100 us "
			   "tick or a kick, then dispatches --cs of work under "
			   "the lock) while the workers contend for its "
			   "context: does the lock let the loop keep running? "
			   "Median, bars the 95% confidence interval. The loop "
			   "is one more thread than the workers.",
		.xlabel = ACQ_X,
		.ylabel = "event-loop iterations per second",
		WORKLOAD("acquire"),
		.logy = true,
		.y = { "loop_progress.per_sec", 1, true },
		.fig = LB_WL_LOOP,
	},
	{
		/* a hand-off to a pool worker and back: two wake-ups */
		.name = "offload-latency",
		.template = "plot-pct.gp",
		.what = "Offload round trip (p50, p99)",
		.caption =
			"Workload offload: the round trip of handing --cs of "
			"work (busy or sleep) to the thread pool, from just "
			"before the hand-off to the coroutine running again "
			"with the result, per offload mode (inline: a "
			"blocking call in the loop thread, no hand-off). p50 "
			"dashed with open points, p99 solid with filled "
			"points; median over repetitions, bars min to max.",
		.xlabel = "threads",
		.ylabel = "hand-off round trip (ns, log scale)",
		WORKLOAD("offload"),
		.fig = LB_WL_LATENCY,
		.floors = { LB_FLOOR_EVENTFD, LB_FLOOR_FUTEX },
		.nfloors = 2,
		.round_trip = true,
	},
	{
		.name = "offload-throughput",
		.template = "plot-lines.gp",
		.what = "Offload throughput",
		.caption = "Workload offload: operations completed per second "
			   "(all coroutines), per offload mode and work kind: "
			   "handing blocking work to the pool pays when it "
			   "beats inline. Median, bars the 95% confidence "
			   "interval.",
		.xlabel = "threads",
		.ylabel = "throughput (thousand operations per second)",
		WORKLOAD("offload"),
		.logy = true,
		.y = { "ops_per_sec", 1e-3, true }, /* work items */
		.fig = LB_WL_THROUGHPUT,
	},
	{
		.name = "bql-threads",
		.template = "plot-lines.gp",
		.what = "One big lock against per-object locks",
		.caption = "Workload bql: the same work on --objects objects "
			   "under one big lock or under per-object locks "
			   "(--locks), operations per second against "
			   "threads: what breaking the big lock down buys at "
			   "each thread count. Median, bars the 95% "
			   "confidence interval.",
		.xlabel = "threads",
		.ylabel = MOPS,
		WORKLOAD("bql"),
		.logy = true,
		.y = { "ops_per_sec", 1e-6, true }, /* lock operations */
		.fig = LB_WL_THROUGHPUT,
	},
	{
		.name = "timeline",
		.template = "plot-lines.gp",
		.what = "Throughput over time",
		.caption = "Throughput over time inside a run (10 ms windows, "
			   "the first repetition of each configuration at the "
			   "first file's highest thread count): convoys and "
			   "preemption collapses that the averages hide.",
		.xlabel = TIMELINE_X,
		.ylabel = MOPS,
		.fill = lb_fill_timeline,
		.why_not = "these result files record no timeline (files "
			   "written before it existed)",
		.title = LB_TITLE_THREADS_CS,
		.logy = true,
	},
	{
		.name = "timeline-workers",
		.template = "plot-lines.gp",
		.what = "Per-worker throughput over time",
		.caption = "Each worker's throughput over time in the first "
			   "configuration of the timeline chart (at most 16 "
			   "workers): who got the lock when.",
		.xlabel = TIMELINE_X,
		.ylabel = MOPS,
		.fill = lb_fill_timeline,
		.why_not = "these result files record no timeline",
		.title = LB_TITLE_METHOD,
		.logy = true,
		.per_worker = true,
	},
};

const unsigned int lb_nchart_defs = LB_ARRAY_SIZE(lb_chart_defs);

/* Fill chart @c of row @d from @in: series, axes, title, reference lines. */
static void build(const struct lb_plot_input *in, struct lb_chart *c,
		  const struct lb_chart_def *d)
{
	const struct lb_rf_run *r;

	*c = (struct lb_chart){
		.def = d,
		.name = d->name,
		.template = d->template,
		.caption = d->caption,
		.xlabel = d->xlabel,
		.ylabel = d->ylabel,
	};
	lb_plot_chart_title(in, c, NULL);
	if (d->applies && !d->applies(in, d)) {
		snprintf(c->why_not, sizeof(c->why_not), "%s", d->why_not);
		return;
	}
	if (d->xaxis == LB_X_WORKLOAD)
		lb_axis_workload(in, c, d->workload);
	r = d->fill(in, c, d);
	if (d->title != LB_TITLE_FILES && !r) {
		if (d->why_not)
			snprintf(c->why_not, sizeof(c->why_not), "%s",
				 d->why_not);
		return;
	}
	lb_plot_chart_title(in, c, r);
	if (d->xaxis == LB_X_THREADS)
		lb_axis_threads(in, c, NULL);
	if (d->logy)
		lb_axis_logy(c);
	if (d->nfloors)
		lb_axis_floors(in, c, d);
}

struct lb_chart *lb_plot_charts(const struct lb_plot_input *in, unsigned int *n)
{
	struct lb_chart *ch = lb_xzalloc(lb_nchart_defs * sizeof(*ch));
	unsigned int i;

	for (i = 0; i < lb_nchart_defs; i++) {
		build(in, &ch[i], &lb_chart_defs[i]);
		if (!ch[i].n && !ch[i].why_not[0])
			snprintf(ch[i].why_not, sizeof(ch[i].why_not),
				 "no usable run in these files");
	}
	*n = lb_nchart_defs;
	return ch;
}
