/* SPDX-License-Identifier: MIT */
/*
 * cmd_floors.c - `lockbench floors`: this machine's hand-off floors between
 * two PUs (floors.h), from the cache or measured, as a table or as JSON.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "harness/cli/cli.h"
#include "harness/machine/floors.h"
#include "harness/machine/topo.h"
#include "runtime/compiler.h"

static int floors_usage(FILE *f, int rc)
{
	fputs("usage: lockbench floors [--pus A,B] [--json] [--refresh | "
	      "--no-cache]\n\n"
	      "The physical hand-off floors of this machine between two "
	      "PUs, each a round\ntrip between two pinned threads: a cache "
	      "line written in turn by both\n(spinning), a futex wake, an "
	      "eventfd write/read, and a coroutine switch\n(enter + yield "
	      "on one thread).  About 1.5 s; cached per machine in\n"
	      "$XDG_CACHE_HOME/lockbench (else ~/.cache/lockbench) and "
	      "reused, also by run\nand sweep, which record them in the "
	      "result's host section\n(LOCKBENCH_FLOORS=0 turns that "
	      "off).\n\n"
	      "  -p, --pus A,B   the two PUs (OS indexes; default: two "
	      "cores of one package)\n"
	      "  -j, --json      print the floors object as JSON\n"
	      "  -r, --refresh   measure again and rewrite the cache\n"
	      "      --no-cache  measure, and neither read nor write the "
	      "cache\n"
	      "  -h, --help      this text\n",
	      f);
	return rc;
}

int lb_cmd_floors(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pus", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "refresh", no_argument, NULL, 'r' },
		{ "no-cache", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pus_arg = NULL;
	unsigned int flags = 0;
	char err[LB_ERRLEN], path[4096];
	struct lb_topo *topo;
	bool json = false;
	json_t *floors;
	int c, pus[2];

	while ((c = getopt_long(argc, argv, ":p:jrh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pus_arg = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'r':
			flags |= LB_FLOORS_REFRESH;
			break;
		case 'N':
			flags |= LB_FLOORS_NO_CACHE;
			break;
		case 'h':
			return floors_usage(stdout, 0);
		default:
			lb_bad_option("floors", c, argv, longopts);
		}
	}
	if (optind < argc)
		lb_usage_error("floors: unexpected argument '%s'",
			       argv[optind]);
	if (lb_topo_load(&topo, NULL, err, sizeof(err)))
		lb_usage_error("%s", err);
	lb_topo_restrict_to_affinity(topo, err, sizeof(err));
	if (lb_floors_pus(topo, pus_arg, pus, err, sizeof(err))) {
		if (pus_arg)
			lb_usage_error("%s", err);
		fprintf(stderr, "lockbench: floors: %s\n", err);
		lb_topo_destroy(topo);
		return LB_EXIT_RUN;
	}
	floors = lb_floors_get(topo, pus, flags, path, sizeof(path), err,
			       sizeof(err));
	lb_topo_destroy(topo);
	if (!floors) {
		fprintf(stderr, "lockbench: floors: %s\n", err);
		return LB_EXIT_RUN;
	}
	if (json) {
		char *s = json_dumps(floors, JSON_INDENT(2) |
						     JSON_PRESERVE_ORDER |
						     JSON_REAL_PRECISION(10));

		if (!s)
			lb_die("out of memory");
		puts(s);
		free(s);
	} else {
		lb_floors_print_table(stdout, floors, path);
	}
	json_decref(floors);
	return 0;
}
