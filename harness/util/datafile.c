/* SPDX-License-Identifier: MIT */
/* datafile.c - where lockbench's data files are (see datafile.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness/util/datafile.h"

#ifndef LB_SRCDIR
#define LB_SRCDIR "."
#endif
#ifndef LB_PKGDATADIR
#define LB_PKGDATADIR "/usr/local/share/lockbench"
#endif

static int readable(const char *dir, const char *name)
{
	char path[4200];

	snprintf(path, sizeof(path), "%.3000s/%.100s", dir, name);
	return access(path, R_OK) == 0;
}

const char *lb_data_dir(const char *src_sub, const char *inst_sub,
			const char *probe, char *buf, size_t len)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, len, "%s/%s", exe, src_sub);
			if (readable(buf, probe))
				return buf;
		}
	}
	snprintf(buf, len, "%s/%s", LB_SRCDIR, src_sub);
	if (readable(buf, probe))
		return buf;
	snprintf(buf, len, "%s%s%s", LB_PKGDATADIR, *inst_sub ? "/" : "",
		 inst_sub);
	return buf;
}
