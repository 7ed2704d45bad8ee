/* SPDX-License-Identifier: MIT */
/*
 * data.c - the series of each kind of chart, from the runs of the result
 * files: a line per configuration against threads or --cs, latency
 * percentiles, per-thread shares, throughput over time, and the acquire,
 * offload and bql workloads' own figures.  Which metric and scale a chart
 * draws is in its row of the catalogue (charts.c).
 */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/plot/internal.h"
#include "runtime/compiler.h"

#define TIMELINE_MAX_WORKERS 16

/* A point from a summary: the median, bars the 95% interval or min..max. */
static void add_summary(struct lb_series *s, double x,
			const struct lb_summary *m, double k, bool ci)
{
	/* the interval, clipped to what was observed */
	lb_series_add(s, x, m->median * k,
		      (ci ? fmax(m->ci95_lo, m->min) : m->min) * k,
		      (ci ? fmin(m->ci95_hi, m->max) : m->max) * k);
}

/*
 * The id and title of run @r's line against threads or (@cs) --cs: against
 * --cs, files of one host and commit share their lines.
 */
static void line_of(const struct lb_plot_input *in, unsigned int f,
		    const struct lb_rf_run *r, bool cs, char *id, size_t idlen,
		    char *title, size_t titlelen)
{
	char rest[1800], *hash;

	if (!cs) {
		lb_plot_key_without(r, "threads", f, id, idlen);
		lb_plot_series_title(in, f, r, false, true, title, titlelen);
		return;
	}
	lb_plot_key_without(r, "cs_ns", f, rest, sizeof(rest));
	snprintf(id, idlen, "%s|%s", in->host_commit[f], strchr(rest, '|') + 1);
	lb_plot_series_title(in, f, r, true, false, title, titlelen);
	hash = in->n > 1 ? strstr(title, " #") : NULL;
	if (hash) {
		hash[0] = ')';
		hash[1] = '\0';
	}
}

/* A line per configuration but its thread count (or --cs) on x. */
static void fill_against(const struct lb_plot_input *in, struct lb_chart *c,
			 const struct lb_chart_def *d, bool cs)
{
	struct lb_plot_runs it = { .in = in };
	char id[2048], title[256];
	const struct lb_rf_run *r;

	while ((r = lb_plot_next_run(&it))) {
		struct lb_summary s;

		lb_plot_summary(r, d->y.metric, &s);
		if (!s.n)
			continue;
		line_of(in, it.f, r, cs, id, sizeof(id), title, sizeof(title));
		add_summary(lb_series_get(c, id, title),
			    cs ? (double)r->cs_ns : r->threads, &s, d->y.scale,
			    d->y.ci);
	}
}

const struct lb_rf_run *lb_fill_vs_threads(const struct lb_plot_input *in,
					   struct lb_chart *c,
					   const struct lb_chart_def *d)
{
	fill_against(in, c, d, false);
	return NULL;
}

const struct lb_rf_run *lb_fill_vs_cs(const struct lb_plot_input *in,
				      struct lb_chart *c,
				      const struct lb_chart_def *d)
{
	fill_against(in, c, d, true);
	return NULL;
}

/* Latency percentiles of each file's runs with the most threads. */
const struct lb_rf_run *lb_fill_latency(const struct lb_plot_input *in,
					struct lb_chart *c,
					const struct lb_chart_def *d)
{
	struct lb_plot_runs it = { .in = in };
	char id[2048], title[256];
	const struct lb_rf_run *r;
	unsigned int p;

	(void)d;
	while ((r = lb_plot_next_run(&it))) {
		struct lb_series *s;

		if (r->threads != lb_plot_max_threads(in->rf[it.f], true))
			continue;
		snprintf(id, sizeof(id), "%u|%s", it.f, r->key);
		lb_plot_series_title(in, it.f, r, true, true, title,
				     sizeof(title));
		s = lb_series_get(c, id, title);
		for (p = 0; p < LB_RF_NPCT; p++) {
			struct lb_summary sum;

			lb_plot_pct_summary(r, p, &sum);
			if (sum.n)
				add_summary(s, p, &sum, 1, false);
		}
	}
	return NULL;
}

/* Is @r one of the first file's runs with the most threads? */
static bool at_max_threads(const struct lb_plot_input *in,
			   const struct lb_plot_runs *it,
			   const struct lb_rf_run *r)
{
	return it->f == 0 &&
	       r->threads == lb_plot_max_threads(in->rf[0], false);
}

/* Each worker's share of @r's operations, summed over repetitions. */
static void add_shares(struct lb_series *s, const struct lb_rf_run *r,
		       double offset)
{
	unsigned int j, w, nthr = 0;
	double *sum, total = 0;

	for (j = 0; j < r->nreps; j++)
		if (r->reps[j].ok && r->reps[j].nthreads > nthr)
			nthr = r->reps[j].nthreads;
	sum = lb_xzalloc((nthr + 1) * sizeof(*sum));
	for (j = 0; j < r->nreps; j++) {
		if (!r->reps[j].ok || r->reps[j].nthreads != nthr)
			continue;
		for (w = 0; w < nthr; w++) {
			sum[w] += (double)r->reps[j].thread_ops[w];
			total += (double)r->reps[j].thread_ops[w];
		}
	}
	for (w = 0; total > 0 && w < nthr; w++)
		lb_series_add(s, w + 1 + offset, sum[w] * nthr / total, NAN,
			      NAN);
	free(sum);
}

/*
 * Per-thread shares of the first file's runs with the most threads and the
 * first such run's --cs and --think: bars side by side per thread.
 */
const struct lb_rf_run *lb_fill_share(const struct lb_plot_input *in,
				      struct lb_chart *c,
				      const struct lb_chart_def *d)
{
	struct lb_plot_runs it = { .in = in };
	const struct lb_rf_run *first = NULL, *r;
	unsigned int k = 0, nser = 0;
	char title[256];

	(void)d;
	while ((r = lb_plot_next_run(&it)) && it.f == 0) {
		if (!at_max_threads(in, &it, r))
			continue;
		first = first ? first : r;
		nser += r->cs_ns == first->cs_ns &&
			r->think_ns == first->think_ns;
	}
	if (!first)
		return NULL;
	c->boxwidth = 0.8 / nser;
	it = (struct lb_plot_runs){ .in = in };
	while ((r = lb_plot_next_run(&it)) && it.f == 0) {
		if (!at_max_threads(in, &it, r) || r->cs_ns != first->cs_ns ||
		    r->think_ns != first->think_ns)
			continue;
		lb_plot_series_title(in, 0, r, false, false, title,
				     sizeof(title));
		add_shares(lb_series_get(c, r->key, title), r,
			   (k++ - (nser - 1) / 2.0) * c->boxwidth);
	}
	return first;
}

/* The first repetition of @r with a timeline, or NULL. */
static const struct lb_rf_rep *timeline_rep(const struct lb_rf_run *r)
{
	unsigned int j;

	for (j = 0; j < r->nreps; j++)
		if (r->reps[j].nwindows && r->reps[j].ok)
			return &r->reps[j];
	return NULL;
}

/* Million operations per second of worker @w (all: UINT_MAX) per window. */
static void add_timeline(struct lb_series *s, const struct lb_rf_rep *x,
			 unsigned int w)
{
	uint64_t prev = 0;
	unsigned int k, i;

	for (k = 0; k < x->nwindows; k++) {
		uint64_t end = x->win_end_ns[k], ops = 0;

		for (i = 0; i < x->nthreads; i++)
			if (w == UINT_MAX || w == i)
				ops += x->win_ops[(size_t)i * x->nwindows + k];
		if (end > prev) {
			double y = (double)ops * 1e3 / (double)(end - prev);

			lb_series_add(s, (double)end / 1e6, y, y, y);
		}
		prev = end;
	}
}

/*
 * Throughput over time (each repetition's 10 ms windows, the first
 * repetition of each run): one line per run at the first file's highest
 * thread count or, per_worker, one line per worker of the first such run
 * (at most TIMELINE_MAX_WORKERS).  Returns the run drawn first.
 */
const struct lb_rf_run *lb_fill_timeline(const struct lb_plot_input *in,
					 struct lb_chart *c,
					 const struct lb_chart_def *d)
{
	struct lb_plot_runs it = { .in = in };
	const struct lb_rf_run *first = NULL, *r;
	char id[2100], title[256];
	unsigned int w;

	while ((r = lb_plot_next_run(&it)) && it.f == 0) {
		const struct lb_rf_rep *x = timeline_rep(r);

		if (!at_max_threads(in, &it, r) || !x)
			continue;
		if (first && d->per_worker)
			break;
		first = first ? first : r;
		if (!d->per_worker) {
			snprintf(id, sizeof(id), "%s", r->key);
			lb_plot_series_title(in, 0, r, false, true, title,
					     sizeof(title));
			add_timeline(lb_series_get(c, id, title), x, UINT_MAX);
			continue;
		}
		for (w = 0; w < x->nthreads && w < TIMELINE_MAX_WORKERS; w++) {
			snprintf(id, sizeof(id), "worker %u", w);
			add_timeline(lb_series_get(c, id, id), x, w);
		}
	}
	return first;
}

/* p50 and p99 of the workload's latency: a pair of adjacent series. */
static void add_wl_latency(const struct lb_plot_input *in, struct lb_chart *c,
			   unsigned int f, const struct lb_rf_run *r,
			   const char *id, double x)
{
	static const char *const pct[] = { "p50", "p99" };
	static const char *const metric[] = { "latency_ns.p50",
					      "latency_ns.p99" };
	char sid[2100], title[256];
	struct lb_summary s;
	unsigned int p;

	for (p = 0; p < 2; p++) {
		snprintf(sid, sizeof(sid), "%s|%u", id, p);
		lb_plot_wl_title(in, f, r, pct[p], title, sizeof(title));
		lb_plot_summary(r, metric[p], &s);
		if (s.n)
			add_summary(lb_series_get(c, sid, title), x, &s, 1,
				    false);
	}
}

/* The row's workload: against threads, or --cs when only it varies. */
const struct lb_rf_run *lb_fill_workload(const struct lb_plot_input *in,
					 struct lb_chart *c,
					 const struct lb_chart_def *d)
{
	struct lb_plot_runs it = { .in = in, .workload = d->workload };
	bool by_cs = lb_plot_wl_by_cs(in, d->workload);
	char id[2048], title[256];
	const struct lb_rf_run *r;

	while ((r = lb_plot_next_run(&it))) {
		double x = by_cs ? (double)r->cs_ns : r->threads;
		struct lb_summary s;

		lb_plot_key_without(r, by_cs ? "cs_ns" : "threads", it.f, id,
				    sizeof(id));
		if (d->fig == LB_WL_LATENCY) {
			add_wl_latency(in, c, it.f, r, id, x);
			continue;
		}
		lb_plot_wl_title(in, it.f, r, NULL, title, sizeof(title));
		lb_plot_summary(r, d->y.metric, &s);
		if (s.n)
			add_summary(lb_series_get(c, id, title), x, &s,
				    d->y.scale, d->y.ci);
	}
	return NULL;
}
