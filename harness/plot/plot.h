/* SPDX-License-Identifier: MIT */
/*
 * plot.h - charts from result files: the chart catalogue (charts.c), the
 * series each chart draws (data.c), the .dat files gnuplot reads
 * (series.c), the gnuplot driver (gnuplot.c) and the index page
 * (page.c).  `lockbench plot` (harness/cli/cmd_plot.c) strings them
 * together:
 *
 *	lb_plot_load()          the result files
 *	lb_plot_charts()        every chart of the catalogue, filled
 *	lb_plot_write_data()    per chart with series: DIR/data/NAME.dat
 *	lb_plot_gnuplot()       per chart: DIR/NAME.png and DIR/NAME.svg
 *	lb_plot_write_index()   DIR/index.html from the page template
 *
 * Nothing here is shared between threads.
 */
#ifndef LB_HARNESS_PLOT_H
#define LB_HARNESS_PLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/results/resultfile.h"

#define LB_PLOT_MAX_FILES 64
#define LB_PLOT_MAX_REFS 8

/* The result files of one plot, in command-line order. */
struct lb_plot_input {
	struct lb_rf *rf[LB_PLOT_MAX_FILES];
	/* "host commit", numbered " #k" when one is repeated */
	char label[LB_PLOT_MAX_FILES][160];
	char host_commit[LB_PLOT_MAX_FILES][160]; /* "host commit" */
	unsigned int n;
};

/* A horizontal reference line: a hand-off floor of a file's machine. */
struct lb_refline {
	double y;
	char title[200]; /* the legend */
	char label[80]; /* beside the line */
};

struct lb_point {
	double x, y, lo, hi;
};

/* One line (or one set of bars) of a chart. */
struct lb_series {
	char *id; /* what makes a line: file and configuration */
	char title[256]; /* the legend: no quotes or backslashes */
	struct lb_point *pts;
	unsigned int n, cap;
};

struct lb_chart_def;

/* A chart of the catalogue, filled from the input. */
struct lb_chart {
	const struct lb_chart_def *def; /* its row of the catalogue */
	const char *name; /* file name stem */
	const char *template; /* "plot-lines.gp" */
	const char *caption;
	char title[512];
	const char *xlabel, *ylabel;
	int logx, logy; /* logx: 0 or the base */
	double xover, boxwidth;
	char xtics[256]; /* "1,2,4": the thread counts, or empty */
	struct lb_series *s;
	unsigned int n, cap;
	struct lb_refline refs[LB_PLOT_MAX_REFS];
	unsigned int nrefs;
	bool drawn; /* set by the caller once gnuplot drew it */
	char why_not[160]; /* when it has no series */
};

struct lb_plot_opts {
	const char *dir; /* output: DIR/NAME.png, DIR/data/NAME.dat */
	const char *templates; /* the folder of the plot-*.gp templates */
	const char *gnuplot; /* the program */
};

/*
 * lb_plot_load - load the @n result files @paths (1 to LB_PLOT_MAX_FILES)
 * into @in (zeroed by the caller).  Returns 0, or -1 with one line in @err;
 * either way lb_plot_input_free() releases what was loaded.
 */
int lb_plot_load(struct lb_plot_input *in, char **paths, unsigned int n,
		 char *err, size_t errlen);
void lb_plot_input_free(struct lb_plot_input *in);

/*
 * lb_plot_charts - every chart of the catalogue, in its order, filled from
 * @in; *n is their number.  A chart with no series (n == 0) says why in
 * why_not.  Free with lb_plot_charts_free().
 */
struct lb_chart *lb_plot_charts(const struct lb_plot_input *in,
				unsigned int *n);
void lb_plot_charts_free(struct lb_chart *charts, unsigned int n);

/*
 * lb_plot_write_data - DIR/data/NAME.dat (DIR/data must exist): a comment
 * header, then per series its quoted title and rows "x y lo hi" sorted by
 * x.  Returns 0, or -1 with why in @err.
 */
int lb_plot_write_data(const char *dir, struct lb_chart *c, char *err,
		       size_t errlen);
/* The chart's height in pixels: taller when its legend is long. */
unsigned int lb_chart_height(const struct lb_chart *c);

/*
 * lb_plot_gnuplot - run gnuplot on the chart's template: DIR/NAME.png and
 * DIR/NAME.svg from DIR/data/NAME.dat.  Returns 0, or -1 with why in @err.
 */
int lb_plot_gnuplot(const struct lb_plot_opts *o, const struct lb_chart *c,
		    char *err, size_t errlen);

/*
 * lb_plot_write_index - DIR/index.html from the page template @tpl (see
 * data/index.html for its placeholders): the drawn charts, the ones not
 * drawn and why, and a table of figures per file.  Written through a
 * temporary file.  Returns 0, or -1 with why in @err.
 */
int lb_plot_write_index(const char *dir, const char *tpl,
			const struct lb_plot_input *in,
			const struct lb_chart *charts, unsigned int n,
			char *err, size_t errlen);

#endif /* LB_HARNESS_PLOT_H */
