/* SPDX-License-Identifier: MIT */
/*
 * cmd_plot.c - `lockbench plot RESULT.json... -o DIR`: the options, then
 * harness/plot/ does the work: the data of every chart of its catalogue
 * (DIR/data/NAME.dat), gnuplot draws each (PNG and SVG) with the templates
 * of data/plot/, and DIR/index.html shows them all with a table of the
 * figures and the hosts they came from.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/cli/cli.h"
#include "harness/plot/plot.h"
#include "harness/util/datafile.h"

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

static bool file_exists(const char *dir, const char *name)
{
	char path[4200];

	snprintf(path, sizeof(path), "%.3000s/%.100s", dir, name);
	return access(path, R_OK) == 0;
}

/*
 * The folder of the plot-*.gp templates: --templates, else
 * $LOCKBENCH_TEMPLATES, else data/plot beside the binary or in the source
 * tree, else $(pkgdatadir)/plot (lb_data_dir).
 */
static const char *find_templates(const char *arg)
{
	static char dir[4200];
	const char *env = getenv("LOCKBENCH_TEMPLATES");

	if (arg)
		return arg;
	if (env && *env)
		return env;
	return lb_data_dir("data/plot", "plot", "plot-common.gp", dir,
			   sizeof(dir));
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

/* Check what drawing needs, before anything is written. */
static void check_tools(struct lb_plot_opts *o, const char *templates,
			char *page, size_t len)
{
	const char *env_gp = getenv("LOCKBENCH_GNUPLOT");
	char dir[4096];

	o->gnuplot = env_gp && *env_gp ? env_gp : LB_GNUPLOT;
	if (!strcmp(o->gnuplot, "no") || access(o->gnuplot, X_OK))
		lb_usage_error("plot: gnuplot is not installed ('%s'); install "
			       "it (Debian: gnuplot-nox) or use --data-only",
			       o->gnuplot);
	o->templates = find_templates(templates);
	if (!file_exists(o->templates, "plot-common.gp") ||
	    !file_exists(o->templates, "plot-lines.gp"))
		lb_usage_error("plot: no gnuplot templates in '%s' (use "
			       "--templates DIR)",
			       o->templates);
	lb_data_dir("data", "", "index.html", dir, sizeof(dir));
	snprintf(page, len, "%.4000s/index.html", dir);
	if (access(page, R_OK))
		lb_usage_error("plot: no index page template '%s' (an "
			       "incomplete installation?)",
			       page);
}

/* Data, charts, the index page; prints what it wrote. */
static int plot(const struct lb_plot_opts *o, const struct lb_plot_input *in,
		bool data_only, const char *page)
{
	char err[LB_ERRLEN];
	unsigned int i, n, drawn = 0;
	struct lb_chart *ch = lb_plot_charts(in, &n);
	int rc = 0;

	for (i = 0; i < n; i++) {
		if (!ch[i].n)
			continue;
		if (lb_plot_write_data(o->dir, &ch[i], err, sizeof(err)))
			lb_usage_error("%s", err);
		if (data_only) {
			printf("%s/data/%s.dat\n", o->dir, ch[i].name);
			continue;
		}
		if (lb_plot_gnuplot(o, &ch[i], err, sizeof(err))) {
			fprintf(stderr, "lockbench: %s\n", err);
			rc = LB_EXIT_RUN;
			continue;
		}
		ch[i].drawn = true;
		drawn++;
		printf("%s/%s.png %s/%s.svg\n", o->dir, ch[i].name, o->dir,
		       ch[i].name);
	}
	if (!data_only) {
		if (lb_plot_write_index(o->dir, page, in, ch, n, err,
					sizeof(err)))
			lb_usage_error("%s", err);
		printf("%s/index.html (%u chart%s)\n", o->dir, drawn,
		       drawn == 1 ? "" : "s");
	}
	lb_plot_charts_free(ch, n);
	return rc;
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
	struct lb_plot_opts o = { .dir = "plots" };
	const char *templates = NULL;
	struct lb_plot_input *in;
	char err[LB_ERRLEN], datadir[4200], page[4200];
	bool data_only = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.dir = optarg;
			break;
		case 'D':
			data_only = true;
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
	if (!data_only)
		check_tools(&o, templates, page, sizeof(page));
	if (argc - optind < 1)
		lb_usage_error("plot: expected one or more result files (see "
			       "'lockbench plot --help')");
	if (argc - optind > LB_PLOT_MAX_FILES)
		lb_usage_error("plot: too many result files (%d, at most %d)",
			       argc - optind, LB_PLOT_MAX_FILES);
	in = lb_xzalloc(sizeof(*in));
	if (lb_plot_load(in, argv + optind, (unsigned int)(argc - optind), err,
			 sizeof(err)))
		lb_usage_error("%s", err);
	make_dir(o.dir);
	snprintf(datadir, sizeof(datadir), "%.3000s/data", o.dir);
	make_dir(datadir);
	rc = plot(&o, in, data_only, page);
	lb_plot_input_free(in);
	free(in);
	return rc;
}
