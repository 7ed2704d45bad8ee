/* SPDX-License-Identifier: MIT */
/*
 * matrix.h - the configurations a knob set describes, in the order they
 * run, in groups.
 *
 * A group is the configurations that differ only by method (same
 * workload, thread count and knobs); the engine interleaves a group's
 * repetitions across its methods.  The list knobs nest by the table's
 * dim: workload outermost, then read_pct, cs, think, coroutines,
 * cs_lines, locks, and threads innermost (`run` puts threads outermost:
 * a table per thread count).  A knob that a workload ignores takes its
 * default there; a method without mutual exclusion (none) joins only the
 * 1-thread, at most 1-coroutine groups.
 */
#ifndef LB_HARNESS_MATRIX_H
#define LB_HARNESS_MATRIX_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/config/knobs.h"
#include "harness/machine/topo.h"

#define LB_MATRIX_MAX_RUNS 100000u /* configurations, even with --yes */

struct lb_matrix {
	struct lb_config *cfgs; /* owned */
	unsigned int ncfgs, cap;
	unsigned int ngroups;
};

/*
 * lb_matrix_expand - every configuration of @s (checked by
 * lb_knob_set_finish()) on @topo ("auto" threads: 1, powers of two up to
 * the PUs, and the PUs) into @m.  Coroutines become effective (1 for
 * methods that need a coroutine when none are given).  Returns 0, or -1
 * with @err when the matrix has more than LB_MATRIX_MAX_RUNS
 * configurations or none (@m is then empty).
 */
int lb_matrix_expand(const struct lb_knob_set *s, const struct lb_topo *topo,
		     bool threads_first, struct lb_matrix *m, char *err,
		     size_t errlen);
void lb_matrix_free(struct lb_matrix *m);

#endif /* LB_HARNESS_MATRIX_H */
