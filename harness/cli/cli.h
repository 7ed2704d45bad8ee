/* SPDX-License-Identifier: MIT */
/* cli.h - subcommands and the helpers they share. */
#ifndef LB_HARNESS_CLI_H
#define LB_HARNESS_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "harness/util/options.h"
#include "runtime/compiler.h"

/*
 * Report getopt_long's '?' or ':' for @argv (with "did you mean" for long
 * options) and exit 2.  @cmd names the subcommand for the help hint.
 */
void __attribute__((noreturn))
lb_bad_option(const char *cmd, int c, char **argv,
	      const struct option *longopts);

int lb_cmd_list(int argc, char **argv);
int lb_cmd_topo(int argc, char **argv);
int lb_cmd_run(int argc, char **argv);
int lb_cmd_sweep(int argc, char **argv);
int lb_cmd_plot(int argc, char **argv);
int lb_cmd_compare(int argc, char **argv);
int lb_cmd_ab(int argc, char **argv);
int lb_cmd_floors(int argc, char **argv);

#endif /* LB_HARNESS_CLI_H */
