/* SPDX-License-Identifier: MIT */
/*
 * fuzz_resultfile.c - libFuzzer target for the result-file reader
 * (harness/resultfile.c): any bytes must give either a validated file or
 * one error line, never a crash, a leak or undefined behaviour.  A file
 * that loads is then read the way plot and compare read it: every metric
 * of every repetition, the label, and a comparison of the file with itself
 * (output discarded), so that what the reader lets through is safe to use.
 *
 * Built and run by `make fuzz` (clang -fsanitize=fuzzer,address,undefined);
 * seeds in fuzz/corpus/fuzz_resultfile/.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness/analysis/compare.h"
#include "harness/results/resultfile.h"

static const char *const metrics[] = {
	"ops_per_sec",
	"jain",
	"cpu_us_per_op",
	"latency_p99_ns",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct lb_cmp_opts o;
	struct lb_rf *rf;
	char err[512], label[128];
	double sum = 0;
	unsigned int i, j, m;

	if (lb_rf_load_buffer((const char *)data, size, "fuzz", &rf, err,
			      sizeof(err))) {
		/* One line naming the input. */
		if (strncmp(err, "fuzz", 4) || strchr(err, '\n'))
			__builtin_trap();
		return 0;
	}
	lb_rf_label(rf, label, sizeof(label));
	for (i = 0; i < rf->nruns; i++)
		for (j = 0; j < rf->runs[i].nreps; j++)
			for (m = 0; m < sizeof(metrics) / sizeof(metrics[0]);
			     m++)
				sum += lb_rf_metric(&rf->runs[i].reps[j],
						    metrics[m]);
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (devnull) {
		lb_cmp_defaults(&o);
		lb_compare(&o, LB_CMP_REPS, &rf, 1, &rf, 1, devnull);
	}
	lb_rf_free(rf);
	return sum == 42.0; /* keep the reads */
}
