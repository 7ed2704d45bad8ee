/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/util/options.h"
#include "runtime/compiler.h"

/* "invalid --opt value 'arg': why" */
static int fail(char *err, size_t errlen, const char *opt, const char *arg,
		const char *why)
{
	snprintf(err, errlen, "invalid %s value '%s': %s", opt, arg, why);
	return -1;
}

int lb_parse_u64(const char *opt, const char *arg, uint64_t min, uint64_t max,
		 uint64_t *out, char *err, size_t errlen)
{
	char *end;
	unsigned long long v;

	if (!arg || !isdigit((unsigned char)arg[0]))
		return fail(err, errlen, opt, arg ? arg : "",
			    "expected a whole number");
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (*end)
		return fail(err, errlen, opt, arg, "expected a whole number");
	if (errno == ERANGE || v < min || v > max) {
		snprintf(err, errlen,
			 "invalid %s value '%s': must be between %" PRIu64
			 " and %" PRIu64,
			 opt, arg, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static const struct {
	const char *name;
	uint64_t ns;
} duration_units[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "ms", 1000000 },
	{ "s", 1000000000 },
	{ "min", 60000000000ull },
};

static int unit_scale(const char *unit, uint64_t *scale)
{
	unsigned int i;

	for (i = 0; i < LB_ARRAY_SIZE(duration_units); i++) {
		if (!strcmp(unit, duration_units[i].name)) {
			*scale = duration_units[i].ns;
			return 0;
		}
	}
	return -1;
}

/*
 * Parse "<digits>[.<digits>]<unit>" exactly, in integer arithmetic: "1.5s"
 * is 1500000000 ns, not a rounded double.  Fractions below 1 ns are refused.
 */
int lb_parse_duration(const char *opt, const char *arg, uint64_t min_ns,
		      uint64_t max_ns, uint64_t *out, char *err, size_t errlen)
{
	const char *p = arg;
	uint64_t whole = 0, frac = 0, frac_div = 1, scale, ns;
	const char *what = NULL;

	if (!arg || !*arg)
		what = "empty duration";
	else if (*arg == '-')
		what = "must not be negative";
	else if (!isdigit((unsigned char)*arg))
		what = "expected a number with a unit, like 250ns, 2us, 1.5s";
	if (what)
		return fail(err, errlen, opt, arg ? arg : "", what);
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > (UINT64_MAX - 9) / 10)
			return fail(err, errlen, opt, arg, "too large");
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++) {
			if (frac_div >= 1000000000ull)
				return fail(err, errlen, opt, arg,
					    "too many decimals");
			frac = frac * 10 + (uint64_t)(*p - '0');
			frac_div *= 10;
		}
	}
	if (!*p) {
		if (whole == 0 && frac == 0)
			scale = 1; /* a bare 0 needs no unit */
		else
			return fail(err, errlen, opt, arg,
				    "missing unit (ns, us, ms, s or min)");
	} else if (unit_scale(p, &scale)) {
		snprintf(err, errlen,
			 "invalid %s value '%s': unknown unit '%s' (use ns, "
			 "us, ms, s or min)",
			 opt, arg, p);
		return -1;
	}
	if (whole > UINT64_MAX / scale / 2)
		return fail(err, errlen, opt, arg, "too large");
	if ((frac * scale) % frac_div)
		return fail(err, errlen, opt, arg, "finer than a nanosecond");
	ns = whole * scale + frac * scale / frac_div;
	if (ns < min_ns || ns > max_ns) {
		char lo[32], hi[32];

		snprintf(err, errlen,
			 "invalid %s value '%s': must be between %s and %s",
			 opt, arg, lb_format_duration(min_ns, lo, sizeof(lo)),
			 lb_format_duration(max_ns, hi, sizeof(hi)));
		return -1;
	}
	*out = ns;
	return 0;
}

const char *lb_format_duration(uint64_t ns, char *buf, size_t len)
{
	static const char *const units[] = { "ns", "us", "ms", "s" };
	uint64_t scale = 1;
	unsigned int u = 0;

	while (u + 1 < LB_ARRAY_SIZE(units) && ns >= scale * 1000) {
		scale *= 1000;
		u++;
	}
	if (ns % scale == 0)
		snprintf(buf, len, "%" PRIu64 "%s", ns / scale, units[u]);
	else
		snprintf(buf, len, "%.3g%s", (double)ns / (double)scale,
			 units[u]);
	return buf;
}

static int parse_thread_value(const char *opt, const char *item, const char *s,
			      char **end, unsigned int *v, char *err,
			      size_t errlen)
{
	unsigned long long x;

	if (!isdigit((unsigned char)*s)) {
		snprintf(err, errlen,
			 "invalid %s item '%s': expected a thread count, a "
			 "range like 1-8, 1-8:2 or 1-64:x2",
			 opt, item);
		return -1;
	}
	errno = 0;
	x = strtoull(s, end, 10);
	if (errno == ERANGE || x < 1 || x > LB_MAX_THREADS) {
		snprintf(err, errlen,
			 "invalid %s item '%s': thread counts must be "
			 "between 1 and %u",
			 opt, item, LB_MAX_THREADS);
		return -1;
	}
	*v = (unsigned int)x;
	return 0;
}

/* One item: N, A-B, A-B:S or A-B:xF.  Marks the counts in @seen. */
static int parse_thread_item(const char *opt, const char *item, bool *seen,
			     char *err, size_t errlen)
{
	unsigned int lo, hi, step = 1, v;
	bool geometric = false;
	char *end;

	if (parse_thread_value(opt, item, item, &end, &lo, err, errlen))
		return -1;
	hi = lo;
	if (*end == '-' &&
	    parse_thread_value(opt, item, end + 1, &end, &hi, err, errlen))
		return -1;
	if (*end == ':') {
		geometric = end[1] == 'x';
		if (parse_thread_value(opt, item, end + 1 + geometric, &end,
				       &step, err, errlen))
			return -1;
		if (geometric && step < 2) {
			snprintf(err, errlen,
				 "invalid %s item '%s': the factor must be at "
				 "least 2",
				 opt, item);
			return -1;
		}
	}
	if (*end) {
		snprintf(err, errlen,
			 "invalid %s item '%s': unexpected '%s' (expected "
			 "N, A-B, A-B:STEP or A-B:xFACTOR)",
			 opt, item, end);
		return -1;
	}
	if (hi < lo) {
		snprintf(err, errlen,
			 "invalid %s item '%s': the range is descending (did "
			 "you mean %u-%u?)",
			 opt, item, hi, lo);
		return -1;
	}
	for (v = lo; v <= hi; v = geometric ? v * step : v + step)
		seen[v] = true;
	return 0;
}

int lb_parse_threads(const char *opt, const char *arg, unsigned int **out,
		     unsigned int *count, char *err, size_t errlen)
{
	bool seen[LB_MAX_THREADS + 1] = { false };
	char *copy, *item, *save = NULL;
	unsigned int v, n = 0;

	if (!arg || !*arg) {
		snprintf(err, errlen,
			 "invalid %s value '': expected a thread "
			 "count, a list or a range (1,2,4 or 1-8)",
			 opt);
		return -1;
	}
	copy = strdup(arg);
	if (!copy)
		lb_die("out of memory");
	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		if (parse_thread_item(opt, item, seen, err, errlen)) {
			free(copy);
			return -1;
		}
	}
	free(copy);
	if (strstr(arg, ",,") || arg[0] == ',' || arg[strlen(arg) - 1] == ',') {
		snprintf(err, errlen, "invalid %s value '%s': empty list item",
			 opt, arg);
		return -1;
	}
	*out = lb_xzalloc(sizeof(**out) * LB_MAX_THREADS);
	for (v = 1; v <= LB_MAX_THREADS; v++)
		if (seen[v])
			(*out)[n++] = v;
	*count = n;
	return 0;
}

char *lb_one_line(char *s)
{
	char *p;

	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return s;
}

unsigned int lb_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned int *row, prev, tmp, best;

	if (la > 64 || lb > 64)
		return 64;
	row = lb_xzalloc((lb + 1) * sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = (unsigned int)j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = (unsigned int)i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

const char *lb_closest(const char *word, const char *const *names,
		       unsigned int n)
{
	unsigned int i, d, best_d = ~0u;
	const char *best = NULL;

	for (i = 0; i < n; i++) {
		d = lb_edit_distance(word, names[i]);
		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	/* Close enough to be a typo: at most a third of the word. */
	return best_d <= 1 + strlen(word) / 3 ? best : NULL;
}

int lb_parse_pick(const char *opt, const char *arg, double *zipf, char *err,
		  size_t errlen)
{
	char *end;
	double s;

	if (!strcmp(arg, "uniform")) {
		*zipf = 0;
		return 0;
	}
	if (strncmp(arg, "zipf:", 5)) {
		snprintf(err, errlen,
			 "invalid %s value '%.64s': expected uniform or zipf:S "
			 "(S > 0, e.g. zipf:0.99)",
			 opt, arg);
		return -1;
	}
	errno = 0;
	s = strtod(arg + 5, &end);
	if (errno || end == arg + 5 || *end || !(s > 0) || s > 10) {
		snprintf(err, errlen,
			 "invalid %s value '%.64s': the Zipf exponent must be "
			 "a number in (0, 10]",
			 opt, arg);
		return -1;
	}
	*zipf = s;
	return 0;
}

void lb_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("lockbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(LB_EXIT_USAGE);
}
