/* SPDX-License-Identifier: MIT */
/* cli.h - subcommands and the helpers they share. */
#ifndef LB_HARNESS_CLI_H
#define LB_HARNESS_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "harness/options.h"

/* Print "lockbench: <msg>" and exit with LB_EXIT_USAGE. */
void __attribute__((noreturn, format(printf, 1, 2)))
lb_usage_error(const char *fmt, ...);
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

#endif /* LB_HARNESS_CLI_H */
