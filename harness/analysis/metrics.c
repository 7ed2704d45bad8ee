/* SPDX-License-Identifier: MIT */
/*
 * metrics.c - the metrics compare judges, and how a row's value is shown:
 * shared by the comparison (compare.c) and its printers (compare_out.c),
 * which therefore do not call each other in a loop.
 */
#include <math.h>

#include "harness/analysis/compare_impl.h"
#include "runtime/compiler.h"

const struct lb_cmp_metric lb_cmp_metrics[] = {
	{ "ops_per_sec", "throughput", "Mops/s", 1e-6, +1, true },
	{ "latency_p99_ns", "p99 latency", "ns", 1, -1, true },
	{ "jain", "fairness", "Jain", 1, +1, false },
	{ "cpu_us_per_op", "CPU/op", "us", 1, -1, true },
};
const unsigned int lb_cmp_nmetrics = LB_ARRAY_SIZE(lb_cmp_metrics);

double lb_cmp_shown(const struct lb_cmp_row *r, double v)
{
	return r->m->logscale ? exp(v) : v;
}
