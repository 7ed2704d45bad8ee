/* SPDX-License-Identifier: MIT */
/*
 * main.c - lockbench's entry point: dispatch to a subcommand, and the
 * `list` and `topo` subcommands.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/cli.h"
#include "harness/floors.h"
#include "harness/gitversion.h"
#include "harness/topo.h"
#include "locks/lock.h"
#include "workloads/workload.h"

static const char usage[] =
	"usage: lockbench <command> [options]\n"
	"\n"
	"Compare fair and futex-based locks on this machine.\n"
	"\n"
	"commands:\n"
	"  list      sync methods, workloads and pinning policies\n"
	"  topo      the machine as hwloc sees it, and thread placement plans\n"
	"  run       measure methods at thread counts, write a result file\n"
	"  sweep     a matrix of runs from a preset or a spec, resumable\n"
	"  plot      charts and an index page from result files (gnuplot)\n"
	"  compare   regression check of one result file against another\n"
	"  ab        run two builds interleaved and compare them\n"
	"  floors    this machine's hand-off floors between two PUs "
	"(cached)\n"
	"  help CMD  options of a command (or: lockbench CMD --help)\n"
	"\n"
	"  lockbench run -m pthread,mcs-futex -t 1-4 --cs 100ns -o r.json\n"
	"\n"
	"exit status: 0 success, 1 a correctness check failed, 2 bad usage "
	"or input,\n"
	"3 a run could not complete (thread creation, stall, crash)\n";

void lb_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("lockbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(LB_EXIT_USAGE);
}

void lb_bad_option(const char *cmd, int c, char **argv,
		   const struct option *longopts)
{
	const char *bad = argv[optind - 1];
	const char *names[64];
	const char *hint;
	unsigned int n = 0;

	if (c == ':')
		lb_usage_error("option '%s' needs a value (see 'lockbench %s "
			       "--help')",
			       bad, cmd);
	if (strncmp(bad, "--", 2))
		lb_usage_error("unknown option '-%c' (see 'lockbench %s "
			       "--help')",
			       optopt ? optopt : '?', cmd);
	for (; longopts[n].name && n < LB_ARRAY_SIZE(names); n++)
		names[n] = longopts[n].name;
	{
		char word[64];

		snprintf(word, sizeof(word), "%.*s", (int)strcspn(bad + 2, "="),
			 bad + 2);
		hint = lb_closest(word, names, n);
	}
	if (hint)
		lb_usage_error("unknown option '%s' (did you mean '--%s'?)",
			       bad, hint);
	lb_usage_error("unknown option '%s' (see 'lockbench %s --help')", bad,
		       cmd);
}

static int list_usage(FILE *f, int rc)
{
	fputs("usage: lockbench list\n\n"
	      "Print every sync method (with its properties), every "
	      "workload and every\npinning policy.\n",
	      f);
	return rc;
}

int lb_cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int i;
	char flags[128];
	int c;

	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'h')
			return list_usage(stdout, 0);
		lb_bad_option("list", c, argv, longopts);
	}
	if (optind < argc)
		lb_usage_error("list: unexpected argument '%s'", argv[optind]);
	printf("sync methods:\n");
	for (i = 0; i < lb_nlocks; i++) {
		if (lb_locks[i]->flags & LB_TEST_ONLY)
			continue;
		printf("  %-18s %-22s %s\n", lb_locks[i]->name,
		       lb_lock_flags_str(lb_locks[i]->flags, flags,
					 sizeof(flags)),
		       lb_locks[i]->summary);
	}
	printf("\nworkloads:\n");
	for (i = 0; i < lb_nworkloads; i++)
		printf("  %-18s %s\n", lb_workloads[i]->name,
		       lb_workloads[i]->summary);
	printf("\npinning policies (--pin):\n"
	       "  %-18s %s\n  %-18s %s\n  %-18s %s\n  %-18s %s\n",
	       "none", "let the scheduler place threads", "compact",
	       "fill the PUs of a core, then the next core, then the next "
	       "package",
	       "scatter", "spread over packages, then cores; SMT siblings last",
	       "0,2,4-7", "an explicit list of PUs (OS numbering), in order");
	return 0;
}

static int topo_usage(FILE *f, int rc)
{
	fputs("usage: lockbench topo [--pin POLICY --threads N] "
	      "[--synthetic DESC]\n\n"
	      "Print the machine as hwloc sees it; with --threads, the PU "
	      "each thread\nwould get.\n\n"
	      "  -p, --pin POLICY    none, compact (default), scatter, or a "
	      "PU list 0,2-3\n"
	      "  -t, --threads N     number of threads to place (1-1024)\n"
	      "  -s, --synthetic D   an hwloc synthetic topology instead of "
	      "this machine,\n"
	      "                      e.g. \"pack:2 numa:1 core:8 pu:2\"\n",
	      f);
	return rc;
}

static void print_plan(const struct lb_topo *topo, const char *pin_arg,
		       unsigned int nthreads)
{
	struct lb_placement *plan = lb_xzalloc(nthreads * sizeof(*plan));
	struct lb_pin_policy pin;
	char err[LB_ERRLEN];
	bool over;
	unsigned int i;

	if (lb_pin_parse(pin_arg, &pin, err, sizeof(err)) ||
	    lb_pin_plan(topo, &pin, nthreads, plan, &over, err, sizeof(err)))
		lb_usage_error("%s", err);
	printf("\nplacement of %u threads with --pin %s%s:\n", nthreads,
	       pin_arg, over ? " (OVERSUBSCRIBED: some PUs run several)" : "");
	printf("  %6s %5s %5s %7s %5s %7s\n", "thread", "PU", "core", "package",
	       "numa", "sharing");
	for (i = 0; i < nthreads; i++)
		printf("  %6u %5d %5d %7d %5d %7u\n", i, plan[i].os_index,
		       plan[i].core, plan[i].package, plan[i].numa,
		       plan[i].sharing);
	lb_pin_policy_free(&pin);
	free(plan);
}

int lb_cmd_topo(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pin", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ "synthetic", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pin = NULL, *synthetic = NULL;
	uint64_t nthreads = 0;
	struct lb_topo *topo;
	char err[LB_ERRLEN];
	int c;

	while ((c = getopt_long(argc, argv, ":p:t:s:h", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'p':
			pin = optarg;
			break;
		case 't':
			if (lb_parse_u64("--threads", optarg, 1, LB_MAX_THREADS,
					 &nthreads, err, sizeof(err)))
				lb_usage_error("%s", err);
			break;
		case 's':
			synthetic = optarg;
			break;
		case 'h':
			return topo_usage(stdout, 0);
		default:
			lb_bad_option("topo", c, argv, longopts);
		}
	}
	if (optind < argc)
		lb_usage_error("topo: unexpected argument '%s'", argv[optind]);
	if (lb_topo_load(&topo, synthetic, err, sizeof(err)))
		lb_usage_error("%s", err);
	if (lb_topo_restrict_to_affinity(topo, err, sizeof(err)))
		printf("CPU affinity mask: using PUs %s only\n", err);
	lb_topo_print(topo, stdout);
	if (pin && !nthreads) {
		struct lb_topo_summary sum;

		lb_topo_summary(topo, &sum);
		nthreads = sum.pus;
	}
	if (nthreads)
		print_plan(topo, pin ? pin : "compact", (unsigned int)nthreads);
	lb_topo_destroy(topo);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "list", lb_cmd_list },
	{ "topo", lb_cmd_topo },
	{ "run", lb_cmd_run },
	{ "sweep", lb_cmd_sweep },
	/* charts and regression checks */
	{ "plot", lb_cmd_plot },
	{ "compare", lb_cmd_compare },
	{ "ab", lb_cmd_ab },
	{ "floors", lb_cmd_floors },
};

static int help(int argc, char **argv)
{
	char help_opt[] = "--help";
	char *args[] = { argv[0], help_opt, NULL };
	unsigned int i;

	if (argc < 1) {
		fputs(usage, stdout);
		return 0;
	}
	for (i = 0; i < LB_ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[0], commands[i].name))
			return commands[i].fn(2, args);
	lb_usage_error("help: unknown command '%s'", argv[0]);
}

int main(int argc, char **argv)
{
	const char *names[LB_ARRAY_SIZE(commands)];
	const char *cmd, *hint;
	unsigned int i;

	if (argc < 2) {
		fputs(usage, stderr);
		return LB_EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "help"))
		return help(argc - 2, argv + 2);
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("lockbench %s (%s)\n", PACKAGE_VERSION, LB_GIT_COMMIT);
		return 0;
	}
	for (i = 0; i < LB_ARRAY_SIZE(commands); i++) {
		if (!strcmp(cmd, commands[i].name)) {
			optind = 1;
			return commands[i].fn(argc - 1, argv + 1);
		}
		names[i] = commands[i].name;
	}
	hint = lb_closest(cmd, names, LB_ARRAY_SIZE(commands));
	if (hint)
		lb_usage_error("unknown command '%s' (did you mean '%s'?)", cmd,
			       hint);
	lb_usage_error("unknown command '%s' (see 'lockbench --help')", cmd);
}
