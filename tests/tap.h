/* SPDX-License-Identifier: MIT */
/*
 * tap.h - a few lines of the Test Anything Protocol, for automake's
 * tap-driver: every C test prints through it.  Plans are declared up
 * front; tap_done() returns the exit status (1 if anything failed, or if
 * the count of test points is not the plan's).
 */
#ifndef LB_TESTS_TAP_H
#define LB_TESTS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int tap_count, tap_failed, tap_planned = -1;

static inline void tap_plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

static inline bool __attribute__((format(printf, 2, 3)))
tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	tap_failed += !cond;
	return cond;
}

static inline void __attribute__((format(printf, 1, 2)))
tap_skip(const char *fmt, ...)
{
	va_list ap;

	printf("ok %d # SKIP ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static inline void __attribute__((format(printf, 1, 2)))
tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* A test that ran fewer or more points than its plan fails here too. */
static inline int tap_done(void)
{
	if (tap_planned >= 0 && tap_count != tap_planned)
		tap_ok(false, "ran %d tests, planned %d", tap_count,
		       tap_planned);
	return tap_failed ? 1 : 0;
}

#endif /* LB_TESTS_TAP_H */
