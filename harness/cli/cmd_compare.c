/* SPDX-License-Identifier: MIT */
/*
 * cmd_compare.c - `lockbench compare BASE.json NEW.json`: the regression
 * check of one result file against another (see compare.h for the
 * statistics and why in-process repetitions need care).
 */
#include <stdio.h>
#include <stdlib.h>

#include "harness/cli/cli.h"
#include "harness/analysis/compare.h"

static int compare_usage(FILE *f, int rc)
{
	fputs("usage: lockbench compare BASE.json NEW.json [options]\n\n"
	      "Match the runs of two result files by configuration and "
	      "give, per metric,\nthe change, its interval, the smallest "
	      "regression the data could have\ndetected and a verdict: "
	      "REGRESSION, improvement (the interval is beyond\nthe "
	      "threshold), equivalent (inside it) or undecided.  Worst "
	      "first.\n\n"
	      "      --threshold T   the margin of equivalence: 5% or 0.05 "
	      "(default 5%)\n"
	      "      --alpha A       family-wise error level (default "
	      "0.05)\n"
	      "      --metric LIST   ops_per_sec,latency_p99_ns,jain,"
	      "cpu_us_per_op or all\n"
	      "                      shown (default: all; a metric absent "
	      "from both files\n"
	      "                      is skipped)\n"
	      "      --gate LIST     metrics whose verdicts decide the exit "
	      "status\n"
	      "                      (default: ops_per_sec,cpu_us_per_op)\n"
	      "      --json          machine-readable output\n"
	      "  -h, --help          this text\n\n"
	      "Repetitions of one process understate the noise between "
	      "runs: a regression\nmust also exceed twice their robust "
	      "spread, and runs measured while other\nprocesses took the "
	      "CPUs are 'undecided'.  Prefer 'lockbench ab', which\n"
	      "interleaves whole runs.\n\n"
	      "exit status: 0 every gated row equivalent or improved, 1 "
	      "regression, 2 bad\ninput, 4 undecided (no regression shown, "
	      "but not all equivalent)\n",
	      f);
	return rc;
}

bool lb_cmp_option(struct lb_cmp_opts *o, int c, const char *arg)
{
	char err[LB_ERRLEN];

	switch (c) {
	case LB_OPT_THRESHOLD:
		if (lb_cmp_parse_fraction("--threshold", arg, &o->threshold,
					  err, sizeof(err)))
			lb_usage_error("%s", err);
		return true;
	case LB_OPT_ALPHA:
		if (lb_cmp_parse_fraction("--alpha", arg, &o->alpha, err,
					  sizeof(err)) ||
		    o->alpha > 0.5)
			lb_usage_error("invalid --alpha value '%s': expected "
				       "a level above 0 and at most 0.5",
				       arg);
		return true;
	case LB_OPT_METRIC:
		if (lb_cmp_parse_metrics("--metric", arg, &o->metrics, err,
					 sizeof(err)))
			lb_usage_error("%s", err);
		return true;
	case LB_OPT_GATE:
		if (lb_cmp_parse_metrics("--gate", arg, &o->gate, err,
					 sizeof(err)))
			lb_usage_error("%s", err);
		return true;
	case LB_OPT_JSON:
		o->json = true;
		return true;
	}
	return false;
}

void lb_cmp_defaults(struct lb_cmp_opts *o)
{
	*o = (struct lb_cmp_opts){
		.threshold = 0.05,
		.alpha = 0.05,
		.metrics = (1u << lb_cmp_nmetrics) - 1,
		/* ops_per_sec, cpu_us_per_op: compare.h says why */
		.gate = 1u << 0 | 1u << 3,
		.base_name = "BASE",
		.look = 1,
		.looks = 1,
		.final = true,
		.new_name = "NEW",
	};
}

int lb_cmd_compare(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "threshold", required_argument, NULL, LB_OPT_THRESHOLD },
		{ "alpha", required_argument, NULL, LB_OPT_ALPHA },
		{ "metric", required_argument, NULL, LB_OPT_METRIC },
		{ "gate", required_argument, NULL, LB_OPT_GATE },
		{ "json", no_argument, NULL, LB_OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct lb_rf *base = NULL, *cand = NULL;
	struct lb_cmp_opts o;
	char err[LB_ERRLEN];
	int c, rc;

	lb_cmp_defaults(&o);
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'h')
			return compare_usage(stdout, 0);
		if (!lb_cmp_option(&o, c, optarg))
			lb_bad_option("compare", c, argv, longopts);
	}
	if (argc - optind != 2)
		lb_usage_error("compare: expected two result files, BASE and "
			       "NEW, got %d (see 'lockbench compare --help')",
			       argc - optind);
	if (lb_rf_load(argv[optind], &base, err, sizeof(err)) ||
	    lb_rf_load(argv[optind + 1], &cand, err, sizeof(err)))
		lb_usage_error("%s", err);
	rc = lb_compare(&o, LB_CMP_REPS, &base, 1, &cand, 1, stdout);
	lb_rf_free(base);
	lb_rf_free(cand);
	return rc;
}
