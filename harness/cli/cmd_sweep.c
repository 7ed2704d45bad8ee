/* SPDX-License-Identifier: MIT */
/*
 * cmd_sweep.c - `lockbench sweep PRESET|SPEC.json`: a matrix of runs over
 * methods x threads x knobs (harness/sweep.h), measured by the engine `run`
 * uses (harness/plan.h), resumable, with a progress bar.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "harness/cli/cli.h"
#include "harness/engine/plan.h"
#include "harness/engine/report.h"
#include "harness/util/signals.h"
#include "harness/config/sweep.h"
#include "harness/machine/topo.h"

#define HUGE_RUNS 500u
#define HUGE_NS 3600000000000ull /* an hour */
#define SPEC_MAX_BYTES (1u << 20)

struct sweep_opts {
	const char *what; /* preset name or spec file */
	const char *output;
	char default_output[80];
	bool resume, dry_run, yes, quiet, show;
	/* --retries, --gate, --no-gate: over the spec's */
	bool retries_given, gate_given;
	unsigned int retries;
	struct lb_gate gate;
};

static int sweep_usage(FILE *f, int rc)
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
	      "prints a preset's.\n\n"
	      "  -o, --output FILE  result file (default: "
	      "lockbench-sweep-DATE-TIME.json)\n"
	      "      --resume       keep the runs FILE already holds "
	      "complete, run the rest\n"
	      "  -n, --dry-run      print the plan and its estimated "
	      "duration, run nothing\n"
	      "  -y, --yes          run a huge sweep (more than 500 runs or "
	      "an hour)\n"
	      "  -q, --quiet        no table and no progress\n"
	      "      --show         print the spec (JSON) and exit\n"
	      "      --retries N    extra repetitions per configuration to "
	      "replace invalid ones\n"
	      "                     (default: the spec's \"retries\", else "
	      "2)\n"
	      "      --gate K=V,... validity thresholds (see 'lockbench run "
	      "--help')\n"
	      "      --no-gate      judge no repetition: all are valid\n"
	      "      --lock-lib FILE  a lock from a shared object, for the "
	      "spec's methods\n"
	      "  -h, --help         this text\n\n"
	      "Progress goes to stderr: a bar on a terminal, a line per run "
	      "otherwise.\n",
	      f);
	return rc;
}

enum {
	OPT_RESUME = 256,
	OPT_SHOW,
	OPT_RETRIES,
	OPT_GATE,
	OPT_NO_GATE,
	OPT_LOCK_LIB,
};

static const struct option sweep_longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "resume", no_argument, NULL, OPT_RESUME },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "yes", no_argument, NULL, 'y' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "show", no_argument, NULL, OPT_SHOW },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "gate", required_argument, NULL, OPT_GATE },
	{ "no-gate", no_argument, NULL, OPT_NO_GATE },
	{ "lock-lib", required_argument, NULL, OPT_LOCK_LIB },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void parse_sweep(struct sweep_opts *o, int argc, char **argv)
{
	time_t now = time(NULL);
	char err[LB_ERRLEN];
	int c;

	*o = (struct sweep_opts){ 0 };
	lb_gate_defaults(&o->gate);
	lb_cli_lock_libs(argc, argv);
	while ((c = getopt_long(argc, argv, ":o:nyqh", sweep_longopts, NULL)) !=
	       -1) {
		switch (c) {
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
		case OPT_RETRIES:
			if (lb_retries_parse("--retries", optarg, &o->retries,
					     err, sizeof(err)))
				lb_usage_error("%s", err);
			o->retries_given = true;
			break;
		case OPT_GATE:
			if (lb_gate_parse(optarg, &o->gate, err, sizeof(err)))
				lb_usage_error("%s", err);
			o->gate_given = true;
			break;
		case OPT_NO_GATE:
			o->gate.on = false;
			o->gate_given = true;
			break;
		case OPT_LOCK_LIB: /* loaded already: lb_cli_lock_libs() */
			break;
		case 'h':
			exit(sweep_usage(stdout, 0));
		default:
			lb_bad_option("sweep", c, argv, sweep_longopts);
		}
	}
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

/* The spec file's text (malloc'd, *len bytes), or exit 2. */
static char *read_spec(const struct sweep_opts *o, size_t *len)
{
	struct stat st;
	char *buf;
	FILE *f;
	size_t n;

	if (stat(o->what, &st)) {
		if (errno == ENOENT && !strchr(o->what, '/') &&
		    !strchr(o->what, '.')) {
			const char *hint = lb_closest(o->what,
						      lb_sweep_preset_names,
						      lb_sweep_npresets);

			lb_usage_error("unknown preset '%s'%s%s%s (presets: "
				       "quick, default, full; or a spec "
				       "file)",
				       o->what, hint ? " (did you mean '" : "",
				       hint ? hint : "", hint ? "'?)" : "");
		}
		lb_usage_error("cannot read spec '%s': %s", o->what,
			       strerror(errno));
	}
	if (S_ISDIR(st.st_mode))
		lb_usage_error("cannot read spec '%s': it is a directory",
			       o->what);
	f = fopen(o->what, "r");
	if (!f)
		lb_usage_error("cannot read spec '%s': %s", o->what,
			       strerror(errno));
	buf = lb_xzalloc(SPEC_MAX_BYTES + 1);
	n = fread(buf, 1, SPEC_MAX_BYTES + 1, f);
	if (ferror(f))
		lb_usage_error("cannot read spec '%s': %s", o->what,
			       strerror(errno));
	fclose(f);
	if (n > SPEC_MAX_BYTES)
		lb_usage_error("spec '%s' is larger than %u bytes", o->what,
			       SPEC_MAX_BYTES);
	*len = n;
	return buf;
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

int lb_cmd_sweep(int argc, char **argv)
{
	struct sweep_opts o;
	struct lb_sweep_spec spec;
	struct lb_plan plan;
	struct lb_engine e = { .plan = &plan };
	char err[LB_ERRLEN], affinity[128];
	const char *text;
	char *buf = NULL;
	size_t len;
	json_t *resumed = NULL;
	unsigned int kept = 0;
	bool is_file;
	char **cmdline = lb_xzalloc((size_t)(argc + 2) * sizeof(*cmdline));
	int rc;

	/* getopt_long permutes argv: keep the command line as typed. */
	memcpy(cmdline, argv - 1, (size_t)(argc + 1) * sizeof(*cmdline));
	parse_sweep(&o, argc, argv);
	text = lb_sweep_preset(o.what);
	is_file = !text;
	if (!text)
		text = buf = read_spec(&o, &len);
	else
		len = strlen(text);
	if (o.show) {
		fwrite(text, 1, len, stdout);
		free(buf);
		free(cmdline);
		return 0;
	}
	if (lb_sweep_spec_parse(text, len, o.what, &spec, err, sizeof(err)))
		lb_usage_error("%s", err);
	free(buf);
	if (lb_plan_check_output(o.output, err, sizeof(err)))
		lb_usage_error("%s", err);
	if (is_file && same_file(o.what, o.output))
		lb_usage_error("invalid output file '%s': it is the spec file "
			       "'%s'",
			       o.output, o.what);
	e.sweep_json = json_pack("{s:s, s:O}", is_file ? "file" : "preset",
				 o.what, "spec", spec.json);
	if (!e.sweep_json)
		lb_die("cannot build the sweep's description");
	lb_signals_install();
	if (lb_topo_load(&e.topo, NULL, err, sizeof(err)))
		lb_usage_error("%s", err);
	if (lb_topo_restrict_to_affinity(e.topo, affinity, sizeof(affinity)) &&
	    !o.quiet)
		printf("CPU affinity mask: using PUs %s only\n", affinity);
	if (lb_sweep_plan(&spec, e.topo, &plan, err, sizeof(err)))
		lb_usage_error("%s: %s", o.what, err);
	if (lb_plan_check_pins(&plan, e.topo, err, sizeof(err)))
		lb_usage_error("%s: %s", o.what, err);
	/* The gate: the spec's, the environment's default, the options. */
	if (!spec.gate_given)
		lb_gate_env(&plan.gate);
	if (o.gate_given)
		plan.gate = o.gate;
	if (o.retries_given)
		plan.retries = o.retries;
	if (o.resume)
		resumed = load_resumed(&o, e.sweep_json);
	if (resumed) {
		kept = lb_engine_resume(&e, json_object_get(resumed, "runs"));
		json_decref(resumed);
	}
	if (o.dry_run) {
		lb_plan_print(&plan, stdout);
		rc = 0;
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
		rc = 0;
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
	lb_topo_destroy(e.topo);
	free(cmdline);
	return rc;
}
