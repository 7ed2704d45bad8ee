/* SPDX-License-Identifier: MIT */
/*
 * migrations.c - how often the calling thread moved between CPUs, for the
 * validity gate (harness/validity.h): a pinned worker thread that migrates
 * in the measured window was moved by somebody else.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "workloads/workload.h"

#define MIGRATIONS_KEY "se.nr_migrations"

int64_t lb_thread_migrations(void)
{
	char buf[8192], *p;
	ssize_t n, len = 0;
	int fd = open("/proc/thread-self/sched", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (len < (ssize_t)sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	/* "se.nr_migrations          :      3" at the start of a line */
	for (p = buf; (p = strstr(p, MIGRATIONS_KEY)); p++) {
		if (p != buf && p[-1] != '\n')
			continue;
		p = strchr(p, ':');
		return p ? strtoll(p + 1, NULL, 10) : -1;
	}
	return -1;
}
