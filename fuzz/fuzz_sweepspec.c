/* SPDX-License-Identifier: MIT */
/*
 * fuzz_sweepspec.c - libFuzzer target for the sweep-spec parser
 * (lb_sweep_spec_parse() in harness/sweep.c): any bytes must give either a
 * validated spec or one error line naming the spec, never a crash, a leak
 * or undefined behaviour.
 *
 * Built and run by `make fuzz`; seeds in fuzz/corpus/fuzz_sweepspec/.
 */
#include <stdint.h>
#include <string.h>

#include "harness/config/sweep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lb_sweep_spec spec;
	char err[512];

	if (lb_sweep_spec_parse((const char *)data, size, "fuzz", &spec, err,
				sizeof(err))) {
		if (strncmp(err, "fuzz", 4) || strchr(err, '\n'))
			__builtin_trap();
		return 0;
	}
	lb_sweep_spec_free(&spec);
	return 0;
}
