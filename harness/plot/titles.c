/* SPDX-License-Identifier: MIT */
/*
 * titles.c - the titles of charts and of their lines: only what tells the
 * lines of a chart apart ("pthread, cs 100ns (host commit)").
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness/plot/internal.h"
#include "harness/util/options.h"

/* A title being written: snprintf's, each after the last, cut at @len. */
struct sbuf {
	char *p;
	size_t len, used;
};

static void __attribute__((format(printf, 2, 3)))
sb_add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->used >= b->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->used, b->len - b->used, fmt, ap);
	va_end(ap);
	b->used += n > 0 ? (size_t)n : 0;
}

static const char *fmt_ns(uint64_t ns, char *buf, size_t len)
{
	return lb_format_duration(ns, buf, len);
}

/* ", one big lock" or ", 64 locks" (striped runs), ", depth 3". */
static void knob_title(struct sbuf *b, const struct lb_rf_run *r)
{
	unsigned long locks = lb_plot_key_uint(r, "locks");
	unsigned long depth = lb_plot_key_uint(r, "depth");

	if (locks == 1)
		sb_add(b, ", one big lock");
	else if (locks)
		sb_add(b, ", %lu locks", locks);
	if (depth > 1)
		sb_add(b, ", depth %lu", depth);
}

/* ", think 1us" when runs of @wl (NULL: all) differ in it; the slowdown. */
static void think_title(struct sbuf *b, const struct lb_plot_input *in,
			const char *wl, const struct lb_rf_run *r)
{
	char t[32];

	if (lb_plot_varies(in, wl, LB_KNOB_THINK))
		sb_add(b, ", think %s", fmt_ns(r->think_ns, t, sizeof(t)));
	if (r->test_slowdown_pct > 0)
		sb_add(b, " [TEST SLOWDOWN %g%%]", r->test_slowdown_pct);
}

void lb_plot_series_title(const struct lb_plot_input *in, unsigned int f,
			  const struct lb_rf_run *r, bool with_threads,
			  bool with_cs, char *buf, size_t len)
{
	struct sbuf b = { buf, len, 0 };
	char cs[32];

	sb_add(&b, "%s", r->method);
	if (lb_plot_workloads_vary(in))
		sb_add(&b, " %s", r->workload);
	if (*r->offload_mode)
		sb_add(&b, " %s %s", r->offload_mode, r->offload_work);
	knob_title(&b, r);
	if (with_threads)
		sb_add(&b, ", %u thr", r->threads);
	if (with_cs && lb_plot_varies(in, NULL, LB_KNOB_CS))
		sb_add(&b, ", cs %s", fmt_ns(r->cs_ns, cs, sizeof(cs)));
	think_title(&b, in, NULL, r);
	if (in->n > 1)
		sb_add(&b, " (%s)", in->label[f]);
}

/*
 * Must lines of @wl name their file?  Only when the files holding its runs
 * differ in host or commit, or two of them hold the same configuration
 * (one file per offload mode needs no label).
 */
static bool wl_label_files(const struct lb_plot_input *in, const char *wl)
{
	struct lb_plot_runs it = { .in = in, .workload = wl };
	unsigned int g, j, first = UINT32_MAX;
	const struct lb_rf_run *r;

	while ((r = lb_plot_next_run(&it))) {
		if (first == UINT32_MAX)
			first = it.f;
		if (strcmp(in->host_commit[it.f], in->host_commit[first]))
			return true;
		for (g = 0; g < it.f; g++)
			for (j = 0; j < in->rf[g]->nruns; j++)
				if (!strcmp(in->rf[g]->runs[j].key, r->key))
					return true;
	}
	return false;
}

void lb_plot_wl_title(const struct lb_plot_input *in, unsigned int f,
		      const struct lb_rf_run *r, const char *pct, char *buf,
		      size_t len)
{
	bool off = !strcmp(r->workload, "offload");
	struct sbuf b = { buf, len, 0 };
	char cs[32];

	if (off)
		sb_add(&b, "%s, %s", r->offload_mode, r->offload_work);
	else
		sb_add(&b, "%s", r->method);
	knob_title(&b, r);
	if (!lb_plot_wl_by_cs(in, r->workload) &&
	    lb_plot_varies(in, r->workload, LB_KNOB_CS))
		sb_add(&b, ", %s %s", off ? "work" : "cs",
		       fmt_ns(r->cs_ns, cs, sizeof(cs)));
	think_title(&b, in, r->workload, r);
	if (pct)
		sb_add(&b, " %s", pct);
	if (in->n > 1 && wl_label_files(in, r->workload))
		sb_add(&b, " (%s)", in->label[f]);
}

void lb_plot_chart_title(const struct lb_plot_input *in, struct lb_chart *c,
			 const struct lb_rf_run *r)
{
	const struct lb_chart_def *d = c->def;
	char cs[32];

	if (d->title == LB_TITLE_FILES && in->n == 1)
		snprintf(c->title, sizeof(c->title), "%s - %s, %s", d->what,
			 in->label[0], in->rf[0]->cpu_model);
	else if (d->title == LB_TITLE_FILES)
		snprintf(c->title, sizeof(c->title), "%s - %u result files",
			 d->what, in->n);
	else if (r && d->title == LB_TITLE_THREADS_CS)
		snprintf(c->title, sizeof(c->title),
			 "%s, %u threads, cs %s - %s", d->what, r->threads,
			 fmt_ns(r->cs_ns, cs, sizeof(cs)), in->label[0]);
	else if (r)
		snprintf(c->title, sizeof(c->title), "%s, %s, %u threads - %s",
			 d->what, r->method, r->threads, in->label[0]);
}
