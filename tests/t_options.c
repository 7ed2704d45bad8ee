/* SPDX-License-Identifier: MIT */
/* t_options.c - the parsers of user input, good values and bad. */
#include <stdlib.h>
#include <string.h>

#include "harness/util/options.h"
#include "tests/tap.h"

static void duration_ok(const char *arg, uint64_t want)
{
	char err[LB_ERRLEN] = "";
	uint64_t got = 0;
	int rc = lb_parse_duration("--cs", arg, 0, UINT64_MAX, &got, err,
				   sizeof(err));

	tap_ok(!rc && got == want, "duration '%s' = %llu ns (got %llu%s%s)",
	       arg, (unsigned long long)want, (unsigned long long)got,
	       rc ? ", " : "", err);
}

static void duration_bad(const char *arg, uint64_t min, uint64_t max,
			 const char *needle)
{
	char err[LB_ERRLEN] = "";
	uint64_t got;
	int rc = lb_parse_duration("--duration", arg, min, max, &got, err,
				   sizeof(err));

	tap_ok(rc && strstr(err, arg) && strstr(err, needle),
	       "duration '%s' rejected: %s", arg, err);
}

static void threads_ok(const char *arg, const char *want)
{
	char err[LB_ERRLEN] = "", got[256] = "";
	unsigned int *t = NULL, n = 0, i;
	size_t used = 0;
	int rc = lb_parse_threads("--threads", arg, &t, &n, err, sizeof(err));

	for (i = 0; !rc && i < n; i++)
		used += snprintf(got + used, sizeof(got) - used, "%s%u",
				 i ? "," : "", t[i]);
	tap_ok(!rc && !strcmp(got, want), "threads '%s' = %s (got %s%s)", arg,
	       want, got, err);
	free(t);
}

static void threads_bad(const char *arg, const char *needle)
{
	char err[LB_ERRLEN] = "";
	unsigned int *t = NULL, n = 0;
	int rc = lb_parse_threads("--threads", arg, &t, &n, err, sizeof(err));

	tap_ok(rc && strstr(err, needle), "threads '%s' rejected: %s", arg,
	       err);
	free(t);
}

static void u64_cases(void)
{
	char err[LB_ERRLEN];
	uint64_t v = 0;

	tap_ok(!lb_parse_u64("--reps", "5", 1, 10, &v, err, sizeof(err)) &&
		       v == 5,
	       "u64 '5'");
	tap_ok(lb_parse_u64("--reps", "0", 1, 10, &v, err, sizeof(err)) &&
		       strstr(err, "'0'"),
	       "u64 '0' below range: %s", err);
	tap_ok(lb_parse_u64("--reps", "5x", 1, 10, &v, err, sizeof(err)) &&
		       strstr(err, "'5x'"),
	       "u64 '5x' trailing junk: %s", err);
	tap_ok(lb_parse_u64("--reps", "-1", 1, 10, &v, err, sizeof(err)),
	       "u64 '-1' negative: %s", err);
	tap_ok(lb_parse_u64("--reps", "99999999999999999999999", 1, 10, &v, err,
			    sizeof(err)),
	       "u64 overflow: %s", err);
}

static void closest_cases(void)
{
	static const char *const names[] = { "pthread", "mcs-futex",
					     "futex-mutex", "ticket" };
	const char *c;

	c = lb_closest("mcs-futx", names, 4);
	tap_ok(c && !strcmp(c, "mcs-futex"), "did you mean mcs-futex");
	c = lb_closest("pthred", names, 4);
	tap_ok(c && !strcmp(c, "pthread"), "did you mean pthread");
	tap_ok(!lb_closest("zzzzzzzzzz", names, 4), "no suggestion for junk");
	tap_ok(lb_edit_distance("kitten", "sitting") == 3,
	       "edit distance kitten/sitting = 3");
}

int main(void)
{
	tap_plan(37);
	duration_ok("250ns", 250);
	duration_ok("2us", 2000);
	duration_ok("1.5s", 1500000000ull);
	duration_ok("10ms", 10000000ull);
	duration_ok("0", 0);
	duration_ok("0.25us", 250);
	duration_ok("2min", 120000000000ull);
	duration_bad("-3ns", 0, UINT64_MAX, "negative");
	duration_bad("1parsec", 0, UINT64_MAX, "unknown unit 'parsec'");
	duration_bad("100", 0, UINT64_MAX, "missing unit");
	duration_bad("1.5ns", 0, UINT64_MAX, "finer than a nanosecond");
	duration_bad("ms", 0, UINT64_MAX, "expected a number");
	duration_bad("", 0, UINT64_MAX, "empty");
	duration_bad("10us", 1000000, 2000000, "between 1ms and 2ms");
	duration_bad("99999999999999999999s", 0, UINT64_MAX, "too large");
	threads_ok("1,2,4", "1,2,4");
	threads_ok("1-4", "1,2,3,4");
	threads_ok("4,1-2,2", "1,2,4");
	threads_ok("1-8:3", "1,4,7");
	threads_ok("1-64:x2", "1,2,4,8,16,32,64");
	threads_ok("1024", "1024");
	threads_bad("0", "between 1 and 1024");
	threads_bad("5-2", "descending");
	threads_bad("1025", "between 1 and 1024");
	threads_bad("1,,2", "empty");
	threads_bad("two", "'two'");
	threads_bad("1-4:x1", "factor");
	threads_bad("1-", "'1-'");
	u64_cases();
	closest_cases();
	return tap_done();
}
