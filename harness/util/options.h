/* SPDX-License-Identifier: MIT */
/*
 * options.h - parsing of user input: numbers, durations, thread lists and
 * name lists.  Every parser rejects trailing junk and out-of-range values and
 * writes a one-line message naming the option and the bad value into @err;
 * the caller prints it and exits with LB_EXIT_USAGE.
 */
#ifndef LB_HARNESS_OPTIONS_H
#define LB_HARNESS_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LB_MAX_THREADS 1024u

enum lb_exit {
	LB_EXIT_OK = 0,
	LB_EXIT_CHECK = 1, /* a correctness check or comparison failed */
	LB_EXIT_USAGE = 2, /* bad usage or bad input */
	LB_EXIT_RUN = 3, /* a run failed: watchdog, crash, no resources */
};

#define LB_ERRLEN 512

int lb_parse_u64(const char *opt, const char *arg, uint64_t min, uint64_t max,
		 uint64_t *out, char *err, size_t errlen);
/* "250ns", "2us", "1.5s", "10ms", or a bare "0".  Result in nanoseconds. */
int lb_parse_duration(const char *opt, const char *arg, uint64_t min_ns,
		      uint64_t max_ns, uint64_t *out, char *err, size_t errlen);
/* Format @ns with the largest unit that keeps it readable: "1.5s". */
const char *lb_format_duration(uint64_t ns, char *buf, size_t len);
/*
 * "1,2,4", "1-8", "1-8:2" (step), "1-64:x2" (powers: 1,2,4..64).  The
 * result is sorted and de-duplicated, every value in [1, LB_MAX_THREADS].
 * *out is malloc'd.
 */
int lb_parse_threads(const char *opt, const char *arg, unsigned int **out,
		     unsigned int *count, char *err, size_t errlen);
/*
 * Make a message one line whatever input it quotes: control characters
 * (a newline inside a quoted JSON string, say) become '?'.  Returns @s.
 */
char *lb_one_line(char *s);
/*
 * --pick: "uniform" (*zipf = 0) or "zipf:S" with S in (0, 10] (*zipf = S).
 */
int lb_parse_pick(const char *opt, const char *arg, double *zipf, char *err,
		  size_t errlen);
/* Edit distance, for "did you mean". */
unsigned int lb_edit_distance(const char *a, const char *b);
/* The closest of @names (n of them) to @word, or NULL if none is close. */
const char *lb_closest(const char *word, const char *const *names,
		       unsigned int n);

/*
 * lb_usage_error - print "lockbench: MESSAGE" to stderr and exit with
 * LB_EXIT_USAGE: bad input from the user, never a bug.
 */
void __attribute__((noreturn, format(printf, 1, 2)))
lb_usage_error(const char *fmt, ...);

#endif /* LB_HARNESS_OPTIONS_H */
