/* SPDX-License-Identifier: MIT */
/*
 * datadir.c - data files are found beside the binary, in the source tree,
 * or where `make install` put them (Makefile.am: pkgdatadir).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness/util/datadir.h"

#ifndef LB_SRCDIR
#define LB_SRCDIR "."
#endif
#ifndef LB_PKGDATADIR
#define LB_PKGDATADIR "/usr/local/share/lockbench"
#endif

/* Write "DIR/REL" into @buf; true when that file can be read. */
static int readable(char *buf, size_t len, const char *dir, const char *rel)
{
	if ((size_t)snprintf(buf, len, "%s/%s", dir, rel) >= len)
		return 0;
	return access(buf, R_OK) == 0;
}

int lb_data_path(const char *rel, char *buf, size_t len)
{
	char dir[4096];
	ssize_t n;

	/* beside the binary (a build in the source tree) */
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 8);
	if (n > 0) {
		char *slash;

		dir[n] = '\0';
		slash = strrchr(dir, '/');
		if (slash) {
			strcpy(slash, "/data");
			if (readable(buf, len, dir, rel))
				return 0;
		}
	}
	if (readable(buf, len, LB_SRCDIR "/data", rel))
		return 0;
	return readable(buf, len, LB_PKGDATADIR, rel) ? 0 : -1;
}
