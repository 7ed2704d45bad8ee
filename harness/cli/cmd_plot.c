/* SPDX-License-Identifier: MIT */
/*
 * cmd_plot.c - `lockbench plot RESULT.json... -o DIR`: turn result files
 * into the data the gnuplot templates in scripts/plot-*.gp read, run
 * gnuplot for each chart (PNG and SVG), and write DIR/index.html with every
 * chart and a table of the figures and the hosts they came from.
 *
 * Charts (each drawn only when the files hold what it needs):
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
 * (the last four against threads, or against --cs when only it varies).
 * Several files on one chart are labelled "host commit".
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/cli/cli.h"
#include "harness/machine/floors.h"
#include "harness/results/resultfile.h"
#include "harness/analysis/stats.h"
#include "runtime/compiler.h"

#ifndef LB_SRCDIR
#define LB_SRCDIR "."
#endif
#ifndef LB_PKGDATADIR
#define LB_PKGDATADIR "/usr/local/share/lockbench"
#endif

#define MAX_FILES 64
#define MAX_REFS 8

/* A horizontal reference line: a hand-off floor of a file's machine. */
struct refline {
	double y;
	char title[200]; /* the legend */
	char label[80]; /* beside the line */
};

struct point {
	double x, y, lo, hi;
};

struct series {
	char *id; /* what makes a line: file and configuration */
	char title[256];
	struct point *pts;
	unsigned int n, cap;
};

struct chart {
	const char *name; /* file name stem */
	const char *template;
	const char *caption;
	char title[512];
	const char *xlabel, *ylabel;
	int logx, logy;
	double xover, boxwidth;
	char xtics[256]; /* "1,2,4": the thread counts, or empty */
	struct series *s;
	unsigned int n, cap;
	struct refline refs[MAX_REFS];
	unsigned int nrefs;
	bool drawn;
	char why_not[160];
};

struct plot_opts {
	const char *dir;
	const char *templates;
	const char *gnuplot;
	bool data_only;
};

struct input {
	struct lb_rf *rf[MAX_FILES];
	char label[MAX_FILES][160]; /* "host commit", numbered if repeated */
	char host_commit[MAX_FILES][160]; /* "host commit" */
	unsigned int n;
};

static int plot_usage(FILE *f, int rc)
{
	fputs("usage: lockbench plot RESULT.json... [-o DIR] [--data-only]\n\n"
	      "Charts (PNG and SVG, drawn by gnuplot) and DIR/index.html from "
	      "one or more\nresult files; several files (other hosts, other "
	      "commits) share each chart,\nlabelled by host and commit.\n\n"
	      "  -o, --output DIR     where to write (default: plots); created "
	      "if missing\n"
	      "      --data-only      write the data files only, run no "
	      "gnuplot\n"
	      "      --templates DIR  the plot-*.gp templates (default: "
	      "found beside the\n"
	      "                       source or installed data)\n"
	      "  -h, --help           this text\n\n"
	      "charts: throughput-threads, throughput-cs (several critical "
	      "sections),\nfairness-threads, latency (when recorded), "
	      "cpu-threads, share;\nacquire-latency, acquire-loop (workload "
	      "acquire); offload-latency,\noffload-throughput (workload "
	      "offload).\n",
	      f);
	return rc;
}

/* ------------------------------------------------------------ series */

static void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	return q ? q : lb_xmalloc_fail(size);
}

static struct series *series_get(struct chart *c, const char *id,
				 const char *title)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->s[i].id, id))
			return &c->s[i];
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 8;
		c->s = xrealloc(c->s, c->cap * sizeof(*c->s));
	}
	memset(&c->s[c->n], 0, sizeof(c->s[0]));
	c->s[c->n].id = strdup(id);
	if (!c->s[c->n].id)
		lb_xmalloc_fail(strlen(id) + 1);
	/* gnuplot reads the title as a quoted string: no quotes in it */
	snprintf(c->s[c->n].title, sizeof(c->s[0].title), "%s", title);
	for (i = 0; c->s[c->n].title[i]; i++)
		if (strchr("\"\\'", c->s[c->n].title[i]))
			c->s[c->n].title[i] = '_';
	return &c->s[c->n++];
}

static void add_point(struct series *s, double x, double y, double lo,
		      double hi)
{
	if (!isfinite(x) || !isfinite(y))
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->pts = xrealloc(s->pts, s->cap * sizeof(*s->pts));
	}
	s->pts[s->n++] = (struct point){ x, y, isfinite(lo) ? lo : y,
					 isfinite(hi) ? hi : y };
}

static void chart_free(struct chart *c)
{
	unsigned int i;

	for (i = 0; i < c->n; i++) {
		free(c->s[i].id);
		free(c->s[i].pts);
	}
	free(c->s);
}

static int cmp_point(const void *a, const void *b)
{
	const struct point *x = a, *y = b;

	return (x->x > y->x) - (x->x < y->x);
}

/* ------------------------------------------------------------ figures */

/* Summary of a metric over a run's ok repetitions. */
static void run_summary(const struct lb_rf_run *r, const char *metric,
			struct lb_summary *s)
{
	double *v = lb_xzalloc((r->nreps + 1) * sizeof(*v));
	unsigned int i, n = 0;

	for (i = 0; i < r->nreps; i++) {
		double x = lb_rf_metric(&r->reps[i], metric);

		if (r->reps[i].ok && isfinite(x))
			v[n++] = x;
	}
	lb_summarize(v, n, s);
	free(v);
}

static void latency_summary(const struct lb_rf_run *r, unsigned int p,
			    struct lb_summary *s)
{
	double *v = lb_xzalloc((r->nreps + 1) * sizeof(*v));
	unsigned int i, n = 0;

	for (i = 0; i < r->nreps; i++)
		if (r->reps[i].ok && isfinite(r->reps[i].latency_ns[p]))
			v[n++] = r->reps[i].latency_ns[p];
	lb_summarize(v, n, s);
	free(v);
}

static bool run_usable(const struct lb_rf_run *r)
{
	return !strcmp(r->status, "ok") && r->nreps > 0;
}

/* The run's key without the token "NAME=...": what a line has in common. */
static void key_without(const struct lb_rf_run *r, const char *name,
			unsigned int file, char *buf, size_t len)
{
	size_t nl = strlen(name);
	const char *k = r->key, *tok;
	size_t used;

	used = (size_t)snprintf(buf, len, "%u|", file);
	for (tok = k; *tok;) {
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

static const char *fmt_ns(uint64_t ns, char *buf, size_t len)
{
	return lb_format_duration(ns, buf, len);
}

/* Does any file hold runs with different values of this knob? */
static bool varies(const struct input *in, int which)
{
	bool seen = false;
	uint64_t first = 0;
	unsigned int f, i;

	for (f = 0; f < in->n; f++)
		for (i = 0; i < in->rf[f]->nruns; i++) {
			const struct lb_rf_run *r = &in->rf[f]->runs[i];
			uint64_t v = which == 0 ? r->cs_ns :
				     which == 1 ? r->think_ns :
						  r->threads;

			if (!run_usable(r))
				continue;
			if (seen && v != first)
				return true;
			seen = true;
			first = v;
		}
	return false;
}

/* Do the usable runs differ in their workload? */
static bool workloads_vary(const struct input *in)
{
	const char *first = NULL;
	unsigned int f, i;

	for (f = 0; f < in->n; f++)
		for (i = 0; i < in->rf[f]->nruns; i++) {
			const struct lb_rf_run *r = &in->rf[f]->runs[i];

			if (!run_usable(r))
				continue;
			if (first && strcmp(first, r->workload))
				return true;
			first = r->workload;
		}
	return false;
}

/* The integer value of config key @name in @r's key, or 0 if absent. */
static unsigned long key_uint(const struct lb_rf_run *r, const char *name)
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

/* ", one big lock" or ", 64 locks" (striped runs), ", depth 3". */
static size_t knob_title(const struct lb_rf_run *r, char *buf, size_t len)
{
	unsigned long locks = key_uint(r, "locks");
	unsigned long depth = key_uint(r, "depth");
	size_t used = 0;

	if (locks == 1 && len)
		used += (size_t)snprintf(buf, len, ", one big lock");
	else if (locks && len)
		used += (size_t)snprintf(buf, len, ", %lu locks", locks);
	if (depth > 1 && used < len)
		used += (size_t)snprintf(buf + used, len - used, ", depth %lu",
					 depth);
	return used;
}

/* "pthread, cs 100ns (host commit)": only what tells lines apart. */
static void series_title(const struct input *in, unsigned int f,
			 const struct lb_rf_run *r, bool with_threads,
			 bool with_cs, char *buf, size_t len)
{
	char cs[32], think[32];
	size_t used;

	used = (size_t)snprintf(buf, len, "%s", r->method);
	if (workloads_vary(in) && used < len)
		used += (size_t)snprintf(buf + used, len - used, " %s",
					 r->workload);
	if (*r->offload_mode && used < len)
		used += (size_t)snprintf(buf + used, len - used, " %s %s",
					 r->offload_mode, r->offload_work);
	if (used < len)
		used += knob_title(r, buf + used, len - used);
	if (with_threads && used < len)
		used += (size_t)snprintf(buf + used, len - used, ", %u thr",
					 r->threads);
	if (with_cs && varies(in, 0) && used < len)
		used += (size_t)snprintf(buf + used, len - used, ", cs %s",
					 fmt_ns(r->cs_ns, cs, sizeof(cs)));
	if (varies(in, 1) && used < len)
		used += (size_t)snprintf(buf + used, len - used, ", think %s",
					 fmt_ns(r->think_ns, think,
						sizeof(think)));
	if (r->test_slowdown_pct > 0 && used < len)
		used += (size_t)snprintf(buf + used, len - used,
					 " [TEST SLOWDOWN %g%%]",
					 r->test_slowdown_pct);
	if (in->n > 1 && used < len)
		snprintf(buf + used, len - used, " (%s)", in->label[f]);
}

/* ------------------------------------------------------------ charts */

static void fill_vs_threads(const struct input *in, struct chart *c,
			    const char *metric, double scale, bool ci)
{
	char id[2048], title[256];
	unsigned int f, i;

	for (f = 0; f < in->n; f++)
		for (i = 0; i < in->rf[f]->nruns; i++) {
			const struct lb_rf_run *r = &in->rf[f]->runs[i];
			struct lb_summary s;

			if (!run_usable(r))
				continue;
			run_summary(r, metric, &s);
			if (!s.n)
				continue;
			key_without(r, "threads", f, id, sizeof(id));
			series_title(in, f, r, false, true, title,
				     sizeof(title));
			/* the interval, clipped to what was observed */
			add_point(series_get(c, id, title), r->threads,
				  s.median * scale,
				  (ci ? fmax(s.ci95_lo, s.min) : s.min) * scale,
				  (ci ? fmin(s.ci95_hi, s.max) : s.max) *
					  scale);
		}
}

static void fill_vs_cs(const struct input *in, struct chart *c)
{
	char id[2048], rest[1800], title[256], *hash;
	unsigned int f, i;

	for (f = 0; f < in->n; f++)
		for (i = 0; i < in->rf[f]->nruns; i++) {
			const struct lb_rf_run *r = &in->rf[f]->runs[i];
			struct lb_summary s;

			if (!run_usable(r))
				continue;
			run_summary(r, "ops_per_sec", &s);
			if (!s.n)
				continue;
			/* files of one host and commit share their lines */
			key_without(r, "cs_ns", f, rest, sizeof(rest));
			snprintf(id, sizeof(id), "%s|%s", in->host_commit[f],
				 strchr(rest, '|') + 1);
			series_title(in, f, r, true, false, title,
				     sizeof(title));
			hash = in->n > 1 ? strstr(title, " #") : NULL;
			if (hash) {
				hash[0] = ')';
				hash[1] = '\0';
			}
			add_point(series_get(c, id, title), (double)r->cs_ns,
				  s.median / 1e6, fmax(s.ci95_lo, s.min) / 1e6,
				  fmin(s.ci95_hi, s.max) / 1e6);
		}
}

/* The most threads any usable run of file @f has. */
static unsigned int max_threads(const struct lb_rf *rf, bool need_latency)
{
	unsigned int i, j, t = 0;

	for (i = 0; i < rf->nruns; i++) {
		bool lat = !need_latency;

		if (!run_usable(&rf->runs[i]))
			continue;
		for (j = 0; j < rf->runs[i].nreps && !lat; j++)
			lat = isfinite(
				rf->runs[i].reps[j].latency_ns[LB_RF_P99]);
		if (lat && rf->runs[i].threads > t)
			t = rf->runs[i].threads;
	}
	return t;
}

static void fill_latency(const struct input *in, struct chart *c)
{
	char id[2048], title[256];
	unsigned int f, i, p;

	for (f = 0; f < in->n; f++) {
		unsigned int t = max_threads(in->rf[f], true);

		for (i = 0; t && i < in->rf[f]->nruns; i++) {
			const struct lb_rf_run *r = &in->rf[f]->runs[i];
			struct series *s;

			if (!run_usable(r) || r->threads != t)
				continue;
			snprintf(id, sizeof(id), "%u|%s", f, r->key);
			series_title(in, f, r, true, true, title,
				     sizeof(title));
			s = series_get(c, id, title);
			for (p = 0; p < LB_RF_NPCT; p++) {
				struct lb_summary sum;

				latency_summary(r, p, &sum);
				if (sum.n)
					add_point(s, p, sum.median, sum.min,
						  sum.max);
			}
		}
	}
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
static void add_timeline(struct series *s, const struct lb_rf_rep *x,
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

			add_point(s, (double)end / 1e6, y, y, y);
		}
		prev = end;
	}
}

#define TIMELINE_MAX_WORKERS 16

/*
 * Throughput over time (each repetition's 10 ms windows, the first
 * repetition of each run): one line per run at the first file's highest
 * thread count or, @per_worker, one line per worker of the first such
 * run (at most TIMELINE_MAX_WORKERS).  Returns the run drawn first.
 */
static const struct lb_rf_run *fill_timeline(const struct input *in,
					     struct chart *c, bool per_worker)
{
	const struct lb_rf *rf = in->rf[0];
	const struct lb_rf_run *first = NULL;
	unsigned int t = max_threads(rf, false), i, w;
	char id[2100], title[256];

	for (i = 0; t && i < rf->nruns; i++) {
		const struct lb_rf_run *r = &rf->runs[i];
		const struct lb_rf_rep *x = timeline_rep(r);

		if (!run_usable(r) || r->threads != t || !x)
			continue;
		if (first && per_worker)
			break;
		first = first ? first : r;
		if (!per_worker) {
			snprintf(id, sizeof(id), "%s", r->key);
			series_title(in, 0, r, false, true, title,
				     sizeof(title));
			add_timeline(series_get(c, id, title), x, UINT_MAX);
			continue;
		}
		for (w = 0; w < x->nthreads && w < TIMELINE_MAX_WORKERS; w++) {
			snprintf(id, sizeof(id), "worker %u", w);
			add_timeline(series_get(c, id, id), x, w);
		}
	}
	return first;
}

/* Per-thread shares of the first file's runs with the most threads. */
static const struct lb_rf_run *fill_share(const struct input *in,
					  struct chart *c)
{
	const struct lb_rf *rf = in->rf[0];
	const struct lb_rf_run *first = NULL;
	unsigned int t = max_threads(rf, false), i, j, k, nser = 0;
	char title[256];

	for (i = 0; t && i < rf->nruns; i++) {
		const struct lb_rf_run *r = &rf->runs[i];

		if (!run_usable(r) || r->threads != t)
			continue;
		if (!first)
			first = r;
		if (r->cs_ns == first->cs_ns && r->think_ns == first->think_ns)
			nser++;
	}
	if (!first)
		return NULL;
	c->boxwidth = 0.8 / nser;
	for (i = 0, k = 0; i < rf->nruns; i++) {
		const struct lb_rf_run *r = &rf->runs[i];
		unsigned int nthr = 0;
		double *sum, total = 0;
		struct series *s;

		if (!run_usable(r) || r->threads != t ||
		    r->cs_ns != first->cs_ns || r->think_ns != first->think_ns)
			continue;
		for (j = 0; j < r->nreps; j++)
			if (r->reps[j].ok && r->reps[j].nthreads > nthr)
				nthr = r->reps[j].nthreads;
		sum = lb_xzalloc((nthr + 1) * sizeof(*sum));
		for (j = 0; j < r->nreps; j++) {
			unsigned int w;

			if (!r->reps[j].ok || r->reps[j].nthreads != nthr)
				continue;
			for (w = 0; w < nthr; w++) {
				sum[w] += (double)r->reps[j].thread_ops[w];
				total += (double)r->reps[j].thread_ops[w];
			}
		}
		series_title(in, 0, r, false, false, title, sizeof(title));
		s = series_get(c, r->key, title);
		for (j = 0; total > 0 && j < nthr; j++)
			add_point(s,
				  j + 1 + (k - (nser - 1) / 2.0) * c->boxwidth,
				  sum[j] * nthr / total, NAN, NAN);
		free(sum);
		k++;
	}
	return first;
}

/* Shade beyond the PUs, log x when the counts span a wide range. */
static void threads_axis(const struct input *in, struct chart *c)
{
	unsigned int f, i, lo = UINT32_MAX, hi = 0, pus = UINT32_MAX, t;
	unsigned int count = 0;
	size_t used;

	for (f = 0; f < in->n; f++) {
		pus = in->rf[f]->pus < pus ? in->rf[f]->pus : pus;
		for (i = 0; i < in->rf[f]->nruns; i++) {
			t = in->rf[f]->runs[i].threads;
			lo = t < lo ? t : lo;
			hi = t > hi ? t : hi;
		}
	}
	c->logx = hi >= 8 * lo ? 2 : 0;
	/* mark each thread count that occurs (up to a readable number) */
	for (t = lo, used = 0; t <= hi && hi != 0; t++) {
		bool seen = false;

		for (f = 0; f < in->n && !seen; f++)
			for (i = 0; i < in->rf[f]->nruns && !seen; i++)
				seen = in->rf[f]->runs[i].threads == t;
		if (!seen)
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
	if (hi > pus)
		c->xover = c->logx ? pus * M_SQRT2 : pus + 0.5;
}

/* Log y when the lines are more than 20x apart. */
static void y_axis(struct chart *c)
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

/* ------------------------------------------------- reference lines */

/*
 * A floor of file @f, from host.floors (results/README.md): one figure
 * (@field "one_way_ns" or "round_trip_ns") of kind @k, NaN when the file
 * has none.  Older files have no floors; nothing in a file is trusted: a
 * figure that is not a positive finite number below an hour is ignored.
 */
static double file_floor(const struct input *in, unsigned int f, int k,
			 const char *field)
{
	json_t *host = json_object_get((json_t *)in->rf[f]->json, "host");
	json_t *fl = json_object_get(host, "floors");
	json_t *v =
		json_object_get(json_object_get(fl, lb_floor_keys[k]), field);
	double y = json_is_number(v) ? json_number_value(v) : NAN;

	return isfinite(y) && y > 0 && y < 3.6e12 ? y : NAN;
}

/*
 * Add the hand-off floors @kinds (n of them) of every file as reference
 * lines, one-way or round trip.  Files of one host with the same figure
 * share a line; several files name their host.
 */
static void add_floors(const struct input *in, struct chart *c,
		       const int *kinds, unsigned int n, bool round_trip)
{
	const char *field = round_trip ? "round_trip_ns" : "one_way_ns";
	const char *how = round_trip ? "round trip" : "one-way";
	unsigned int f, i, j;
	char v[32];

	for (f = 0; f < in->n; f++)
		for (i = 0; i < n; i++) {
			double y = file_floor(in, f, kinds[i], field);
			struct refline *r = &c->refs[c->nrefs];
			bool dup = false;

			if (!isnan(y) && in->n > 1)
				snprintf(r->title, sizeof(r->title),
					 "floor: %s, %s %s (%.60s)",
					 lb_floor_titles[kinds[i]], how,
					 lb_floors_fmt_ns(y, v, sizeof(v)),
					 in->rf[f]->hostname);
			else if (!isnan(y))
				snprintf(r->title, sizeof(r->title),
					 "floor: %s, %s %s",
					 lb_floor_titles[kinds[i]], how,
					 lb_floors_fmt_ns(y, v, sizeof(v)));
			for (j = 0; j < c->nrefs && !isnan(y); j++)
				dup |= c->refs[j].y == y &&
				       !strcmp(c->refs[j].title, r->title);
			if (isnan(y) || dup || c->nrefs == MAX_REFS)
				continue;
			r->y = y;
			snprintf(r->label, sizeof(r->label), "%s floor",
				 lb_floor_titles[kinds[i]]);
			/* quoted by gnuplot: no quotes or backslashes */
			for (j = 0; r->title[j]; j++)
				if (strchr("\"\\'", r->title[j]))
					r->title[j] = '_';
			c->nrefs++;
		}
}

/* ------------------------------------------------ acquire and offload */

/* What a workload chart draws, from each usable run of its workload. */
enum wl_fig {
	WL_LATENCY, /* latency_ns p50 and p99: two series per line */
	WL_LOOP, /* loop_progress.per_sec */
	WL_THROUGHPUT, /* ops_per_sec, in thousands */
};

/* Do the usable runs of @wl differ in: 0 cs, 1 think, 2 threads? */
static bool wl_varies(const struct input *in, const char *wl, int which)
{
	bool seen = false;
	uint64_t first = 0;
	unsigned int f, i;

	for (f = 0; f < in->n; f++)
		for (i = 0; i < in->rf[f]->nruns; i++) {
			const struct lb_rf_run *r = &in->rf[f]->runs[i];
			uint64_t v = which == 0 ? r->cs_ns :
				     which == 1 ? r->think_ns :
						  r->threads;

			if (!run_usable(r) || strcmp(r->workload, wl))
				continue;
			if (seen && v != first)
				return true;
			seen = true;
			first = v;
		}
	return false;
}

/* Against --cs only when the thread count is the same everywhere. */
static bool wl_by_cs(const struct input *in, const char *wl)
{
	return !wl_varies(in, wl, 2) && wl_varies(in, wl, 0);
}

/*
 * Must lines of @wl name their file?  Only when the files holding its runs
 * differ in host or commit, or two of them hold the same configuration
 * (one file per offload mode needs no label).
 */
static bool wl_label_files(const struct input *in, const char *wl)
{
	unsigned int f, g, i, j, first = UINT32_MAX;

	for (f = 0; f < in->n; f++)
		for (i = 0; i < in->rf[f]->nruns; i++) {
			const struct lb_rf_run *r = &in->rf[f]->runs[i];

			if (!run_usable(r) || strcmp(r->workload, wl))
				continue;
			if (first == UINT32_MAX)
				first = f;
			if (strcmp(in->host_commit[f], in->host_commit[first]))
				return true;
			for (g = 0; g < f; g++)
				for (j = 0; j < in->rf[g]->nruns; j++)
					if (!strcmp(in->rf[g]->runs[j].key,
						    r->key))
						return true;
		}
	return false;
}

/* "rfifolock p99", "submit_co, sleep, work 1us (host commit)" */
static void wl_title(const struct input *in, unsigned int f,
		     const struct lb_rf_run *r, const char *pct, char *buf,
		     size_t len)
{
	bool off = !strcmp(r->workload, "offload");
	char b[32];
	size_t used;

	if (off)
		used = (size_t)snprintf(buf, len, "%s, %s", r->offload_mode,
					r->offload_work);
	else
		used = (size_t)snprintf(buf, len, "%s", r->method);
	if (used < len)
		used += knob_title(r, buf + used, len - used);
	if (!wl_by_cs(in, r->workload) && wl_varies(in, r->workload, 0) &&
	    used < len)
		used += (size_t)snprintf(buf + used, len - used, ", %s %s",
					 off ? "work" : "cs",
					 fmt_ns(r->cs_ns, b, sizeof(b)));
	if (wl_varies(in, r->workload, 1) && used < len)
		used += (size_t)snprintf(buf + used, len - used, ", think %s",
					 fmt_ns(r->think_ns, b, sizeof(b)));
	if (r->test_slowdown_pct > 0 && used < len)
		used += (size_t)snprintf(buf + used, len - used,
					 " [TEST SLOWDOWN %g%%]",
					 r->test_slowdown_pct);
	if (pct && used < len)
		used += (size_t)snprintf(buf + used, len - used, " %s", pct);
	if (in->n > 1 && wl_label_files(in, r->workload) && used < len)
		snprintf(buf + used, len - used, " (%s)", in->label[f]);
}

static void fill_wl(const struct input *in, struct chart *c, const char *wl,
		    enum wl_fig fig)
{
	bool by_cs = wl_by_cs(in, wl);
	/* bql counts lock operations (millions); the others, work items. */
	double k = fig == WL_LOOP ? 1 : strcmp(wl, "bql") ? 1e-3 : 1e-6;
	char id[2048], sid[2100], title[256];
	unsigned int f, i, p;

	for (f = 0; f < in->n; f++)
		for (i = 0; i < in->rf[f]->nruns; i++) {
			const struct lb_rf_run *r = &in->rf[f]->runs[i];
			double x = by_cs ? (double)r->cs_ns : r->threads;
			struct lb_summary s;

			if (!run_usable(r) || strcmp(r->workload, wl))
				continue;
			key_without(r, by_cs ? "cs_ns" : "threads", f, id,
				    sizeof(id));
			if (fig == WL_LATENCY) {
				/* the pair p50, p99 stays adjacent */
				for (p = 0; p < 2; p++) {
					snprintf(sid, sizeof(sid), "%s|%u", id,
						 p);
					wl_title(in, f, r, p ? "p99" : "p50",
						 title, sizeof(title));
					run_summary(r,
						    p ? "latency_ns.p99" :
							"latency_ns.p50",
						    &s);
					if (s.n)
						add_point(series_get(c, sid,
								     title),
							  x, s.median, s.min,
							  s.max);
				}
				continue;
			}
			wl_title(in, f, r, NULL, title, sizeof(title));
			run_summary(r,
				    fig == WL_LOOP ? "loop_progress.per_sec" :
						     "ops_per_sec",
				    &s);
			if (!s.n)
				continue;
			add_point(series_get(c, id, title), x, s.median * k,
				  fmax(s.ci95_lo, s.min) * k,
				  fmin(s.ci95_hi, s.max) * k);
		}
}

/* The x axis of a workload chart: its runs' thread counts or --cs. */
static void wl_axis(const struct input *in, struct chart *c, const char *wl)
{
	unsigned int f, i, lo = UINT32_MAX, hi = 0, pus = UINT32_MAX, t;
	uint64_t cslo = UINT64_MAX, cshi = 0;
	unsigned int count = 0;
	size_t used = 0;

	for (f = 0; f < in->n; f++)
		for (i = 0; i < in->rf[f]->nruns; i++) {
			const struct lb_rf_run *r = &in->rf[f]->runs[i];

			if (!run_usable(r) || strcmp(r->workload, wl))
				continue;
			pus = in->rf[f]->pus < pus ? in->rf[f]->pus : pus;
			lo = r->threads < lo ? r->threads : lo;
			hi = r->threads > hi ? r->threads : hi;
			cslo = r->cs_ns < cslo ? r->cs_ns : cslo;
			cshi = r->cs_ns > cshi ? r->cs_ns : cshi;
		}
	if (!hi)
		return;
	if (wl_by_cs(in, wl)) {
		c->xlabel = !strcmp(wl, "offload") ?
				    "work handed off (--cs, ns)" :
				    "critical section (--cs, ns)";
		c->logx = cslo > 0 && cshi >= 8 * cslo ? 10 : 0;
		return;
	}
	c->logx = hi >= 8 * lo ? 2 : 0;
	for (t = lo; t <= hi && used < sizeof(c->xtics) - 12; t++) {
		bool seen = false;

		for (f = 0; f < in->n && !seen; f++)
			for (i = 0; i < in->rf[f]->nruns && !seen; i++)
				seen = in->rf[f]->runs[i].threads == t &&
				       run_usable(&in->rf[f]->runs[i]) &&
				       !strcmp(in->rf[f]->runs[i].workload, wl);
		if (seen && ++count <= 16)
			used += (size_t)snprintf(c->xtics + used,
						 sizeof(c->xtics) - used,
						 "%s%u", used ? "," : "", t);
	}
	if (used >= sizeof(c->xtics) - 12 || count > 16)
		c->xtics[0] = '\0';
	if (hi > pus)
		c->xover = c->logx ? pus * M_SQRT2 : pus + 0.5;
}

/* Does any file hold usable runs of @wl with this figure? */
static bool wl_has(const struct input *in, const char *wl, enum wl_fig fig)
{
	unsigned int f, i;

	for (f = 0; f < in->n; f++) {
		if ((fig == WL_LOOP && !in->rf[f]->has_loop) ||
		    (fig == WL_LATENCY && !in->rf[f]->has_wl_latency))
			continue;
		for (i = 0; i < in->rf[f]->nruns; i++)
			if (run_usable(&in->rf[f]->runs[i]) &&
			    !strcmp(in->rf[f]->runs[i].workload, wl))
				return true;
	}
	return false;
}

/* ------------------------------------------------------------ output */

static int write_data(const struct plot_opts *o, struct chart *c, char *err,
		      size_t errlen)
{
	char path[4200];
	unsigned int i, j;
	FILE *f;

	snprintf(path, sizeof(path), "%.3000s/data/%.64s.dat", o->dir, c->name);
	f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "cannot write '%.300s': %s", path,
			 strerror(errno));
		return -1;
	}
	fprintf(f, "# lockbench plot: %s\n# %s\n", c->name, c->title);
	for (i = 0; i < c->nrefs; i++)
		fprintf(f, "# floor %.10g \"%s\"\n", c->refs[i].y,
			c->refs[i].title);
	for (i = 0; i < c->n; i++) {
		struct series *s = &c->s[i];

		qsort(s->pts, s->n, sizeof(*s->pts), cmp_point);
		fprintf(f, "%s\"%s\"\n", i ? "\n\n" : "", s->title);
		for (j = 0; j < s->n; j++)
			fprintf(f, "%.10g %.10g %.10g %.10g\n", s->pts[j].x,
				s->pts[j].y, s->pts[j].lo, s->pts[j].hi);
	}
	if (fclose(f)) {
		snprintf(err, errlen, "cannot write '%.300s': %s", path,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* Pixels: taller when the legend below the plot has many entries. */
static unsigned int chart_height(const struct chart *c)
{
	return 560 + 20 * ((c->n + c->nrefs + 1) / 2);
}

/* A string for gnuplot's -e: single quotes cannot appear inside. */
static void gp_str(char *dst, size_t len, const char *src)
{
	size_t i;

	snprintf(dst, len, "%s", src);
	for (i = 0; dst[i]; i++)
		if (dst[i] == '\'' || dst[i] == '\\' || dst[i] == '\n')
			dst[i] = '_';
}

static int run_gnuplot(const struct plot_opts *o, const struct chart *c,
		       char *err, size_t errlen)
{
	char params[12288], title[600], dir[1600], tpl[4200], xl[128], yl[128];
	char rt[200], rl[80];
	char *argv[5];
	unsigned int i;
	int status;
	pid_t pid;

	gp_str(title, sizeof(title), c->title);
	gp_str(dir, sizeof(dir), o->dir);
	gp_str(xl, sizeof(xl), c->xlabel ? c->xlabel : "");
	gp_str(yl, sizeof(yl), c->ylabel ? c->ylabel : "");
	snprintf(tpl, sizeof(tpl), "%.3000s/%.64s", o->templates, c->template);
	snprintf(params, sizeof(params),
		 "templates='%.1500s'; datafile='%.1500s/data/%.64s.dat'; "
		 "outbase='%.1500s/%.64s'; nseries=%u; charttitle='%.500s'; "
		 "xlabel_text='%s'; ylabel_text='%s'; logx=%d; logy=%d; "
		 "xover=%.6g; boxwidth=%.6g; xticlist='%s'; height=%u",
		 o->templates, dir, c->name, dir, c->name, c->n, title, xl, yl,
		 c->logx, c->logy, c->xover,
		 c->boxwidth > 0 ? c->boxwidth : 0.8, c->xtics,
		 chart_height(c));
	/* only when there are floors: older files plot exactly as before */
	for (i = 0; i < c->nrefs; i++) {
		size_t used = strlen(params);

		gp_str(rt, sizeof(rt), c->refs[i].title);
		gp_str(rl, sizeof(rl), c->refs[i].label);
		snprintf(params + used, sizeof(params) - used,
			 "; nrefs=%u; refy%u=%.10g; reftitle%u='%s'; "
			 "reflabel%u='%s'",
			 i + 1, i + 1, c->refs[i].y, i + 1, rt, i + 1, rl);
	}
	argv[0] = (char *)o->gnuplot;
	argv[1] = (char *)"-e";
	argv[2] = params;
	argv[3] = tpl;
	argv[4] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "cannot fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		execv(argv[0], argv);
		fprintf(stderr, "lockbench: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(err, errlen, "gnuplot failed on chart %s (%.300s)",
			 c->name, tpl);
		return -1;
	}
	return 0;
}

static void html_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static void html_num(FILE *f, double v, int decimals, const char *suffix)
{
	if (isfinite(v))
		fprintf(f, "%.*f%s", decimals, v, suffix);
	else
		fputs("&ndash;", f);
}

/* The acquire and offload runs' own figures, when the file has them. */
static void html_wl_table(FILE *f, const struct lb_rf *rf)
{
	static const char *const metrics[] = {
		"latency_ns.p50",
		"latency_ns.p99",
		"latency_ns.max",
		"loop_progress.per_sec",
		"loop_progress.kicks_per_sec",
	};
	unsigned int i, m;
	char b1[32];

	if (!rf->has_wl_latency && !rf->has_loop)
		return;
	fprintf(f,
		"<p>Workloads acquire and offload: latency is the workers' "
		"acquire latency (acquire) or the hand-off round trip "
		"(offload); the event loop's iterations and contention kicks "
		"per second (acquire). Medians over repetitions.</p>\n"
		"<table class=\"figures\" id=\"wl-figures\">\n<tr>"
		"<th>method</th><th>workload</th><th>offload mode, work</th>"
		"<th>threads</th><th>cs</th><th>reps</th>"
		"<th>latency p50 (ns)</th><th>p99 (ns)</th><th>max (ns)</th>"
		"<th>loop iterations/s</th><th>kicks/s</th><th>status</th>"
		"</tr>\n");
	for (i = 0; i < rf->nruns; i++) {
		const struct lb_rf_run *r = &rf->runs[i];

		if (strcmp(r->workload, "acquire") &&
		    strcmp(r->workload, "offload"))
			continue;
		fprintf(f, "<tr%s><td>",
			r->oversubscribed ? " class=\"over\"" : "");
		html_escape(f, r->method);
		fprintf(f, "</td><td>");
		html_escape(f, r->workload);
		fprintf(f, "</td><td>");
		if (*r->offload_mode) {
			html_escape(f, r->offload_mode);
			fprintf(f, ", ");
			html_escape(f, r->offload_work);
		} else {
			fputs("&ndash;", f);
		}
		fprintf(f, "</td><td>%u%s</td><td>%s</td><td>%u</td>",
			r->threads, r->oversubscribed ? " (over)" : "",
			fmt_ns(r->cs_ns, b1, sizeof(b1)), r->nreps);
		for (m = 0; m < LB_ARRAY_SIZE(metrics); m++) {
			struct lb_summary s;

			run_summary(r, metrics[m], &s);
			fprintf(f, "<td>");
			html_num(f, s.median, m < 3 ? 0 : 1, "");
			fprintf(f, "</td>");
		}
		fprintf(f, "<td>");
		html_escape(f, r->status);
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table>\n");
}

static void html_file_table(FILE *f, const struct input *in, unsigned int k)
{
	const struct lb_rf *rf = in->rf[k];
	unsigned int i, p;
	char b1[32], b2[32];

	fprintf(f, "<h3>");
	html_escape(f, in->label[k]);
	fprintf(f, "</h3>\n<table class=\"host\">\n");
	fprintf(f, "<tr><th>file</th><td>");
	html_escape(f, rf->path);
	fprintf(f, "</td></tr>\n<tr><th>host</th><td>");
	html_escape(f, rf->hostname);
	fprintf(f, " &middot; ");
	html_escape(f, rf->cpu_model);
	fprintf(f, " &middot; %u online CPUs, %u PUs &middot; Linux ",
		rf->online_cpus, rf->pus);
	html_escape(f, rf->kernel);
	fprintf(f, "</td></tr>\n<tr><th>lockbench</th><td>");
	html_escape(f, rf->version);
	fprintf(f, " (");
	html_escape(f, rf->commit);
	fprintf(f, "), run ");
	html_escape(f, rf->created);
	fprintf(f, "</td></tr>\n");
	if (rf->test_slowdown)
		fprintf(f, "<tr><th>warning</th><td class=\"warn\">injected "
			   "test slowdown (LOCKBENCH_TEST_SLOWDOWN): not a "
			   "real result</td></tr>\n");
	fprintf(f, "</table>\n<table class=\"figures\">\n<tr><th>method</th>"
		   "<th>workload</th><th>threads</th><th>cs</th><th>think</th>"
		   "<th>reps</th><th>Mops/s (median)</th><th>&plusmn;95%%</th>"
		   "<th>Jain</th><th>CPU &micro;s/op</th>");
	if (rf->has_latency)
		fprintf(f, "<th>p99 latency (ns)</th>");
	fprintf(f, "<th>status</th></tr>\n");
	for (i = 0; i < rf->nruns; i++) {
		const struct lb_rf_run *r = &rf->runs[i];
		struct lb_summary thr, jain, cpu, lat;

		run_summary(r, "ops_per_sec", &thr);
		run_summary(r, "jain", &jain);
		run_summary(r, "cpu_us_per_op", &cpu);
		fprintf(f, "<tr%s><td>",
			r->oversubscribed ? " class=\"over\"" : "");
		html_escape(f, r->method);
		fprintf(f, "</td><td>");
		html_escape(f, r->workload);
		fprintf(f,
			"</td><td>%u%s</td><td>%s</td><td>%s</td><td>%u</td>"
			"<td>",
			r->threads, r->oversubscribed ? " (over)" : "",
			fmt_ns(r->cs_ns, b1, sizeof(b1)),
			fmt_ns(r->think_ns, b2, sizeof(b2)), r->nreps);
		html_num(f, thr.median / 1e6, 3, "");
		fprintf(f, "</td><td>");
		html_num(f, (thr.ci95_hi - thr.mean) / thr.mean * 100, 1, "%");
		fprintf(f, "</td><td>");
		html_num(f, jain.median, 3, "");
		fprintf(f, "</td><td>");
		html_num(f, cpu.median, 4, "");
		fprintf(f, "</td>");
		if (rf->has_latency) {
			p = LB_RF_P99;
			latency_summary(r, p, &lat);
			fprintf(f, "<td>");
			html_num(f, lat.median, 0, "");
			fprintf(f, "</td>");
		}
		fprintf(f, "<td>");
		html_escape(f, r->status);
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table>\n");
	html_wl_table(f, rf);
}

static int write_index(const struct plot_opts *o, const struct input *in,
		       struct chart *charts, unsigned int ncharts, char *err,
		       size_t errlen)
{
	char path[4200], tmp[4300];
	unsigned int i;
	FILE *f;

	snprintf(path, sizeof(path), "%.3000s/index.html", o->dir);
	snprintf(tmp, sizeof(tmp), "%.3100s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		snprintf(err, errlen, "cannot write '%.300s': %s", path,
			 strerror(errno));
		return -1;
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n<title>lockbench charts</title>\n"
	      "<style>\n"
	      "body{font-family:sans-serif;margin:2em;color:#111;"
	      "background:#fff}\n"
	      "figure{margin:1em 0 2em 0}\n"
	      "img{max-width:100%;height:auto;border:1px solid #ccc}\n"
	      "figcaption{color:#333;max-width:60em}\n"
	      "table{border-collapse:collapse;margin:0.5em 0 1.5em 0}\n"
	      "th,td{border:1px solid #bbb;padding:2px 8px;text-align:left}\n"
	      "table.figures td{text-align:right}\n"
	      "tr.over{background:#eee}\n"
	      ".warn{color:#a00;font-weight:bold}\n"
	      "</style>\n</head>\n<body>\n<h1>lockbench charts</h1>\n",
	      f);
	fprintf(f,
		"<p>From %u result file%s by lockbench " PACKAGE_VERSION
		". Each chart links to its SVG.</p>\n",
		in->n, in->n > 1 ? "s" : "");
	fprintf(f, "<h2>Charts</h2>\n");
	for (i = 0; i < ncharts; i++) {
		struct chart *c = &charts[i];

		if (!c->drawn)
			continue;
		fprintf(f,
			"<figure id=\"%s\">\n<a href=\"%s.svg\"><img "
			"src=\"%s.png\" width=\"960\" height=\"%u\" "
			"alt=\"",
			c->name, c->name, c->name, chart_height(c));
		html_escape(f, c->title);
		fprintf(f, "\"></a>\n<figcaption>");
		html_escape(f, c->caption);
		if (c->nrefs)
			fprintf(f, " Grey dashed lines: the hand-off floors "
				   "of the machine (host.floors, lockbench "
				   "floors), the least a hand-off between two "
				   "PUs costs there.");
		fprintf(f,
			" Data: <a href=\"data/%s.dat\">data/%s.dat</a>."
			"</figcaption>\n</figure>\n",
			c->name, c->name);
	}
	for (i = 0; i < ncharts; i++)
		if (!charts[i].drawn) {
			fprintf(f, "<p>Not drawn: <b>%s</b> &ndash; ",
				charts[i].name);
			html_escape(f, charts[i].why_not);
			fprintf(f, ".</p>\n");
		}
	fprintf(f, "<h2>Summary figures and where they came from</h2>\n"
		   "<p>Medians over repetitions; &plusmn;95%% is the half-"
		   "width of the confidence interval of the mean; grey rows "
		   "ran more threads than PUs.</p>\n");
	for (i = 0; i < in->n; i++)
		html_file_table(f, in, i);
	fputs("</body>\n</html>\n", f);
	if (fclose(f) || rename(tmp, path)) {
		snprintf(err, errlen, "cannot write '%.300s': %s", path,
			 strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ driver */

static bool file_exists(const char *dir, const char *name)
{
	char path[4200];

	snprintf(path, sizeof(path), "%.3000s/%.100s", dir, name);
	return access(path, R_OK) == 0;
}

static const char *find_templates(const char *arg)
{
	static char exe_dir[4200];
	const char *env = getenv("LOCKBENCH_TEMPLATES");
	ssize_t n;

	if (arg)
		return arg;
	if (env && *env)
		return env;
	/* beside the binary (a build in the source tree) */
	n = readlink("/proc/self/exe", exe_dir, sizeof(exe_dir) - 16);
	if (n > 0) {
		char *slash;

		exe_dir[n] = '\0';
		slash = strrchr(exe_dir, '/');
		if (slash) {
			strcpy(slash, "/scripts");
			if (file_exists(exe_dir, "plot-common.gp"))
				return exe_dir;
		}
	}
	if (file_exists(LB_SRCDIR "/scripts", "plot-common.gp"))
		return LB_SRCDIR "/scripts";
	return LB_PKGDATADIR;
}

static void make_dir(const char *dir)
{
	struct stat st;

	if (!stat(dir, &st)) {
		if (!S_ISDIR(st.st_mode))
			lb_usage_error("invalid output directory '%s': not a "
				       "directory",
				       dir);
		return;
	}
	if (mkdir(dir, 0755))
		lb_usage_error("invalid output directory '%s': %s", dir,
			       strerror(errno));
}

static void load_inputs(struct input *in, char **paths, int n)
{
	char err[LB_ERRLEN];
	unsigned int i, j;

	if (n < 1)
		lb_usage_error("plot: expected one or more result files (see "
			       "'lockbench plot --help')");
	if (n > MAX_FILES)
		lb_usage_error("plot: too many result files (%d, at most %d)",
			       n, MAX_FILES);
	for (i = 0; i < (unsigned int)n; i++) {
		if (lb_rf_load(paths[i], &in->rf[i], err, sizeof(err)))
			lb_usage_error("%s", err);
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
}

static void chart_title(const struct input *in, struct chart *c,
			const char *what)
{
	if (in->n == 1)
		snprintf(c->title, sizeof(c->title), "%s - %s, %s", what,
			 in->label[0], in->rf[0]->cpu_model);
	else
		snprintf(c->title, sizeof(c->title), "%s - %u result files",
			 what, in->n);
}

enum {
	CH_THREADS,
	CH_CS,
	CH_FAIRNESS,
	CH_LATENCY,
	CH_CPU,
	CH_SHARE,
	CH_ACQ_LATENCY,
	CH_ACQ_LOOP,
	CH_OFF_LATENCY,
	CH_OFF_THROUGHPUT,
	CH_BQL,
	CH_TIMELINE,
	CH_TIMELINE_WORKERS,
	CH_N
};

static void build_timeline_charts(const struct input *in, struct chart *ch)
{
	const struct lb_rf_run *r;
	char cs[32];

	ch[CH_TIMELINE] = (struct chart){
		.name = "timeline",
		.template = "plot-lines.gp",
		.caption = "Throughput over time inside a run (10 ms windows, "
			   "the first repetition of each configuration at the "
			   "first file's highest thread count): convoys and "
			   "preemption collapses that the averages hide.",
		.xlabel = "time in the measured window (ms)",
		.ylabel = "throughput (million operations per second)",
	};
	r = fill_timeline(in, &ch[CH_TIMELINE], false);
	if (r) {
		snprintf(ch[CH_TIMELINE].title, sizeof(ch[CH_TIMELINE].title),
			 "Throughput over time, %u threads, cs %s - %s",
			 r->threads, fmt_ns(r->cs_ns, cs, sizeof(cs)),
			 in->label[0]);
		y_axis(&ch[CH_TIMELINE]);
	} else {
		snprintf(ch[CH_TIMELINE].why_not,
			 sizeof(ch[CH_TIMELINE].why_not),
			 "these result files record no timeline (files "
			 "written before it existed)");
	}
	ch[CH_TIMELINE_WORKERS] = (struct chart){
		.name = "timeline-workers",
		.template = "plot-lines.gp",
		.caption = "Each worker's throughput over time in the first "
			   "configuration of the timeline chart (at most 16 "
			   "workers): who got the lock when.",
		.xlabel = "time in the measured window (ms)",
		.ylabel = "throughput (million operations per second)",
	};
	r = fill_timeline(in, &ch[CH_TIMELINE_WORKERS], true);
	if (r) {
		snprintf(ch[CH_TIMELINE_WORKERS].title,
			 sizeof(ch[CH_TIMELINE_WORKERS].title),
			 "Per-worker throughput over time, %s, %u threads - %s",
			 r->method, r->threads, in->label[0]);
		y_axis(&ch[CH_TIMELINE_WORKERS]);
	} else {
		snprintf(ch[CH_TIMELINE_WORKERS].why_not,
			 sizeof(ch[CH_TIMELINE_WORKERS].why_not),
			 "these result files record no timeline");
	}
}

/* A workload's chart: drawn only when the files hold its figures. */
static void build_wl_chart(const struct input *in, struct chart *c,
			   const char *wl, enum wl_fig fig, const char *what)
{
	chart_title(in, c, what);
	if (!wl_has(in, wl, fig)) {
		snprintf(c->why_not, sizeof(c->why_not),
			 "these result files hold no %s runs with these "
			 "figures (lockbench run -w %s)",
			 wl, wl);
		return;
	}
	c->xlabel = strcmp(wl, "acquire") ?
			    "threads" :
			    "worker threads (the event loop is one more)";
	wl_axis(in, c, wl);
	fill_wl(in, c, wl, fig);
	if (fig != WL_LATENCY)
		y_axis(c);
}

static void build_wl_charts(const struct input *in, struct chart *ch)
{
	/* a worker's wait: spinning, sleeping, or the loop's eventfd kick */
	static const int acq_floors[] = { LB_FLOOR_CACHELINE, LB_FLOOR_FUTEX,
					  LB_FLOOR_EVENTFD };
	/* a hand-off to a pool worker and back: two wake-ups */
	static const int off_floors[] = { LB_FLOOR_EVENTFD, LB_FLOOR_FUTEX };

	ch[CH_ACQ_LATENCY] = (struct chart){
		.name = "acquire-latency",
		.template = "plot-pct.gp",
		.caption = "Workload acquire: how long a worker waits for the "
			   "context an event loop holds (lock call to holding "
			   "the lock), p50 (dashed, open points) and p99 "
			   "(solid, filled), median over repetitions, bars "
			   "min to max. Read it with acquire-loop: the price "
			   "the workers pay for keeping the loop moving.",
		.ylabel = "acquire latency (ns, log scale)",
	};
	build_wl_chart(in, &ch[CH_ACQ_LATENCY], "acquire", WL_LATENCY,
		       "Acquire latency (p50, p99)");
	add_floors(in, &ch[CH_ACQ_LATENCY], acq_floors,
		   LB_ARRAY_SIZE(acq_floors), false);
	ch[CH_ACQ_LOOP] = (struct chart){
		.name = "acquire-loop",
		.template = "plot-lines.gp",
		.caption = "Workload acquire: the event loop's own progress, "
			   "iterations per second (each waits for a 100 us "
			   "tick or a kick, then dispatches --cs of work under "
			   "the lock) while the workers contend for its "
			   "context: does the lock let the loop keep running? "
			   "Median, bars the 95% confidence interval. The loop "
			   "is one more thread than the workers.",
		.ylabel = "event-loop iterations per second",
	};
	build_wl_chart(in, &ch[CH_ACQ_LOOP], "acquire", WL_LOOP,
		       "Event-loop progress under contention");
	ch[CH_OFF_LATENCY] = (struct chart){
		.name = "offload-latency",
		.template = "plot-pct.gp",
		.caption =
			"Workload offload: the round trip of handing --cs of "
			"work (busy or sleep) to the thread pool, from just "
			"before the hand-off to the coroutine running again "
			"with the result, per offload mode (inline: a "
			"blocking call in the loop thread, no hand-off). p50 "
			"dashed with open points, p99 solid with filled "
			"points; median over repetitions, bars min to max.",
		.ylabel = "hand-off round trip (ns, log scale)",
	};
	build_wl_chart(in, &ch[CH_OFF_LATENCY], "offload", WL_LATENCY,
		       "Offload round trip (p50, p99)");
	add_floors(in, &ch[CH_OFF_LATENCY], off_floors,
		   LB_ARRAY_SIZE(off_floors), true);
	ch[CH_OFF_THROUGHPUT] = (struct chart){
		.name = "offload-throughput",
		.template = "plot-lines.gp",
		.caption = "Workload offload: operations completed per second "
			   "(all coroutines), per offload mode and work kind: "
			   "handing blocking work to the pool pays when it "
			   "beats inline. Median, bars the 95% confidence "
			   "interval.",
		.ylabel = "throughput (thousand operations per second)",
	};
	build_wl_chart(in, &ch[CH_OFF_THROUGHPUT], "offload", WL_THROUGHPUT,
		       "Offload throughput");
	ch[CH_BQL] = (struct chart){
		.name = "bql-threads",
		.template = "plot-lines.gp",
		.caption = "Workload bql: the same work on --objects objects "
			   "under one big lock or under per-object locks "
			   "(--locks), operations per second against "
			   "threads: what breaking the big lock down buys at "
			   "each thread count. Median, bars the 95% "
			   "confidence interval.",
		.ylabel = "throughput (million operations per second)",
	};
	build_wl_chart(in, &ch[CH_BQL], "bql", WL_THROUGHPUT,
		       "One big lock against per-object locks");
	build_timeline_charts(in, ch);
}

static void build_charts(const struct input *in, struct chart *ch)
{
	const struct lb_rf_run *share;
	bool latency = false;
	unsigned int f;

	ch[CH_THREADS] = (struct chart){
		.name = "throughput-threads",
		.template = "plot-lines.gp",
		.caption = "Throughput of all threads together against the "
			   "number of threads: median over repetitions, bars "
			   "the 95% confidence interval of the mean. Shaded: "
			   "more threads than processing units.",
		.xlabel = "threads",
		.ylabel = "throughput (million operations per second)",
	};
	chart_title(in, &ch[CH_THREADS], "Throughput against threads");
	fill_vs_threads(in, &ch[CH_THREADS], "ops_per_sec", 1e-6, true);
	threads_axis(in, &ch[CH_THREADS]);
	y_axis(&ch[CH_THREADS]);

	ch[CH_CS] = (struct chart){
		.name = "throughput-cs",
		.template = "plot-lines.gp",
		.caption = "Throughput against the length of the critical "
			   "section (calibrated busy work), one line per "
			   "method and thread count.",
		.xlabel = "critical section (ns)",
		.ylabel = "throughput (million operations per second)",
	};
	chart_title(in, &ch[CH_CS], "Throughput against critical section");
	if (varies(in, 0)) {
		fill_vs_cs(in, &ch[CH_CS]);
		y_axis(&ch[CH_CS]);
	} else {
		snprintf(ch[CH_CS].why_not, sizeof(ch[CH_CS].why_not),
			 "every run has the same critical section (run with "
			 "several --cs values)");
	}

	ch[CH_FAIRNESS] = (struct chart){
		.name = "fairness-threads",
		.template = "plot-lines.gp",
		.caption = "Jain's fairness index of the per-thread operation "
			   "counts (1 = equal shares, 1/n = one thread did "
			   "everything): median, bars min to max.",
		.xlabel = "threads",
		.ylabel = "Jain fairness index (1 = fair)",
	};
	chart_title(in, &ch[CH_FAIRNESS], "Fairness against threads");
	fill_vs_threads(in, &ch[CH_FAIRNESS], "jain", 1, false);
	threads_axis(in, &ch[CH_FAIRNESS]);

	ch[CH_LATENCY] = (struct chart){
		.name = "latency",
		.template = "plot-latency.gp",
		.caption = "Acquisition latency percentiles at the highest "
			   "thread count: median over repetitions, bars min "
			   "to max.",
	};
	chart_title(in, &ch[CH_LATENCY], "Acquisition latency");
	for (f = 0; f < in->n; f++)
		latency |= in->rf[f]->has_latency;
	if (latency) {
		static const int kinds[] = { LB_FLOOR_CACHELINE,
					     LB_FLOOR_FUTEX };

		fill_latency(in, &ch[CH_LATENCY]);
		add_floors(in, &ch[CH_LATENCY], kinds, LB_ARRAY_SIZE(kinds),
			   false);
	} else
		snprintf(ch[CH_LATENCY].why_not, sizeof(ch[CH_LATENCY].why_not),
			 "these result files record no latency percentiles");

	ch[CH_CPU] = (struct chart){
		.name = "cpu-threads",
		.template = "plot-lines.gp",
		.caption = "CPU time (user + system, all threads) per "
			   "operation: what separates spinning locks from "
			   "sleeping ones. Median, bars the 95% confidence "
			   "interval.",
		.xlabel = "threads",
		.ylabel = "CPU time per operation (microseconds)",
	};
	chart_title(in, &ch[CH_CPU], "CPU per operation against threads");
	fill_vs_threads(in, &ch[CH_CPU], "cpu_us_per_op", 1, true);
	threads_axis(in, &ch[CH_CPU]);
	y_axis(&ch[CH_CPU]);

	ch[CH_SHARE] = (struct chart){
		.name = "share",
		.template = "plot-share.gp",
		.caption = "Each thread's share of the operations (summed over "
			   "repetitions) in the configuration with the most "
			   "threads of the first file; 1 = an equal share.",
	};
	share = fill_share(in, &ch[CH_SHARE]);
	if (share) {
		char cs[32];

		snprintf(ch[CH_SHARE].title, sizeof(ch[CH_SHARE].title),
			 "Per-thread share, %u threads, cs %s - %s",
			 share->threads, fmt_ns(share->cs_ns, cs, sizeof(cs)),
			 in->label[0]);
	}
	build_wl_charts(in, ch);
}

int lb_cmd_plot(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "data-only", no_argument, NULL, 'D' },
		{ "templates", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct plot_opts o = { .dir = "plots" };
	const char *templates = NULL, *env_gp = getenv("LOCKBENCH_GNUPLOT");
	struct chart ch[CH_N];
	struct input *in = lb_xzalloc(sizeof(*in));
	char err[LB_ERRLEN], datadir[4200];
	unsigned int i, drawn = 0;
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.dir = optarg;
			break;
		case 'D':
			o.data_only = true;
			break;
		case 'T':
			templates = optarg;
			break;
		case 'h':
			return plot_usage(stdout, 0);
		default:
			lb_bad_option("plot", c, argv, longopts);
		}
	}
	if (!*o.dir || strlen(o.dir) > 1024)
		lb_usage_error("invalid output directory '%.64s': empty or "
			       "longer than 1024 characters",
			       o.dir);
	o.gnuplot = env_gp && *env_gp ? env_gp : LB_GNUPLOT;
	if (!o.data_only &&
	    (!strcmp(o.gnuplot, "no") || access(o.gnuplot, X_OK)))
		lb_usage_error("plot: gnuplot is not installed ('%s'); install "
			       "it (Debian: gnuplot-nox) or use --data-only",
			       o.gnuplot);
	o.templates = find_templates(templates);
	if (!o.data_only && (!file_exists(o.templates, "plot-common.gp") ||
			     !file_exists(o.templates, "plot-lines.gp")))
		lb_usage_error("plot: no gnuplot templates in '%s' (use "
			       "--templates DIR)",
			       o.templates);
	load_inputs(in, argv + optind, argc - optind);
	make_dir(o.dir);
	snprintf(datadir, sizeof(datadir), "%.3000s/data", o.dir);
	make_dir(datadir);
	build_charts(in, ch);
	for (i = 0; i < CH_N; i++) {
		if (!ch[i].n) {
			if (!ch[i].why_not[0])
				snprintf(ch[i].why_not, sizeof(ch[i].why_not),
					 "no usable run in these files");
			continue;
		}
		if (write_data(&o, &ch[i], err, sizeof(err)))
			lb_usage_error("%s", err);
		if (o.data_only) {
			printf("%s/data/%s.dat\n", o.dir, ch[i].name);
			continue;
		}
		if (run_gnuplot(&o, &ch[i], err, sizeof(err))) {
			fprintf(stderr, "lockbench: %s\n", err);
			rc = LB_EXIT_RUN;
			continue;
		}
		ch[i].drawn = true;
		drawn++;
		printf("%s/%s.png %s/%s.svg\n", o.dir, ch[i].name, o.dir,
		       ch[i].name);
	}
	if (!o.data_only) {
		if (write_index(&o, in, ch, CH_N, err, sizeof(err)))
			lb_usage_error("%s", err);
		printf("%s/index.html (%u chart%s)\n", o.dir, drawn,
		       drawn == 1 ? "" : "s");
	}
	for (i = 0; i < CH_N; i++)
		chart_free(&ch[i]);
	for (i = 0; i < in->n; i++)
		lb_rf_free(in->rf[i]);
	free(in);
	return rc;
}
