/* SPDX-License-Identifier: MIT */
/*
 * delay.h - calibrated busy work, for critical sections and think time.
 *
 * lb_delay(n) runs n iterations of an empty loop that the compiler may not
 * remove or merge (a compiler barrier per iteration) and that touches no
 * memory, so it costs the same inside and outside a critical section and on
 * every thread.  lb_delay_calibrate() measures its cost once per process;
 * the harness converts --cs/--think nanoseconds into iterations and records
 * the calibration in the result file.  Unlike reading the clock in a loop,
 * the delay has no per-iteration system cost and a resolution of about one
 * cycle; its weakness is frequency scaling, which the result's machine
 * state (governor) lets a reader judge.
 */
#ifndef LB_WORKLOADS_DELAY_H
#define LB_WORKLOADS_DELAY_H

#include <stdint.h>

static inline void lb_delay(uint64_t iters)
{
	for (; iters; iters--)
		__asm__ __volatile__("" ::: "memory");
}

/* Nanoseconds per lb_delay iteration (best of several trials). */
double lb_delay_calibrate(void);
/* Iterations for @ns given the calibration. */
uint64_t lb_delay_iters(uint64_t ns, double ns_per_iter);

#endif /* LB_WORKLOADS_DELAY_H */
