/* SPDX-License-Identifier: MIT */
/*
 * t_validate_plugins.c - the generic validation (harness/engine/validate.c)
 * of the lock plugins named on the command line, loaded as `lockbench
 * --lock-lib` loads them (locks/plugin.c).  `make check-tsan` builds it,
 * the validator and the plugins with ThreadSanitizer and runs it on
 * tests/plugins' good plugins: a data race in a plugin's lock or in the
 * loader fails the build's race check, not only the plugin's own tests.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/engine/validate.h"
#include "locks/plugin.h"
#include "tests/tap.h"

static void report(void *arg, bool ok, const char *msg)
{
	tap_ok(ok, "%s", msg);
}

int main(int argc, char **argv)
{
	const char *scale = getenv("LB_TEST_SCALE");
	struct lb_validate_opts o = { 0 };
	char err[512];
	int i, index[64], plan = 0;

	alarm(600); /* a deadlocked lock fails the test, never hangs it */
	if (scale && !strcmp(scale, "tsan"))
		o.iters = 3000;
	for (i = 1; i < argc && i < 64; i++) {
		index[i] = lb_lock_lib_load(argv[i], err, sizeof(err));
		if (index[i] < 0) {
			tap_plan(1);
			tap_ok(false, "%s", err);
			return tap_done();
		}
		plan += (int)lb_validate_count(lb_locks[index[i]]);
	}
	tap_plan(plan);
	for (i = 1; i < argc && i < 64; i++)
		lb_validate(lb_locks[index[i]], &o, report, NULL);
	return tap_done();
}
