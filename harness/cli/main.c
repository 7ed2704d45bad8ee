/* SPDX-License-Identifier: MIT */
/*
 * main.c - lockbench's entry point: dispatch to a subcommand (one file
 * per command in this folder, cmd_<name>.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/cli/cli.h"
#include "harness/gitversion.h"

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
	"  validate  check a lock (--lock-lib FILE.so) before measuring it\n"
	"  help CMD  options of a command (or: lockbench CMD --help)\n"
	"\n"
	"  lockbench run -m pthread,mcs-futex -t 1-4 --cs 100ns -o r.json\n"
	"\n"
	"exit status: 0 success, 1 a correctness check failed, 2 bad usage "
	"or input,\n"
	"3 a run could not complete (thread creation, stall, crash)\n";

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
	{ "validate", lb_cmd_validate },
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
