/* SPDX-License-Identifier: MIT */
/*
 * t_locks.c - every built-in sync method passes the generic validation
 * (harness/engine/validate.c: mutual exclusion under stress, FIFO order if
 * it claims it, trylock, recursion, reader/writer exclusion), the same one
 * `lockbench validate` runs on a plugin.  Built a second time with
 * ThreadSanitizer (make check-tsan), with smaller counts
 * (LB_TEST_SCALE=tsan).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/engine/validate.h"
#include "locks/lock.h"
#include "tests/tap.h"

static void report(void *arg, bool ok, const char *msg)
{
	tap_ok(ok, "%s", msg);
}

static bool validated(const struct lb_lock_ops *ops)
{
	/* `none` excludes nothing by design: the harness floor. */
	return !(ops->flags & (LB_TEST_ONLY | LB_NO_EXCLUSION));
}

int main(void)
{
	const char *scale = getenv("LB_TEST_SCALE");
	struct lb_validate_opts o = { 0 };
	unsigned int i;
	int plan = 0;

	alarm(600); /* a deadlocked lock fails the test, never hangs it */
	if (scale && !strcmp(scale, "tsan"))
		o.iters = 3000;
	for (i = 0; i < lb_nlocks; i++)
		if (validated(lb_locks[i]))
			plan += (int)lb_validate_count(lb_locks[i]);
	tap_plan(plan);
	for (i = 0; i < lb_nlocks; i++)
		if (validated(lb_locks[i]))
			lb_validate(lb_locks[i], &o, report, NULL);
	return tap_done();
}
