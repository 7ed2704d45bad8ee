/* SPDX-License-Identifier: MIT */
/*
 * input.c - the result files of a plot, and what the charts ask of their
 * runs: a walk over the usable runs, summaries of a metric over the
 * repetitions, which knobs vary, the keys that make a line.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/plot/internal.h"
#include "runtime/compiler.h"

int lb_plot_load(struct lb_plot_input *in, char **paths, unsigned int n,
		 char *err, size_t errlen)
{
	unsigned int i, j;

	for (i = 0; i < n && i < LB_PLOT_MAX_FILES; i++) {
		if (lb_rf_load(paths[i], &in->rf[i], err, errlen))
			return -1;
		in->n++;
		lb_rf_label(in->rf[i], in->label[i], sizeof(in->label[i]));
		memcpy(in->host_commit[i], in->label[i], sizeof(in->label[i]));
		/* the same host and commit twice: number them */
		for (j = 0; j < i; j++)
			if (!strcmp(in->label[i], in->label[j])) {
				size_t l = strlen(in->label[i]);

				snprintf(in->label[i] + l,
					 sizeof(in->label[i]) - l, " #%u",
					 i + 1);
				break;
			}
	}
	return 0;
}

void lb_plot_input_free(struct lb_plot_input *in)
{
	unsigned int i;

	for (i = 0; i < in->n; i++)
		lb_rf_free(in->rf[i]);
	in->n = 0;
}

bool lb_plot_usable(const struct lb_rf_run *r)
{
	return !strcmp(r->status, "ok") && r->nreps > 0;
}

const struct lb_rf_run *lb_plot_next_run(struct lb_plot_runs *it)
{
	for (; it->f < it->in->n; it->f++, it->i = 0)
		while (it->i < it->in->rf[it->f]->nruns) {
			const struct lb_rf_run *r =
				&it->in->rf[it->f]->runs[it->i++];

			if (it->all || (lb_plot_usable(r) &&
					(!it->workload ||
					 !strcmp(r->workload, it->workload))))
				return r;
		}
	return NULL;
}

/* @metric of the ok repetitions, or latency percentile @p (no metric). */
static void summarize(const struct lb_rf_run *r, const char *metric,
		      unsigned int p, struct lb_summary *s)
{
	double *v = lb_xzalloc((r->nreps + 1) * sizeof(*v));
	unsigned int i, n = 0;

	for (i = 0; i < r->nreps; i++) {
		double x = metric ? lb_rf_metric(&r->reps[i], metric) :
				    r->reps[i].latency_ns[p];

		if (r->reps[i].ok && isfinite(x))
			v[n++] = x;
	}
	lb_summarize(v, n, s);
	free(v);
}

void lb_plot_summary(const struct lb_rf_run *r, const char *metric,
		     struct lb_summary *s)
{
	summarize(r, metric, 0, s);
}

void lb_plot_pct_summary(const struct lb_rf_run *r, unsigned int p,
			 struct lb_summary *s)
{
	summarize(r, NULL, p, s);
}

bool lb_plot_varies(const struct lb_plot_input *in, const char *wl,
		    enum lb_plot_knob k)
{
	struct lb_plot_runs it = { .in = in, .workload = wl };
	const struct lb_rf_run *r;
	bool seen = false;
	uint64_t first = 0;

	while ((r = lb_plot_next_run(&it))) {
		uint64_t v = k == LB_KNOB_CS	? r->cs_ns :
			     k == LB_KNOB_THINK ? r->think_ns :
						  r->threads;

		if (seen && v != first)
			return true;
		seen = true;
		first = v;
	}
	return false;
}

bool lb_plot_workloads_vary(const struct lb_plot_input *in)
{
	struct lb_plot_runs it = { .in = in };
	const struct lb_rf_run *r;
	const char *first = NULL;

	while ((r = lb_plot_next_run(&it))) {
		if (first && strcmp(first, r->workload))
			return true;
		first = r->workload;
	}
	return false;
}

bool lb_plot_wl_by_cs(const struct lb_plot_input *in, const char *wl)
{
	return !lb_plot_varies(in, wl, LB_KNOB_THREADS) &&
	       lb_plot_varies(in, wl, LB_KNOB_CS);
}

bool lb_plot_wl_has(const struct lb_plot_input *in, const char *wl,
		    enum lb_wl_fig fig)
{
	struct lb_plot_runs it = { .in = in, .workload = wl };

	while (lb_plot_next_run(&it)) {
		const struct lb_rf *rf = in->rf[it.f];

		if (fig == LB_WL_LOOP	 ? rf->has_loop :
		    fig == LB_WL_LATENCY ? rf->has_wl_latency :
					   true)
			return true;
	}
	return false;
}

unsigned int lb_plot_max_threads(const struct lb_rf *rf, bool need_latency)
{
	unsigned int i, j, t = 0;

	for (i = 0; i < rf->nruns; i++) {
		bool lat = !need_latency;

		if (!lb_plot_usable(&rf->runs[i]))
			continue;
		for (j = 0; j < rf->runs[i].nreps && !lat; j++)
			lat = isfinite(
				rf->runs[i].reps[j].latency_ns[LB_RF_P99]);
		if (lat && rf->runs[i].threads > t)
			t = rf->runs[i].threads;
	}
	return t;
}

void lb_plot_key_without(const struct lb_rf_run *r, const char *name,
			 unsigned int f, char *buf, size_t len)
{
	size_t nl = strlen(name), used;
	const char *tok;

	used = (size_t)snprintf(buf, len, "%u|", f);
	for (tok = r->key; *tok;) {
		const char *end = strchr(tok, ' ');
		size_t tl = end ? (size_t)(end - tok) : strlen(tok);

		if (!(tl > nl && !strncmp(tok, name, nl) && tok[nl] == '=') &&
		    used + tl + 2 < len) {
			memcpy(buf + used, tok, tl);
			used += tl;
			buf[used++] = ' ';
			buf[used] = '\0';
		}
		tok += tl;
		while (*tok == ' ')
			tok++;
	}
}

unsigned long lb_plot_key_uint(const struct lb_rf_run *r, const char *name)
{
	size_t nl = strlen(name);
	const char *k = r->key;

	while (k && *k) {
		if (!strncmp(k, name, nl) && k[nl] == '=')
			return strtoul(k + nl + 1, NULL, 10);
		k = strchr(k, ' ');
		k = k ? k + 1 : NULL;
	}
	return 0;
}
