/* SPDX-License-Identifier: MIT */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness/util/signals.h"
#include "runtime/clock.h"

static volatile sig_atomic_t stop_signal;
static char tmp_path[4300]; /* written outside the handler only */
static volatile sig_atomic_t tmp_set;

static void on_signal(int sig)
{
	static const char msg[] =
		"\nlockbench: interrupted again, exiting now\n";

	if (stop_signal) {
		/* Second signal: leave at once, never a half-written file. */
		if (tmp_set)
			unlink(tmp_path);
		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
			_exit(128 + sig);
		_exit(128 + sig);
	}
	stop_signal = sig;
}

void lb_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: the runner's sleep must wake up and look. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int lb_interrupted(void)
{
	return stop_signal;
}

bool lb_sleep_interruptible(uint64_t ns)
{
	struct timespec ts;
	uint64_t deadline = lb_now_ns() + ns;

	ts = lb_ns_to_timespec(deadline);
	while (!stop_signal) {
		/* Returns EINTR when a handler ran: look at the flag. */
		if (!clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
			return !stop_signal;
	}
	return false;
}

void lb_signals_set_tmp(const char *path)
{
	/* Clear first so that the handler never sees a torn path. */
	tmp_set = 0;
	if (!path)
		return;
	snprintf(tmp_path, sizeof(tmp_path), "%s", path);
	tmp_set = 1;
}
