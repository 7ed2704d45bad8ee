/* SPDX-License-Identifier: MIT */
/*
 * cmdline.h - the knob table on the command line: getopt_long's option
 * array and optstring, and the --help lines, for `run` (every knob) and
 * `sweep` (the knobs with LB_KF_SWEEP, over its spec's), beside each
 * command's own options (-o, -q, ...).
 */
#ifndef LB_HARNESS_CMDLINE_H
#define LB_HARNESS_CMDLINE_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "harness/config/knobs.h"

/* A command's own option; name NULL marks where the knobs go. */
struct lb_cmd_opt {
	const char *name;
	char short_opt; /* or 0 */
	const char *arg; /* its value in --help, NULL: takes none */
	const char *help;
};

#define LB_CMDLINE_MAX 64u
#define LB_OPT_KNOB 1000 /* getopt's value of knob i: LB_OPT_KNOB + i */
#define LB_OPT_CMD 2000 /* of a command option without a short one */

struct lb_cmdline {
	struct option longopts[LB_CMDLINE_MAX + 1];
	char optstring[2 * LB_CMDLINE_MAX + 2];
	bool sweep;
	const struct lb_cmd_opt *opts;
	unsigned int nopts;
};

/* Build @cl for the knobs of @sweep (or run) and the command's @opts. */
void lb_cmdline_build(struct lb_cmdline *cl, bool sweep,
		      const struct lb_cmd_opt *opts, unsigned int nopts);
/* The knob getopt_long returned @c for, or NULL (a command option). */
const struct lb_knob *lb_cmdline_knob(const struct lb_cmdline *cl, int c);
/*
 * Parse knob option @c's @arg into @s (replacing what it held); exits 2
 * with the message when it is bad.  Returns false when @c is no knob.
 */
bool lb_cmdline_knob_arg(const struct lb_cmdline *cl, int c, const char *arg,
			 struct lb_knob_set *s);
/* The option lines of --help, knobs where @cl's opts say. */
void lb_cmdline_help(const struct lb_cmdline *cl, FILE *f);

#endif /* LB_HARNESS_CMDLINE_H */
