/* SPDX-License-Identifier: MIT */
/*
 * registry.c - the table of workloads.  Apart from the workers' helpers
 * (workload.c), which every workload calls: the table uses the workloads,
 * the workloads use the helpers, and nothing runs back.
 */
#include <string.h>

#include "runtime/compiler.h"
#include "workloads/workload.h"

const struct lb_workload *const lb_workloads[] = {
	&lb_workload_counter, &lb_workload_rwmix, &lb_workload_acquire,
	&lb_workload_offload, &lb_workload_bql,
};
const unsigned int lb_nworkloads = LB_ARRAY_SIZE(lb_workloads);

const struct lb_workload *lb_workload_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < lb_nworkloads; i++)
		if (!strcmp(lb_workloads[i]->name, name))
			return lb_workloads[i];
	return NULL;
}
