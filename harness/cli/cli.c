/* SPDX-License-Identifier: MIT */
/* cli.c - what every command shares: the message for a bad option. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "harness/cli/cli.h"
#include "locks/plugin.h"

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

void lb_cli_lock_libs(int argc, char **argv)
{
	char err[LB_ERRLEN];
	const char *path;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return;
		if (!strncmp(argv[i], "--lock-lib=", 11))
			path = argv[i] + 11;
		else if (!strcmp(argv[i], "--lock-lib") && i + 1 < argc)
			path = argv[++i];
		else
			continue;
		if (lb_lock_lib_load(path, err, sizeof(err)) < 0)
			lb_usage_error("%s", err);
	}
}
