/* SPDX-License-Identifier: MIT */
/* clock.h - monotonic time in nanoseconds. */
#ifndef LB_CLOCK_H
#define LB_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t lb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline struct timespec lb_ns_to_timespec(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000ull),
		.tv_nsec = (long)(ns % 1000000000ull),
	};

	return ts;
}

/*
 * The CPU's cycle counter: the TSC on x86-64 (constant and non-stop on every
 * CPU we care about: check the constant_tsc/nonstop_tsc flags), the virtual
 * counter on aarch64, the monotonic clock elsewhere.  Not serialising: it
 * may be read a few instructions early or late, which is far below the
 * resolution anything here needs.  Convert with lb_cycles_calibrate().
 */
static inline uint64_t lb_cycles(void)
{
#if defined(__x86_64__) || defined(__i386__)
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
#elif defined(__aarch64__)
	uint64_t v;

	__asm__ __volatile__("mrs %0, cntvct_el0" : "=r"(v));
	return v;
#else
	return lb_now_ns();
#endif
}

/* Sleep for @ns, resuming after signals. */
static inline void lb_sleep_ns(uint64_t ns)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns += (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	ts = lb_ns_to_timespec(ns);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
		;
}

#endif /* LB_CLOCK_H */
