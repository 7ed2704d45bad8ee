/* SPDX-License-Identifier: MIT */
/*
 * axes.c - a chart's axes, from its runs and series: thread counts or --cs
 * on x (log when they span a wide range, shaded where the threads exceed
 * the PUs), log y when the lines are far apart, and the machine's hand-off
 * floors as reference lines.
 */
#include "config.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness/machine/floors.h"
#include "harness/plot/internal.h"

/* The range of the runs a chart's x axis covers. */
struct span {
	unsigned int lo, hi, pus; /* threads, and the fewest PUs */
	uint64_t cslo, cshi;
};

/* The runs of @wl (usable ones), or every run and every file (@wl NULL). */
static void get_span(const struct lb_plot_input *in, const char *wl,
		     struct span *s)
{
	struct lb_plot_runs it = { .in = in, .workload = wl, .all = !wl };
	const struct lb_rf_run *r;
	unsigned int f;

	*s = (struct span){ UINT32_MAX, 0, UINT32_MAX, UINT64_MAX, 0 };
	for (f = 0; !wl && f < in->n; f++)
		s->pus = in->rf[f]->pus < s->pus ? in->rf[f]->pus : s->pus;
	while ((r = lb_plot_next_run(&it))) {
		if (wl && in->rf[it.f]->pus < s->pus)
			s->pus = in->rf[it.f]->pus;
		s->lo = r->threads < s->lo ? r->threads : s->lo;
		s->hi = r->threads > s->hi ? r->threads : s->hi;
		s->cslo = r->cs_ns < s->cslo ? r->cs_ns : s->cslo;
		s->cshi = r->cs_ns > s->cshi ? r->cs_ns : s->cshi;
	}
}

/* Does a run of @wl (as get_span counts them) have @t threads? */
static bool threads_occur(const struct lb_plot_input *in, const char *wl,
			  unsigned int t)
{
	struct lb_plot_runs it = { .in = in, .workload = wl, .all = !wl };
	const struct lb_rf_run *r;

	while ((r = lb_plot_next_run(&it)))
		if (r->threads == t)
			return true;
	return false;
}

/* Log x, a tick per thread count (up to a readable number), shading. */
static void threads_axis(const struct lb_plot_input *in, struct lb_chart *c,
			 const char *wl, const struct span *s)
{
	unsigned int t, count = 0;
	size_t used = 0;

	c->logx = s->hi >= 8 * s->lo ? 2 : 0;
	for (t = s->lo; t <= s->hi; t++) {
		if (!threads_occur(in, wl, t))
			continue;
		if (++count > 16) {
			c->xtics[0] = '\0';
			break;
		}
		used += (size_t)snprintf(c->xtics + used,
					 sizeof(c->xtics) - used, "%s%u",
					 used ? "," : "", t);
		if (used >= sizeof(c->xtics) - 12) {
			c->xtics[0] = '\0';
			break;
		}
	}
	if (s->hi > s->pus)
		c->xover = c->logx ? s->pus * M_SQRT2 : s->pus + 0.5;
}

void lb_axis_threads(const struct lb_plot_input *in, struct lb_chart *c,
		     const char *wl)
{
	struct span s;

	get_span(in, wl, &s);
	if (s.hi)
		threads_axis(in, c, wl, &s);
}

void lb_axis_workload(const struct lb_plot_input *in, struct lb_chart *c,
		      const char *wl)
{
	struct span s;

	get_span(in, wl, &s);
	if (!s.hi)
		return;
	if (!lb_plot_wl_by_cs(in, wl)) {
		threads_axis(in, c, wl, &s);
		return;
	}
	c->xlabel = !strcmp(wl, "offload") ? "work handed off (--cs, ns)" :
					     "critical section (--cs, ns)";
	c->logx = s.cslo > 0 && s.cshi >= 8 * s.cslo ? 10 : 0;
}

void lb_axis_logy(struct lb_chart *c)
{
	double lo = INFINITY, hi = 0;
	unsigned int i, j;

	for (i = 0; i < c->n; i++)
		for (j = 0; j < c->s[i].n; j++) {
			lo = fmin(lo, c->s[i].pts[j].y);
			hi = fmax(hi, c->s[i].pts[j].y);
		}
	c->logy = lo > 0 && hi > 20 * lo;
}

/*
 * A floor of file @f, from host.floors (results/README.md): one figure
 * (@field "one_way_ns" or "round_trip_ns") of kind @k, NaN when the file
 * has none.  Older files have no floors; nothing in a file is trusted: a
 * figure that is not a positive finite number below an hour is ignored.
 */
static double file_floor(const struct lb_plot_input *in, unsigned int f, int k,
			 const char *field)
{
	json_t *host = json_object_get((json_t *)in->rf[f]->json, "host");
	json_t *fl = json_object_get(host, "floors");
	json_t *v =
		json_object_get(json_object_get(fl, lb_floor_keys[k]), field);
	double y = json_is_number(v) ? json_number_value(v) : NAN;

	return isfinite(y) && y > 0 && y < 3.6e12 ? y : NAN;
}

/* Is there a line at @y titled @title already? */
static bool has_ref(const struct lb_chart *c, double y, const char *title)
{
	unsigned int j;

	for (j = 0; j < c->nrefs; j++)
		if (c->refs[j].y == y && !strcmp(c->refs[j].title, title))
			return true;
	return false;
}

/*
 * The row's floors of every file, one-way or round trip, as reference
 * lines.  Files of one host with the same figure share a line; several
 * files name their host.
 */
void lb_axis_floors(const struct lb_plot_input *in, struct lb_chart *c,
		    const struct lb_chart_def *d)
{
	const char *field = d->round_trip ? "round_trip_ns" : "one_way_ns";
	const char *how = d->round_trip ? "round trip" : "one-way";
	unsigned int f, i;
	char v[32], host[80];

	for (f = 0; f < in->n; f++)
		for (i = 0; i < d->nfloors && c->nrefs < LB_PLOT_MAX_REFS;
		     i++) {
			const char *kind = lb_floor_titles[d->floors[i]];
			double y = file_floor(in, f, d->floors[i], field);
			struct lb_refline *r = &c->refs[c->nrefs];

			if (isnan(y))
				continue;
			snprintf(host, sizeof(host), " (%.60s)",
				 in->rf[f]->hostname);
			snprintf(r->title, sizeof(r->title),
				 "floor: %s, %s %s%s", kind, how,
				 lb_floors_fmt_ns(y, v, sizeof(v)),
				 in->n > 1 ? host : "");
			if (has_ref(c, y, r->title))
				continue;
			r->y = y;
			snprintf(r->label, sizeof(r->label), "%s floor", kind);
			/* quoted by gnuplot: no quotes or backslashes */
			lb_plot_unquote(r->title);
			c->nrefs++;
		}
}
