/* SPDX-License-Identifier: MIT */
/*
 * t_charts.c - the chart catalogue of `lockbench plot` (harness/plot/
 * charts.c) and the index page template: every row names a unique chart
 * whose gnuplot template exists, says how it is filled and why it may not
 * be drawn; nothing is drawn from no runs; the page template expands to a
 * whole page with no placeholder left, and a bad placeholder is refused
 * with nothing written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/machine/floors.h"
#include "harness/plot/internal.h"
#include "harness/util/datafile.h"
#include "tests/tap.h"

/* Lower-case letters, digits and '-': a file name and an HTML id. */
static bool plain_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-'))
			return false;
	return true;
}

static void test_rows(void)
{
	unsigned int i, j, k;
	char dir[4096], path[4200];

	for (i = 0; i < lb_nchart_defs; i++) {
		const struct lb_chart_def *d = &lb_chart_defs[i];
		bool uniq = true, floors = d->nfloors <= 3;

		for (j = 0; j < i; j++)
			uniq &= strcmp(d->name, lb_chart_defs[j].name) != 0;
		for (k = 0; k < d->nfloors && k < 3; k++)
			floors &= d->floors[k] >= 0 &&
				  d->floors[k] < LB_FLOOR_N;
		lb_data_dir("data/plot", "plot", d->template, dir, sizeof(dir));
		snprintf(path, sizeof(path), "%s/%s", dir, d->template);
		tap_ok(plain_name(d->name) && uniq, "%s: a unique plain name",
		       d->name);
		tap_ok(!access(path, R_OK), "%s: template %s found (%s)",
		       d->name, d->template, path);
		tap_ok(d->fill && d->what && d->caption &&
			       (!d->applies || d->why_not) &&
			       (d->fill != lb_fill_workload ||
				(d->workload && d->fig != LB_WL_NONE)) &&
			       (d->fig == LB_WL_LATENCY || d->y.metric ||
				d->fill == lb_fill_latency ||
				d->fill == lb_fill_share ||
				d->fill == lb_fill_timeline) &&
			       floors,
		       "%s: filled by a function from a figure, says why "
		       "when not drawn, floors of known kinds",
		       d->name);
	}
}

static void test_no_runs(struct lb_plot_input *in)
{
	unsigned int i, n, empty = 0;
	struct lb_chart *ch = lb_plot_charts(in, &n);

	for (i = 0; i < n; i++)
		empty += !ch[i].n && ch[i].why_not[0];
	tap_ok(n == lb_nchart_defs && empty == n,
	       "no result file: %u of %u charts empty, each says why", empty,
	       n);
	lb_plot_charts_free(ch, n);
}

/* The whole of @path (at most 64 KiB) into @buf. */
static size_t slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return n;
}

static void test_page(struct lb_plot_input *in, const char *dir)
{
	struct lb_chart ch[2] = {
		{ .name = "one", .caption = "A <caption>.", .drawn = true },
		{ .name = "two", .why_not = "no runs" },
	};
	static char page[65536];
	char data[4096], tpl[4200], err[512], path[4300];

	lb_data_dir("data", "", "index.html", data, sizeof(data));
	snprintf(tpl, sizeof(tpl), "%s/index.html", data);
	if (access(tpl, R_OK)) {
		tap_ok(false, "page template found (%s)", tpl);
		return;
	}
	snprintf(ch[0].title, sizeof(ch[0].title), "t\"1");
	tap_ok(!lb_plot_write_index(dir, tpl, in, ch, 2, err, sizeof(err)),
	       "index page written from %s", tpl);
	snprintf(path, sizeof(path), "%s/index.html", dir);
	slurp(path, page, sizeof(page));
	tap_ok(!strncmp(page, "<!DOCTYPE html>\n", 16) && !strstr(page, "{{") &&
		       !strstr(page, "}}") &&
		       strstr(page,
			      "<p>From 0 result file by lockbench " PACKAGE_VERSION
			      ". Each") &&
		       strstr(page, "<h2>Charts</h2>\n<figure id=\"one\">\n") &&
		       strstr(page, "alt=\"t&quot;1\"") &&
		       strstr(page, "A &lt;caption&gt;.") &&
		       strstr(page, "</figure>\n<p>Not drawn: <b>two</b> "
				    "&ndash; no runs.</p>\n<h2>Summary") &&
		       strstr(page, "PUs.</p>\n</body>\n</html>\n"),
	       "the page: comments gone, placeholders filled, escaped, a "
	       "placeholder's line replaced whole");
}

static void test_bad_template(struct lb_plot_input *in, const char *dir)
{
	char tpl[4200], err[512] = "", path[4300];
	FILE *f;

	snprintf(tpl, sizeof(tpl), "%s/bad.html", dir);
	snprintf(path, sizeof(path), "%s/index.html", dir);
	unlink(path); /* the page test's */
	f = fopen(tpl, "w");
	if (f) {
		fputs("<p>{{files}}</p>\n{{nonsense}}\n", f);
		fclose(f);
	}
	tap_ok(lb_plot_write_index(dir, tpl, in, NULL, 0, err, sizeof(err)) &&
		       strstr(err, "{{nonsense}}") && !strchr(err, '\n') &&
		       access(path, F_OK) && access(strcat(path, ".tmp"), F_OK),
	       "an unknown placeholder: refused, nothing written (%s)", err);
	unlink(tpl);
}

int main(void)
{
	struct lb_plot_input *in = calloc(1, sizeof(*in));
	char dir[] = "t_charts.XXXXXX";

	if (!in || !mkdtemp(dir)) {
		perror("t_charts");
		return 1;
	}
	tap_plan((int)(3 * lb_nchart_defs + 4));
	test_rows();
	test_no_runs(in);
	test_page(in, dir);
	test_bad_template(in, dir);
	rmdir(dir); /* empty again: the page test's index.html went */
	free(in);
	return tap_done();
}
