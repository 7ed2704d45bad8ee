/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdlib.h>

#include "runtime/clock.h"
#include "workloads/delay.h"

#define CALIBRATE_NS 5000000ull /* 5 ms a trial */
#define CALIBRATE_TRIALS 5

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Count ticks across a few milliseconds of the monotonic clock.  A trial
 * during which we were preempted is still right (both clocks advance); the
 * median guards against a clock read delayed on one side only.
 */
double lb_delay_calibrate(void)
{
	double ratio[CALIBRATE_TRIALS];
	uint64_t t0, t1, c0, c1;
	int i;

	for (i = 0; i < CALIBRATE_TRIALS; i++) {
		t0 = lb_now_ns();
		c0 = lb_cycles();
		do {
			t1 = lb_now_ns();
		} while (t1 - t0 < CALIBRATE_NS);
		c1 = lb_cycles();
		ratio[i] = (double)(t1 - t0) / (double)(c1 - c0 ? c1 - c0 : 1);
	}
	qsort(ratio, CALIBRATE_TRIALS, sizeof(ratio[0]), cmp_double);
	return ratio[CALIBRATE_TRIALS / 2] > 0 ? ratio[CALIBRATE_TRIALS / 2] :
						 1.0;
}

double lb_spin_calibrate(void)
{
	double best = 0, per;
	uint64_t t0;
	int i;

	for (i = 0; i < CALIBRATE_TRIALS; i++) {
		t0 = lb_now_ns();
		lb_spin(1000000);
		per = (double)(lb_now_ns() - t0) / 1e6;
		if (i == 0 || per < best)
			best = per;
	}
	return best > 0 ? best : 1.0;
}

uint64_t lb_delay_iters(uint64_t ns, double ns_per_tick)
{
	return ns ? (uint64_t)llround((double)ns / ns_per_tick) : 0;
}
