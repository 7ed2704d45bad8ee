/* SPDX-License-Identifier: MIT */
/*
 * fileio.c - result files reach the disk whole or not at all: a temporary
 * file in the same directory, fsync, rename, fsync of the directory.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/util/fileio.h"
#include "harness/util/signals.h"

static int dir_of(const char *path, char *dir, size_t len)
{
	char *copy = strdup(path);

	if (!copy)
		return -1;
	snprintf(dir, len, "%s", dirname(copy));
	free(copy);
	return 0;
}

int lb_check_output_path(const char *path, char *err, size_t errlen)
{
	char dir[4096];
	struct stat st;

	if (!path || !*path) {
		snprintf(err, errlen, "invalid output file '': empty path");
		return -1;
	}
	if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen,
			 "invalid output file '%s': it is a directory", path);
		return -1;
	}
	dir_of(path, dir, sizeof(dir));
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen,
			 "invalid output file '%s': directory '%s' does not "
			 "exist",
			 path, dir);
		return -1;
	}
	if (access(dir, W_OK)) {
		snprintf(err, errlen,
			 "invalid output file '%s': directory '%s' is not "
			 "writable",
			 path, dir);
		return -1;
	}
	return 0;
}

static int dump_to(FILE *f, json_t *j)
{
	size_t flags = JSON_INDENT(1) | JSON_REAL_PRECISION(10) |
		       JSON_PRESERVE_ORDER;

	if (json_dumpf(j, f, flags) || fputc('\n', f) == EOF || fflush(f))
		return -1;
	return fsync(fileno(f));
}

int lb_write_json_atomic(const char *path, json_t *j, char *err, size_t errlen)
{
	char dir[4096], tmp[4200];
	int fd, dfd, saved;
	FILE *f;

	dir_of(path, dir, sizeof(dir));
	snprintf(tmp, sizeof(tmp), "%s/.lockbench-XXXXXX", dir);
	fd = mkstemp(tmp);
	lb_signals_set_tmp(fd >= 0 ? tmp : NULL);
	if (fd < 0 || fchmod(fd, 0644) || !(f = fdopen(fd, "w"))) {
		snprintf(err, errlen, "cannot write '%s': %s", path,
			 strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return -1;
	}
	if (dump_to(f, j) | fclose(f) || rename(tmp, path)) {
		saved = errno;
		unlink(tmp);
		lb_signals_set_tmp(NULL);
		snprintf(err, errlen,
			 "cannot write '%s': %s (the previous file, if any, "
			 "is intact)",
			 path, strerror(saved));
		return -1;
	}
	lb_signals_set_tmp(NULL);
	/* Make the rename itself durable. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}
