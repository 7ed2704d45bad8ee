/* SPDX-License-Identifier: MIT */
/* cmd_list.c - `lockbench list`: methods, workloads, pinning policies. */
#include "config.h"

#include <stdio.h>

#include "harness/cli/cli.h"
#include "locks/lock.h"
#include "workloads/workload.h"

static int list_usage(FILE *f, int rc)
{
	fputs("usage: lockbench list [--lock-lib FILE]...\n\n"
	      "Print every sync method (with its properties), every "
	      "workload and every\npinning policy.\n\n" LB_LOCK_LIB_HELP,
	      f);
	return rc;
}

int lb_cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "lock-lib", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int i;
	char flags[128];
	int c;

	lb_cli_lock_libs(argc, argv);
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'h')
			return list_usage(stdout, 0);
		if (c != 'L')
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
