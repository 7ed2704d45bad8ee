/* SPDX-License-Identifier: MIT */
/*
 * page.c - DIR/index.html: the page template (data/index.html) with its
 * placeholders filled: the drawn charts with their captions, the charts
 * not drawn and why, and per result file its host and a table of the
 * figures the charts were drawn from.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/plot/internal.h"
#include "harness/util/options.h"
#include "runtime/compiler.h"

#define TEMPLATE_MAX (1 << 20)

/* What the placeholders are filled from. */
struct page {
	FILE *f;
	const struct lb_plot_input *in;
	const struct lb_chart *ch;
	unsigned int n;
};

static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		const char *e = *s == '<' ? "&lt;" :
				*s == '>' ? "&gt;" :
				*s == '&' ? "&amp;" :
				*s == '"' ? "&quot;" :
					    NULL;

		if (e)
			fputs(e, f);
		else
			fputc(*s, f);
	}
}

/* @before as it is, then @s escaped. */
static void esc_after(FILE *f, const char *before, const char *s)
{
	fputs(before, f);
	esc(f, s);
}

/* A cell: text, escaped. */
static void td_esc(FILE *f, const char *s)
{
	esc_after(f, "<td>", s);
	fputs("</td>", f);
}

/* A cell: a number with @decimals and @suffix, a dash when undefined. */
static void td_num(FILE *f, double v, int decimals, const char *suffix)
{
	if (isfinite(v))
		fprintf(f, "<td>%.*f%s</td>", decimals, v, suffix);
	else
		fputs("<td>&ndash;</td>", f);
}

/* A cell: a duration, "100ns". */
static void td_ns(FILE *f, uint64_t ns)
{
	char b[32];

	fprintf(f, "<td>%s</td>", lb_format_duration(ns, b, sizeof(b)));
}

/* A header row of @n columns (and @more when not NULL), then "status". */
static void th_row(FILE *f, const char *const *cols, size_t n, const char *more)
{
	size_t i;

	fputs("<tr>", f);
	for (i = 0; i < n; i++)
		fprintf(f, "<th>%s</th>", cols[i]);
	if (more)
		fprintf(f, "<th>%s</th>", more);
	fputs("<th>status</th></tr>\n", f);
}

/* A run's row up to its thread count: greyed when oversubscribed. */
static void row_head(FILE *f, const struct lb_rf_run *r)
{
	fprintf(f, "<tr%s>", r->oversubscribed ? " class=\"over\"" : "");
	td_esc(f, r->method);
	td_esc(f, r->workload);
}

static void td_threads(FILE *f, const struct lb_rf_run *r)
{
	fprintf(f, "<td>%u%s</td>", r->threads,
		r->oversubscribed ? " (over)" : "");
}

static void row_tail(FILE *f, const struct lb_rf_run *r)
{
	td_esc(f, r->status);
	fputs("</tr>\n", f);
}

/* The acquire and offload runs' own figures, when the file has them. */
static void wl_table(FILE *f, const struct lb_rf *rf)
{
	static const char *const cols[] = {
		"method",
		"workload",
		"offload mode, work",
		"threads",
		"cs",
		"reps",
		"latency p50 (ns)",
		"p99 (ns)",
		"max (ns)",
		"loop iterations/s",
		"kicks/s",
	};
	static const char *const metrics[] = {
		"latency_ns.p50",
		"latency_ns.p99",
		"latency_ns.max",
		"loop_progress.per_sec",
		"loop_progress.kicks_per_sec",
	};
	unsigned int i, m;

	if (!rf->has_wl_latency && !rf->has_loop)
		return;
	fputs("<p>Workloads acquire and offload: latency is the workers' "
	      "acquire latency (acquire) or the hand-off round trip "
	      "(offload); the event loop's iterations and contention kicks "
	      "per second (acquire). Medians over repetitions.</p>\n"
	      "<table class=\"figures\" id=\"wl-figures\">\n",
	      f);
	th_row(f, cols, LB_ARRAY_SIZE(cols), NULL);
	for (i = 0; i < rf->nruns; i++) {
		const struct lb_rf_run *r = &rf->runs[i];

		if (strcmp(r->workload, "acquire") &&
		    strcmp(r->workload, "offload"))
			continue;
		row_head(f, r);
		fputs("<td>", f);
		if (*r->offload_mode) {
			esc(f, r->offload_mode);
			fputs(", ", f);
			esc(f, r->offload_work);
		} else {
			fputs("&ndash;", f);
		}
		fputs("</td>", f);
		td_threads(f, r);
		td_ns(f, r->cs_ns);
		fprintf(f, "<td>%u</td>", r->nreps);
		for (m = 0; m < LB_ARRAY_SIZE(metrics); m++) {
			struct lb_summary s;

			lb_plot_summary(r, metrics[m], &s);
			td_num(f, s.median, m < 3 ? 0 : 1, "");
		}
		row_tail(f, r);
	}
	fputs("</table>\n", f);
}

/* Where file @k came from: host, lockbench version, a warning. */
static void host_table(FILE *f, const struct lb_plot_input *in, unsigned int k)
{
	const struct lb_rf *rf = in->rf[k];

	esc_after(f, "<h3>", in->label[k]);
	esc_after(f, "</h3>\n<table class=\"host\">\n<tr><th>file</th><td>",
		  rf->path);
	esc_after(f, "</td></tr>\n<tr><th>host</th><td>", rf->hostname);
	esc_after(f, " &middot; ", rf->cpu_model);
	fprintf(f, " &middot; %u online CPUs, %u PUs &middot; Linux ",
		rf->online_cpus, rf->pus);
	esc(f, rf->kernel);
	esc_after(f, "</td></tr>\n<tr><th>lockbench</th><td>", rf->version);
	esc_after(f, " (", rf->commit);
	esc_after(f, "), run ", rf->created);
	fputs("</td></tr>\n", f);
	if (rf->test_slowdown)
		fputs("<tr><th>warning</th><td class=\"warn\">injected test "
		      "slowdown (LOCKBENCH_TEST_SLOWDOWN): not a real "
		      "result</td></tr>\n",
		      f);
	fputs("</table>\n", f);
}

/* A row of the figures table: medians over the repetitions. */
static void figures_row(FILE *f, const struct lb_rf *rf,
			const struct lb_rf_run *r)
{
	struct lb_summary thr, jain, cpu, lat;

	lb_plot_summary(r, "ops_per_sec", &thr);
	lb_plot_summary(r, "jain", &jain);
	lb_plot_summary(r, "cpu_us_per_op", &cpu);
	row_head(f, r);
	td_threads(f, r);
	td_ns(f, r->cs_ns);
	td_ns(f, r->think_ns);
	fprintf(f, "<td>%u</td>", r->nreps);
	td_num(f, thr.median / 1e6, 3, "");
	td_num(f, (thr.ci95_hi - thr.mean) / thr.mean * 100, 1, "%");
	td_num(f, jain.median, 3, "");
	td_num(f, cpu.median, 4, "");
	if (rf->has_latency) {
		lb_plot_pct_summary(r, LB_RF_P99, &lat);
		td_num(f, lat.median, 0, "");
	}
	row_tail(f, r);
}

static void file_tables(FILE *f, const struct lb_plot_input *in, unsigned int k)
{
	static const char *const cols[] = {
		"method",
		"workload",
		"threads",
		"cs",
		"think",
		"reps",
		"Mops/s (median)",
		"&plusmn;95%",
		"Jain",
		"CPU &micro;s/op",
	};
	const struct lb_rf *rf = in->rf[k];
	unsigned int i;

	host_table(f, in, k);
	fputs("<table class=\"figures\">\n", f);
	th_row(f, cols, LB_ARRAY_SIZE(cols),
	       rf->has_latency ? "p99 latency (ns)" : NULL);
	for (i = 0; i < rf->nruns; i++)
		figures_row(f, rf, &rf->runs[i]);
	fputs("</table>\n", f);
	wl_table(f, rf);
}

/* ------------------------------------------------------- placeholders */

static void put_files(const struct page *p)
{
	fprintf(p->f, "%u result file%s", p->in->n, p->in->n > 1 ? "s" : "");
}

static void put_version(const struct page *p)
{
	fputs(PACKAGE_VERSION, p->f);
}

static void put_charts(const struct page *p)
{
	unsigned int i;

	for (i = 0; i < p->n; i++) {
		const struct lb_chart *c = &p->ch[i];

		if (!c->drawn)
			continue;
		fprintf(p->f,
			"<figure id=\"%s\">\n<a href=\"%s.svg\"><img "
			"src=\"%s.png\" width=\"960\" height=\"%u\" alt=\"",
			c->name, c->name, c->name, lb_chart_height(c));
		esc(p->f, c->title);
		fputs("\"></a>\n<figcaption>", p->f);
		esc(p->f, c->caption);
		if (c->nrefs)
			fputs(" Grey dashed lines: the hand-off floors of the "
			      "machine (host.floors, lockbench floors), the "
			      "least a hand-off between two PUs costs there.",
			      p->f);
		fprintf(p->f,
			" Data: <a href=\"data/%s.dat\">data/%s.dat</a>."
			"</figcaption>\n</figure>\n",
			c->name, c->name);
	}
}

static void put_not_drawn(const struct page *p)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		if (!p->ch[i].drawn) {
			fprintf(p->f, "<p>Not drawn: <b>%s</b> &ndash; ",
				p->ch[i].name);
			esc(p->f, p->ch[i].why_not);
			fputs(".</p>\n", p->f);
		}
}

static void put_hosts(const struct page *p)
{
	unsigned int i;

	for (i = 0; i < p->in->n; i++)
		file_tables(p->f, p->in, i);
}

static const struct {
	const char *name;
	void (*put)(const struct page *p);
} placeholders[] = {
	{ "files", put_files },	  { "version", put_version },
	{ "charts", put_charts }, { "not_drawn", put_not_drawn },
	{ "hosts", put_hosts },
};

/*
 * Write @tpl with its placeholders "{{name}}" filled; "{{# ...}}" is a
 * comment.  A placeholder alone on its line takes the line's newline.
 */
static int expand(const struct page *p, const char *tpl, const char *path,
		  char *err, size_t errlen)
{
	const char *s = tpl, *open, *close;
	unsigned int i;

	while ((open = strstr(s, "{{"))) {
		size_t len;

		close = strstr(open + 2, "}}");
		fwrite(s, 1, (size_t)(open - s), p->f);
		len = close ? (size_t)(close - open - 2) : 0;
		for (i = 0; i < LB_ARRAY_SIZE(placeholders); i++)
			if (strlen(placeholders[i].name) == len &&
			    !strncmp(open + 2, placeholders[i].name, len))
				break;
		if (!close ||
		    (i == LB_ARRAY_SIZE(placeholders) && open[2] != '#')) {
			snprintf(err, errlen,
				 "page template '%.300s': bad placeholder "
				 "'%.40s'",
				 path, open);
			lb_one_line(err);
			return -1;
		}
		if (i < LB_ARRAY_SIZE(placeholders))
			placeholders[i].put(p);
		s = close + 2;
		if ((open == tpl || open[-1] == '\n') && *s == '\n')
			s++;
	}
	fputs(s, p->f);
	return 0;
}

/* The whole of file @path, NUL-terminated; NULL with why in @err. */
static char *read_template(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;
	bool bad;

	if (!f) {
		snprintf(err, errlen,
			 "cannot read the page template '%.300s': %s", path,
			 strerror(errno));
		return NULL;
	}
	buf = lb_xzalloc(TEMPLATE_MAX + 1);
	n = fread(buf, 1, TEMPLATE_MAX + 1, f);
	bad = ferror(f) || n > TEMPLATE_MAX;
	fclose(f);
	if (bad) {
		snprintf(err, errlen,
			 "cannot read the page template '%.300s': a read "
			 "error, or larger than %d bytes",
			 path, TEMPLATE_MAX);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

int lb_plot_write_index(const char *dir, const char *tpl,
			const struct lb_plot_input *in,
			const struct lb_chart *charts, unsigned int n,
			char *err, size_t errlen)
{
	struct page p = { NULL, in, charts, n };
	char path[4200], tmp[4300], *text;
	int rc = -1;

	text = read_template(tpl, err, errlen);
	if (!text)
		return -1;
	snprintf(path, sizeof(path), "%.3000s/index.html", dir);
	snprintf(tmp, sizeof(tmp), "%.3100s.tmp", path);
	p.f = fopen(tmp, "w");
	if (p.f) {
		rc = expand(&p, text, tpl, err, errlen);
		if (fclose(p.f) && !rc)
			rc = 1;
	}
	if (!p.f || rc > 0 || (!rc && rename(tmp, path))) {
		snprintf(err, errlen, "cannot write '%.300s': %s", path,
			 strerror(errno));
		rc = -1;
	}
	if (rc)
		unlink(tmp);
	free(text);
	return rc;
}
