/* SPDX-License-Identifier: MIT */
/*
 * death.h - death tests: run a function in a forked child with its stderr
 * captured, and check that it aborted with the expected message.  Used by
 * the tests of code that must abort loudly on misuse (entering a running
 * coroutine, scheduling one twice, unlocking a lock one does not hold).
 */
#ifndef LB_TESTS_DEATH_H
#define LB_TESTS_DEATH_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/coroutine.h"
#include "tests/tap.h"

/*
 * Run @fn in a child whose stderr goes to a pipe.  Returns the wait status;
 * the child's stderr is left in @buf.
 */
static inline int death_test(void (*fn)(void), char *buf, size_t len)
{
	int pfd[2], status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		abort();
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };

		setrlimit(RLIMIT_CORE, &no_core);
		close(pfd[0]);
		dup2(pfd[1], STDERR_FILENO);
		/*
		 * Fresh coroutines only: ThreadSanitizer loses the fibers'
		 * happens-before history across fork() and would report
		 * races on pooled coroutines made by the parent.
		 */
		lb_co_pool_flush();
		fn();
		_exit(0);
	}
	close(pfd[1]);
	/* Read to EOF (keeping what fits) so the child never gets SIGPIPE. */
	for (;;) {
		char sink[256];
		char *dst = got + 1 < len ? buf + got : sink;
		size_t room = got + 1 < len ? len - 1 - got : sizeof(sink);

		n = read(pfd[0], dst, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (dst != sink)
			got += (size_t)n;
	}
	buf[got] = '\0';
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			abort();
	return status;
}

/* The line of the child's stderr that has @msg, for the test name. */
static inline const char *death_line(char *buf, const char *msg)
{
	char *p = strstr(buf, msg), *nl;

	if (!p)
		return "(message not found)";
	while (p > buf && p[-1] != '\n')
		p--;
	nl = strchr(p, '\n');
	if (nl)
		*nl = '\0';
	return p;
}

/* Show a failed death test's stderr as TAP comments. */
static inline void death_dump(int ok_, const char *buf)
{
	const char *p = buf;

	if (ok_)
		return;
	while (*p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		tap_diag("child: %.*s", len, p);
		p += len + (nl != NULL);
	}
}

static inline int aborted_with(int status, const char *buf, const char *msg)
{
	int r = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT &&
		strstr(buf, msg) != NULL;

	death_dump(r, buf);
	return r;
}

/*
 * One TAP point: @fn, run in a child, aborts with @msg on stderr.  Named
 * @what and the child's "lockbench:" line; its stderr shown if it did not.
 */
static inline bool death_ok(void (*fn)(void), const char *msg, const char *what)
{
	char buf[2048];
	int st = death_test(fn, buf, sizeof(buf));
	bool r = aborted_with(st, buf, msg);

	return tap_ok(r, "%s: %s", what, death_line(buf, "lockbench:"));
}

#endif /* LB_TESTS_DEATH_H */
