/* SPDX-License-Identifier: MIT */
/*
 * host.h - what a result needs to say about the machine: who it is, and
 * what state it was in while a repetition ran.  On a shared or virtual
 * machine a figure without the load beside it misleads.
 */
#ifndef LB_HARNESS_HOST_H
#define LB_HARNESS_HOST_H

#include <jansson.h>
#include <stdint.h>

/* A point-in-time reading of /proc/stat and /proc/loadavg. */
struct lb_machine_sample {
	uint64_t busy_ticks; /* all CPUs: user+nice+system+irq+softirq+steal */
	uint64_t total_ticks; /* the same plus idle and iowait */
	uint64_t steal_ticks; /* time the hypervisor ran someone else */
	double load1; /* 1-minute load average */
	unsigned int running; /* runnable tasks right now */
	double self_cpu_s; /* this process's user+sys CPU so far */
};

void lb_machine_sample(struct lb_machine_sample *s);

/* What happened between two samples, for the result file. */
struct lb_machine_state {
	double load1_before;
	unsigned int running_before;
	double other_cpu_s; /* CPU used by everybody but us meanwhile */
	double steal_s; /* CPU time stolen by the hypervisor */
	double machine_busy; /* busy share of all CPUs, 0..1 */
};

void lb_machine_state(const struct lb_machine_sample *a,
		      const struct lb_machine_sample *b,
		      struct lb_machine_state *st);

/* Host description: hostname, kernel, CPU model, governor, compiler... */
json_t *lb_host_json(void);
/* "AMD EPYC, 2 PUs, kernel 6.1" for the table header. */
void lb_host_line(char *buf, size_t len);

#endif /* LB_HARNESS_HOST_H */
