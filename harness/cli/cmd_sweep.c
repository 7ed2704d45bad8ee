/* SPDX-License-Identifier: MIT */
/*
 * cmd_sweep.c - `lockbench sweep PRESET|SPEC.json`: a matrix of runs over
 * methods x threads x knobs (harness/config/sweep.h), measured by the engine `run`
 * uses (harness/engine/plan.h), resumable, with a progress bar.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "harness/cli/cli.h"
#include "harness/config/cmdline.h"
#include "harness/config/sweep.h"
#include "harness/engine/plan.h"
#include "harness/engine/report.h"
#include "harness/machine/topo.h"
#include "harness/util/signals.h"

#define HUGE_RUNS 500u
#define HUGE_NS 3600000000000ull /* an hour */

struct sweep_opts {
	const char *what; /* preset name or spec file */
	const char *output;
	char default_output[80];
	bool resume, dry_run, yes, quiet, show;
	struct lb_knob_set over; /* --retries, --gate, --no-gate: win */
};

/* sweep's own options; the knobs it takes go where the name is NULL. */
static const struct lb_cmd_opt sweep_opts[] = {
	{ "output", 'o', "FILE",
	  "result file (default: lockbench-sweep-DATE-TIME.json)" },
	{ "resume", 0, NULL,
	  "keep the runs FILE already holds complete, run the rest" },
	{ "dry-run", 'n', NULL,
	  "print the plan and its estimated duration, run nothing" },
	{ "yes", 'y', NULL,
	  "run a huge sweep (more than 500 runs or an hour)" },
	{ "quiet", 'q', NULL, "no table and no progress" },
	{ "show", 0, NULL, "print the spec (JSON) and exit" },
	{ "lock-lib", 0, "FILE",
	  "a lock from a shared object, for the spec's methods "
	  "(repeatable)" },
	{ NULL, 0, NULL, NULL },
	{ "help", 'h', NULL, "this text" },
};

enum {
	OPT_RESUME = LB_OPT_CMD + 1,
	OPT_SHOW = LB_OPT_CMD + 5,
	OPT_LOCK_LIB = LB_OPT_CMD + 6,
};

static int sweep_usage(const struct lb_cmdline *cl, FILE *f, int rc)
{
	fputs("usage: lockbench sweep PRESET|SPEC.json [options]\n\n"
	      "Run every combination of methods, thread counts and knobs, "
	      "and write one\nresult file, checkpointed after every "
	      "repetition.\n\n"
	      "presets:\n"
	      "  quick     4 locks at 1 and 2 threads, 2 critical sections: "
	      "under a minute\n"
	      "  default   run's locks, comutex and the floor (none), up to "
	      "the PUs, 3 critical\n"
	      "            sections x 2 think times: a few minutes on two "
	      "cores\n"
	      "  full      every method with every workload it fits, up to "
	      "8 threads: under\n"
	      "            an hour on two cores\n"
	      "A spec is a JSON file (see README.md, 'Sweeps'); --show "
	      "prints a preset's.\n"
	      "The options --retries, --gate and --no-gate win over the "
	      "spec's.\n\n",
	      f);
	lb_cmdline_help(cl, f);
	fputs("\nProgress goes to stderr: a bar on a terminal, a line per run "
	      "otherwise.\n",
	      f);
	return rc;
}

static void sweep_option(struct sweep_opts *o, const struct lb_cmdline *cl,
			 int c, char **argv)
{
	if (lb_cmdline_knob_arg(cl, c, optarg, &o->over))
		return;
	switch (c) {
	case OPT_LOCK_LIB: /* loaded already: lb_cli_lock_libs() */
		break;
	case 'o':
		o->output = optarg;
		break;
	case OPT_RESUME:
		o->resume = true;
		break;
	case 'n':
		o->dry_run = true;
		break;
	case 'y':
		o->yes = true;
		break;
	case 'q':
		o->quiet = true;
		break;
	case OPT_SHOW:
		o->show = true;
		break;
	case 'h':
		exit(sweep_usage(cl, stdout, 0));
	default:
		lb_bad_option("sweep", c, argv, cl->longopts);
	}
}

static void parse_sweep(struct sweep_opts *o, int argc, char **argv)
{
	struct lb_cmdline cl;
	time_t now = time(NULL);
	int c;

	*o = (struct sweep_opts){ 0 };
	lb_knob_set_init(&o->over);
	lb_cmdline_build(&cl, true, sweep_opts, LB_ARRAY_SIZE(sweep_opts));
	lb_cli_lock_libs(argc, argv); /* before the spec names their locks */
	while ((c = getopt_long(argc, argv, cl.optstring, cl.longopts, NULL)) !=
	       -1)
		sweep_option(o, &cl, c, argv);
	if (optind >= argc)
		lb_usage_error("sweep: expected a preset (quick, default, "
			       "full) or a spec file (see 'lockbench sweep "
			       "--help')");
	o->what = argv[optind++];
	if (optind < argc)
		lb_usage_error("sweep: unexpected argument '%s' (options "
			       "start with -, see 'lockbench sweep --help')",
			       argv[optind]);
	if (o->resume && !o->output)
		lb_usage_error("--resume needs -o FILE, the result file to "
			       "resume");
	strftime(o->default_output, sizeof(o->default_output),
		 "lockbench-sweep-%Y%m%d-%H%M%S.json", localtime(&now));
	if (!o->output)
		o->output = o->default_output;
}

/* @a and @b name the same existing file. */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* The spec's text: the preset's or the file's (malloc'd), or exit 2. */
static char *read_spec(const struct sweep_opts *o, size_t *len, bool *file)
{
	char err[LB_ERRLEN];
	struct stat st;
	char *text = lb_sweep_preset(o->what, len, err, sizeof(err));

	*file = !text && !err[0];
	if (text || err[0]) {
		if (!text)
			lb_usage_error("preset '%s': %s", o->what, err);
		return text;
	}
	if (stat(o->what, &st) && errno == ENOENT && !strchr(o->what, '/') &&
	    !strchr(o->what, '.')) {
		const char *hint = lb_closest(o->what, lb_sweep_preset_names,
					      lb_sweep_npresets);

		lb_usage_error("unknown preset '%s'%s%s%s (presets: quick, "
			       "default, full; or a spec file)",
			       o->what, hint ? " (did you mean '" : "",
			       hint ? hint : "", hint ? "'?)" : "");
	}
	text = lb_sweep_read(o->what, len, err, sizeof(err));
	if (!text)
		lb_usage_error("%s", err);
	return text;
}

/*
 * --resume: the existing result file's runs, checked to be a lockbench
 * result of a schema this build knows, written by the same sweep.  NULL
 * when the file does not exist (nothing to resume).
 */
static json_t *load_resumed(const struct sweep_opts *o, json_t *sweep)
{
	json_error_t je;
	json_t *root, *schema, *version, *old;
	struct stat st;

	if (stat(o->output, &st) && errno == ENOENT)
		return NULL;
	root = json_load_file(o->output, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		lb_usage_error("cannot resume '%s': %d:%d: %s", o->output,
			       je.line, je.column, je.text);
	schema = json_object_get(root, "schema");
	version = json_object_get(root, "schema_version");
	if (!json_is_string(schema) ||
	    strcmp(json_string_value(schema), LB_SCHEMA_NAME) ||
	    !json_is_integer(version) ||
	    !json_is_array(json_object_get(root, "runs")))
		lb_usage_error("cannot resume '%s': not a lockbench result "
			       "file",
			       o->output);
	if (json_integer_value(version) > LB_SCHEMA_VERSION)
		lb_usage_error("cannot resume '%s': schema_version %lld is "
			       "newer than this lockbench knows (%d)",
			       o->output,
			       (long long)json_integer_value(version),
			       LB_SCHEMA_VERSION);
	if (json_integer_value(version) != LB_SCHEMA_VERSION)
		lb_usage_error("cannot resume '%s': schema_version %lld is "
			       "not supported (this lockbench writes %d)",
			       o->output,
			       (long long)json_integer_value(version),
			       LB_SCHEMA_VERSION);
	old = json_object_get(root, "sweep");
	if (!json_is_object(old))
		lb_usage_error("cannot resume '%s': it was not written by "
			       "'lockbench sweep'",
			       o->output);
	if (!json_equal(json_object_get(old, "spec"),
			json_object_get(sweep, "spec")))
		lb_usage_error("cannot resume '%s': it holds a different "
			       "sweep (its spec differs from %s's)",
			       o->output, o->what);
	return root;
}

/* Refuse a huge sweep unless --yes (or a dry run, which only shows it). */
static void check_size(const struct sweep_opts *o, const struct lb_plan *p)
{
	unsigned int todo = lb_plan_todo(p, NULL);
	uint64_t est = lb_plan_estimate_ns(p);
	char eta[32];

	if (o->yes || o->dry_run || (todo <= HUGE_RUNS && est <= HUGE_NS))
		return;
	lb_usage_error("%s: %u runs, estimated %s: a huge sweep (more than "
		       "%u runs or an hour); pass --yes to run it, "
		       "--dry-run to see it",
		       o->what, todo, lb_format_eta(est, eta, sizeof(eta)),
		       HUGE_RUNS);
}

/*
 * The spec, parsed, with the options over it, and its description for the
 * result file (e->sweep_json).  Returns false after --show (done).
 */
static bool load_spec(struct sweep_opts *o, struct lb_sweep_spec *spec,
		      struct lb_engine *e)
{
	char err[LB_ERRLEN];
	size_t len;
	bool is_file;
	char *text = read_spec(o, &len, &is_file);

	if (o->show) {
		fwrite(text, 1, len, stdout);
		free(text);
		return false;
	}
	if (lb_sweep_spec_parse(text, len, o->what, spec, err, sizeof(err)))
		lb_usage_error("%s", err);
	free(text);
	lb_knob_set_override(&spec->set, &o->over);
	if (lb_plan_check_output(o->output, err, sizeof(err)))
		lb_usage_error("%s", err);
	if (is_file && same_file(o->what, o->output))
		lb_usage_error("invalid output file '%s': it is the spec file "
			       "'%s'",
			       o->output, o->what);
	e->sweep_json = json_pack("{s:s, s:O}", is_file ? "file" : "preset",
				  o->what, "spec", spec->json);
	if (!e->sweep_json)
		lb_die("cannot build the sweep's description");
	return true;
}

/* The plan of @spec on this machine, the runs a resumed file holds kept. */
static unsigned int plan_sweep(struct sweep_opts *o,
			       const struct lb_sweep_spec *spec,
			       struct lb_engine *e)
{
	char err[LB_ERRLEN], affinity[128];
	struct lb_matrix m;
	json_t *resumed = NULL;
	unsigned int kept = 0;

	lb_signals_install();
	if (lb_topo_load(&e->topo, NULL, err, sizeof(err)))
		lb_usage_error("%s", err);
	if (lb_topo_restrict_to_affinity(e->topo, affinity, sizeof(affinity)) &&
	    !o->quiet)
		printf("CPU affinity mask: using PUs %s only\n", affinity);
	if (lb_matrix_expand(&spec->set, e->topo, false, &m, err,
			     sizeof(err)) ||
	    lb_plan_init(e->plan, &m, err, sizeof(err)))
		lb_usage_error("%s: %s", o->what, err);
	if (lb_plan_check_pins(e->plan, e->topo, err, sizeof(err)))
		lb_usage_error("%s: %s", o->what, err);
	if (o->resume)
		resumed = load_resumed(o, e->sweep_json);
	if (resumed) {
		kept = lb_engine_resume(e, json_object_get(resumed, "runs"));
		json_decref(resumed);
	}
	return kept;
}

int lb_cmd_sweep(int argc, char **argv)
{
	struct sweep_opts o;
	struct lb_sweep_spec spec = { 0 };
	struct lb_plan plan = { 0 };
	struct lb_engine e = { .plan = &plan };
	unsigned int kept;
	char **cmdline = lb_xzalloc((size_t)(argc + 2) * sizeof(*cmdline));
	int rc = 0;

	/* getopt_long permutes argv: keep the command line as typed. */
	memcpy(cmdline, argv - 1, (size_t)(argc + 1) * sizeof(*cmdline));
	parse_sweep(&o, argc, argv);
	if (!load_spec(&o, &spec, &e))
		goto out;
	kept = plan_sweep(&o, &spec, &e);
	if (o.dry_run) {
		lb_plan_print(&plan, stdout);
		goto out;
	}
	check_size(&o, &plan);
	if (o.resume && !o.quiet)
		printf("resuming %s: %u of %u configurations already "
		       "complete\n",
		       o.output, kept, plan.ncfgs);
	if (!lb_plan_todo(&plan, NULL)) {
		if (!o.quiet)
			printf("nothing left to run\n");
		goto out;
	}
	e.output = o.output;
	e.argc = argc + 1;
	e.argv = cmdline;
	e.quiet = o.quiet;
	e.sweep = true;
	rc = lb_engine_run(&e);
out:
	json_decref(e.sweep_json);
	json_decref(e.kept_runs);
	lb_plan_free(&plan);
	lb_sweep_spec_free(&spec);
	lb_knob_set_free(&o.over);
	if (e.topo)
		lb_topo_destroy(e.topo);
	free(cmdline);
	return rc;
}
