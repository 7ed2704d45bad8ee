/* SPDX-License-Identifier: MIT */
/*
 * slowdown.h - a test-only knob that makes one method slower, so that the
 * tests can check that compare and ab catch a real regression.
 *
 *	LOCKBENCH_TEST_SLOWDOWN=METHOD:PCT[,METHOD:PCT...]
 *
 * adds busy work inside METHOD's critical section, calibrated once per
 * configuration by short probe repetitions so that one operation takes PCT%
 * more time than without it (throughput falls to about 1 / (1 + PCT/100)
 * of what it was).  Every run it affects records
 * "test_slowdown_pct" in its configuration, so such a result file is never
 * mistaken for a real one (plot labels it, compare warns).
 *
 * Read once, from the main thread, the first time it is asked; a bad value
 * is a usage error (one line, exit 2).
 */
#ifndef LB_HARNESS_SLOWDOWN_H
#define LB_HARNESS_SLOWDOWN_H

#include <stdint.h>

#include "harness/engine/runner.h"

#define LB_TEST_SLOWDOWN_ENV "LOCKBENCH_TEST_SLOWDOWN"

/* The slowdown asked for @method, in percent; 0 when none. */
double lb_test_slowdown_pct(const char *method);
/* Extra critical-section iterations for @cfg (0 when no slowdown). */
uint64_t lb_test_slowdown_iters(const struct lb_rep_cfg *cfg);

#endif /* LB_HARNESS_SLOWDOWN_H */
