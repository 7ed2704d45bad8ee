/* SPDX-License-Identifier: MIT */
/* cli.c - what every command shares: the message for a bad option. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "harness/cli/cli.h"

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
