/* SPDX-License-Identifier: MIT */
#include <math.h>

#include "runtime/clock.h"
#include "workloads/delay.h"

#define CALIBRATE_ITERS 2000000u
#define CALIBRATE_TRIALS 7

double lb_delay_calibrate(void)
{
	double best = 0;
	uint64_t t0, t1;
	int i;

	lb_delay(CALIBRATE_ITERS); /* warm up caches and frequency */
	for (i = 0; i < CALIBRATE_TRIALS; i++) {
		double per;

		t0 = lb_now_ns();
		lb_delay(CALIBRATE_ITERS);
		t1 = lb_now_ns();
		per = (double)(t1 - t0) / CALIBRATE_ITERS;
		/* The fastest trial is the one least disturbed. */
		if (i == 0 || per < best)
			best = per;
	}
	return best > 0 ? best : 1.0;
}

uint64_t lb_delay_iters(uint64_t ns, double ns_per_iter)
{
	return ns ? (uint64_t)llround((double)ns / ns_per_iter) : 0;
}
