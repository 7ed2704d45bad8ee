/* SPDX-License-Identifier: MIT */
/*
 * gnuplot.c - draw a chart: gnuplot runs the chart's template (data/plot/,
 * see the parameters at the top of each) with the chart's settings passed
 * as -e assignments, and writes NAME.png and NAME.svg.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/plot/plot.h"

/* A string for gnuplot's -e: single quotes cannot appear inside. */
static void gp_str(char *dst, size_t len, const char *src)
{
	size_t i;

	snprintf(dst, len, "%s", src);
	for (i = 0; dst[i]; i++)
		if (dst[i] == '\'' || dst[i] == '\\' || dst[i] == '\n')
			dst[i] = '_';
}

/* The -e assignments the templates read. */
static void gp_params(const struct lb_plot_opts *o, const struct lb_chart *c,
		      char *params, size_t len)
{
	char title[600], dir[1600], xl[128], yl[128], rt[200], rl[80];
	unsigned int i;

	gp_str(title, sizeof(title), c->title);
	gp_str(dir, sizeof(dir), o->dir);
	gp_str(xl, sizeof(xl), c->xlabel ? c->xlabel : "");
	gp_str(yl, sizeof(yl), c->ylabel ? c->ylabel : "");
	snprintf(params, len,
		 "templates='%.1500s'; datafile='%.1500s/data/%.64s.dat'; "
		 "outbase='%.1500s/%.64s'; nseries=%u; charttitle='%.500s'; "
		 "xlabel_text='%s'; ylabel_text='%s'; logx=%d; logy=%d; "
		 "xover=%.6g; boxwidth=%.6g; xticlist='%s'; height=%u",
		 o->templates, dir, c->name, dir, c->name, c->n, title, xl, yl,
		 c->logx, c->logy, c->xover,
		 c->boxwidth > 0 ? c->boxwidth : 0.8, c->xtics,
		 lb_chart_height(c));
	/* only when there are floors: older files plot exactly as before */
	for (i = 0; i < c->nrefs; i++) {
		size_t used = strlen(params);

		gp_str(rt, sizeof(rt), c->refs[i].title);
		gp_str(rl, sizeof(rl), c->refs[i].label);
		snprintf(params + used, len - used,
			 "; nrefs=%u; refy%u=%.10g; reftitle%u='%s'; "
			 "reflabel%u='%s'",
			 i + 1, i + 1, c->refs[i].y, i + 1, rt, i + 1, rl);
	}
}

/* Run @argv[0] with @argv and wait: 0 when it exits 0. */
static int run_wait(char *const argv[], char *err, size_t errlen)
{
	int status;
	pid_t pid;

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
		snprintf(err, errlen, "exit status %d", status);
		return 1;
	}
	return 0;
}

int lb_plot_gnuplot(const struct lb_plot_opts *o, const struct lb_chart *c,
		    char *err, size_t errlen)
{
	char params[12288], tpl[4200];
	char *argv[5];
	int rc;

	gp_params(o, c, params, sizeof(params));
	snprintf(tpl, sizeof(tpl), "%.3000s/%.64s", o->templates, c->template);
	argv[0] = (char *)o->gnuplot;
	argv[1] = (char *)"-e";
	argv[2] = params;
	argv[3] = tpl;
	argv[4] = NULL;
	rc = run_wait(argv, err, errlen);
	if (rc > 0)
		snprintf(err, errlen, "gnuplot failed on chart %s (%.300s)",
			 c->name, tpl);
	return rc ? -1 : 0;
}
