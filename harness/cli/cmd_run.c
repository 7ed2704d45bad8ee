/* SPDX-License-Identifier: MIT */
/*
 * cmd_run.c - `lockbench run`: every method at every thread count.  The
 * options (the knob table's, harness/config/knobs.h) become a plan of one
 * group per thread count (harness/engine/plan.h, the engine `sweep`
 * shares): repetitions interleaved across methods (A B C A B C ...) so
 * that drift of a shared machine spreads over all of them, a checkpoint
 * of the result file after every repetition, and a table at the end of
 * each thread count.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness/cli/cli.h"
#include "harness/config/cmdline.h"
#include "harness/config/matrix.h"
#include "harness/engine/plan.h"
#include "harness/machine/topo.h"
#include "harness/util/signals.h"

struct run_cmd {
	struct lb_knob_set set; /* every knob: the table's */
	const char *output;
	char default_output[64];
	bool quiet;
};

/* run's own options; the knobs go where the name is NULL. */
static const struct lb_cmd_opt run_opts[] = {
	{ NULL, 0, NULL, NULL },
	{ "lock-lib", 0, "FILE",
	  "load a lock from a shared object built against "
	  "<lockbench/lock.h> (repeatable; see README.md)" },
	{ "output", 'o', "FILE",
	  "result file (default: lockbench-DATE-TIME.json)" },
	{ "quiet", 'q', NULL, "no table on stdout, no progress bar" },
	{ "help", 'h', NULL, "this text" },
};

enum { OPT_LOCK_LIB = LB_OPT_CMD + 1 };

static int run_usage(const struct lb_cmdline *cl, FILE *f, int rc)
{
	fputs("usage: lockbench run [options]\n\n"
	      "Run each method at each thread count and write a result "
	      "file.\n\n",
	      f);
	lb_cmdline_help(cl, f);
	fputs("\nDurations take a unit: ns, us, ms, s, min (250ns, 2us, "
	      "1.5s).\n"
	      "More threads than PUs is allowed and flagged OVERSUBSCRIBED.\n"
	      "Each repetition runs in a child process: a configuration that "
	      "stalls or\ncrashes is recorded as an error and the others "
	      "still run.\n\n"
	      "exit status: 0 success, 1 a correctness check failed, 2 bad "
	      "usage or input,\n3 a configuration could not be measured "
	      "(stall, crash, no threads; 3 wins\nover 1)\n",
	      f);
	return rc;
}

static void parse_run(struct run_cmd *o, int argc, char **argv)
{
	struct lb_cmdline cl;
	struct lb_knob_err e;
	char err[LB_ERRLEN];
	time_t now = time(NULL);
	int c;

	*o = (struct run_cmd){ 0 };
	lb_knob_set_init(&o->set);
	lb_cmdline_build(&cl, false, run_opts, LB_ARRAY_SIZE(run_opts));
	lb_cli_lock_libs(argc, argv); /* before -m names their locks */
	while ((c = getopt_long(argc, argv, cl.optstring, cl.longopts, NULL)) !=
	       -1) {
		if (lb_cmdline_knob_arg(&cl, c, optarg, &o->set) ||
		    c == OPT_LOCK_LIB)
			continue;
		if (c == 'o')
			o->output = optarg;
		else if (c == 'q')
			o->quiet = true;
		else if (c == 'h')
			exit(run_usage(&cl, stdout, 0));
		else
			lb_bad_option("run", c, argv, cl.longopts);
	}
	if (optind < argc)
		lb_usage_error("run: unexpected argument '%s' (options start "
			       "with -, see 'lockbench run --help')",
			       argv[optind]);
	if (lb_knob_set_finish(&o->set, true, &e))
		lb_usage_error("%s", e.msg);
	strftime(o->default_output, sizeof(o->default_output),
		 "lockbench-%Y%m%d-%H%M%S.json", localtime(&now));
	if (!o->output)
		o->output = o->default_output;
	if (lb_plan_check_output(o->output, err, sizeof(err)))
		lb_usage_error("%s", err);
}

/* `none` excludes nothing: it may only run where nothing needs excluding. */
static void check_no_exclusion(const struct lb_knob_set *s,
			       const struct lb_topo *topo)
{
	const struct lb_knob *tk = lb_knob_find("threads", false);
	unsigned int nt = s->n[lb_knob_index(tk)], i, max = 1;
	const struct lb_lock_ops *ops[LB_KNOB_MAX_VALUES];
	unsigned int n = lb_methods_for(s,
					lb_knob_first(s, "workload")->workload,
					ops, LB_ARRAY_SIZE(ops));
	struct lb_topo_summary sum;

	lb_topo_summary(topo, &sum);
	for (i = 0; i < nt; i++)
		max = s->vals[i].nthreads > max ? s->vals[i].nthreads : max;
	if (!nt)
		max = sum.pus;
	for (i = 0; i < n; i++)
		if ((ops[i]->flags & LB_NO_EXCLUSION) &&
		    (max > 1 || lb_knob_first(s, "coroutines")->coroutines > 1))
			lb_usage_error(
				"method '%s' has no mutual exclusion and runs "
				"at 1 thread only (it measures the harness's "
				"own cost); run it separately with -t 1",
				ops[i]->name);
}

int lb_cmd_run(int argc, char **argv)
{
	struct run_cmd o;
	struct lb_matrix m;
	struct lb_plan plan;
	struct lb_engine e = { .plan = &plan };
	char err[LB_ERRLEN], affinity[128];
	int rc;

	parse_run(&o, argc, argv);
	lb_signals_install();
	if (lb_topo_load(&e.topo, NULL, err, sizeof(err)))
		lb_usage_error("%s", err);
	if (lb_topo_restrict_to_affinity(e.topo, affinity, sizeof(affinity)) &&
	    !o.quiet)
		printf("CPU affinity mask: using PUs %s only\n", affinity);
	check_no_exclusion(&o.set, e.topo);
	/* One group per thread count (and lock layout): methods interleaved. */
	if (lb_matrix_expand(&o.set, e.topo, true, &m, err, sizeof(err)))
		lb_usage_error("%s", err);
	if (lb_plan_init(&plan, &m, err, sizeof(err)))
		lb_usage_error("%s", err);
	/* Validate every plan before running anything. */
	if (lb_plan_check_pins(&plan, e.topo, err, sizeof(err)))
		lb_usage_error("%s", err);
	e.output = o.output;
	e.argc = argc + 1;
	e.argv = argv - 1;
	e.quiet = o.quiet;
	rc = lb_engine_run(&e);
	lb_plan_free(&plan);
	lb_knob_set_free(&o.set);
	lb_topo_destroy(e.topo);
	return rc;
}
