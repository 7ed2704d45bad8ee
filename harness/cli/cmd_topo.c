/* SPDX-License-Identifier: MIT */
/*
 * cmd_topo.c - `lockbench topo`: the machine as hwloc sees it, and the
 * placement plan of a pinning policy.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "harness/cli/cli.h"
#include "harness/machine/topo.h"

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
