/* SPDX-License-Identifier: MIT */
/*
 * delay.h - busy work of a given length, for critical sections and think
 * time.
 *
 * lb_delay(n) spins until the cycle counter (runtime/clock.h) has advanced
 * by n ticks; lb_delay_calibrate() measures the counter against
 * CLOCK_MONOTONIC once per process, and the harness converts --cs/--think
 * nanoseconds into ticks with it and records the calibration in the result.
 *
 * Why a deadline and not a calibrated empty loop (lockhammer's way): on the
 * virtual machines this runs on, an empty loop's speed changed by up to 60%
 * from one process to the next (0.29 or 0.47 ns per iteration), so "--cs
 * 100ns" meant different work in the two builds an A/B test compares.  The
 * TSC ticks at a constant rate whatever the core's frequency.  The price is
 * resolution: one read costs ~10-20 ns, so a delay is accurate to about
 * that; and a worker preempted inside a delay does less work than asked
 * (the wall time is what is held constant).  The loop touches no memory.
 */
#ifndef LB_WORKLOADS_DELAY_H
#define LB_WORKLOADS_DELAY_H

#include <stdint.h>

#include "runtime/clock.h"

static inline void lb_delay(uint64_t ticks)
{
	uint64_t end;

	if (!ticks)
		return;
	end = lb_cycles() + ticks;
	while ((int64_t)(lb_cycles() - end) < 0)
		__asm__ __volatile__("" ::: "memory");
}

/*
 * @iters turns of an empty loop (a compiler barrier each): about a cycle
 * apiece, with none of lb_delay()'s ~15 ns floor.  Only for the test-only
 * slowdown knob, which must add a few nanoseconds to a 5 ns operation and
 * measures what it gets (harness/slowdown.c); never for --cs.
 */
static inline void lb_spin(uint64_t iters)
{
	for (; iters; iters--)
		__asm__ __volatile__("" ::: "memory");
}

/* Nanoseconds per lb_spin() iteration (best of several trials). */
double lb_spin_calibrate(void);

/* Nanoseconds per cycle-counter tick (median of several trials). */
double lb_delay_calibrate(void);
/* Ticks for @ns given the calibration. */
uint64_t lb_delay_iters(uint64_t ns, double ns_per_tick);

#endif /* LB_WORKLOADS_DELAY_H */
