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

/*
 * Load every --lock-lib FILE (or --lock-lib=FILE) of @argv into the
 * registry, before the other options are parsed (so that -m may name its
 * lock wherever it stands); a bad file exits 2 with its message.  The
 * command's own option table then accepts --lock-lib and ignores it.
 */
void lb_cli_lock_libs(int argc, char **argv);
#define LB_LOCK_LIB_HELP                                                 \
	"      --lock-lib FILE  load a lock from a shared object built " \
	"against\n"                                                      \
	"                       <lockbench/lock.h> (repeatable; see "    \
	"README.md)\n"

int lb_cmd_list(int argc, char **argv);
int lb_cmd_topo(int argc, char **argv);
int lb_cmd_run(int argc, char **argv);
int lb_cmd_sweep(int argc, char **argv);
int lb_cmd_plot(int argc, char **argv);
int lb_cmd_compare(int argc, char **argv);
int lb_cmd_ab(int argc, char **argv);
int lb_cmd_floors(int argc, char **argv);
int lb_cmd_validate(int argc, char **argv);

#endif /* LB_HARNESS_CLI_H */
