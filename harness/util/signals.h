/* SPDX-License-Identifier: MIT */
/*
 * signals.h - SIGINT/SIGTERM during a run.
 *
 * The first signal asks for a clean stop: the repetition in progress is
 * abandoned (its workers are stopped and joined, its figures discarded),
 * the result file keeps every finished repetition, and lockbench exits with
 * 128 + the signal number (130 for SIGINT, 143 for SIGTERM).  A second
 * signal exits at once with the same status; the result file is still
 * whole, because it is only ever replaced by rename(), and the temporary
 * file being written, if any, is removed by the handler.
 */
#ifndef LB_HARNESS_SIGNALS_H
#define LB_HARNESS_SIGNALS_H

#include <stdbool.h>
#include <stdint.h>

void lb_signals_install(void);
/* The signal that asked us to stop, or 0. */
int lb_interrupted(void);
/* Sleep @ns unless a stop is requested; false if interrupted. */
bool lb_sleep_interruptible(uint64_t ns);
/* The temporary file being written (NULL when none), for the handler. */
void lb_signals_set_tmp(const char *path);

#endif /* LB_HARNESS_SIGNALS_H */
