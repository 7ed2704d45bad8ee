/* SPDX-License-Identifier: MIT */
/*
 * floors.h - the physical hand-off floors of this machine: what it costs at
 * the very least to hand something from one PU to another, measured between
 * two threads pinned to two chosen PUs.  Every lock figure sits above one of
 * these, so they are printed and recorded beside every number.
 *
 *   cacheline         a cache line written alternately by the two threads,
 *                     each spinning until the other's write arrives (what a
 *                     spinning lock's hand-off costs at least)
 *   futex_wake        each thread sleeps in FUTEX_WAIT and is woken by the
 *                     other's FUTEX_WAKE (a sleeping lock's hand-off)
 *   eventfd           each thread blocks in read(2) on its eventfd and is
 *                     woken by the other's write(2) (an event loop's kick)
 *   coroutine_switch  lb_co_enter() + lb_co_yield() on one thread (a
 *                     coroutine lock's hand-off inside one event loop)
 *
 * Each is a round trip (A to B and back; enter and yield for coroutines),
 * timed on thread A with the monotonic clock over batches: the median, p10
 * and p90 of the batches' mean round trip, and one-way = median / 2 (a
 * wake-up is timed alone, after a pause that lets the partner fall asleep
 * again).  The four together take about a second and a half.
 *
 * The figures are cached per machine in $XDG_CACHE_HOME/lockbench/ (else
 * $HOME/.cache/lockbench/), one JSON file per host, PU pair and build,
 * keyed by the machine's identity: hostname, CPU model, PU count, kernel
 * release, the PU pair and the lockbench version and git commit.  A cache
 * that does not parse, does not match or holds implausible figures is
 * ignored and rewritten; an unwritable cache directory costs a warning,
 * not a failure.
 *
 * Not thread-safe: call from the main thread.  Every function that starts
 * threads joins them before it returns, so the process is single-threaded
 * again afterwards (run forks a child per repetition).
 */
#ifndef LB_HARNESS_FLOORS_H
#define LB_HARNESS_FLOORS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "harness/machine/topo.h"

/* The environment variable that turns floors off in run and sweep ("0"). */
#define LB_FLOORS_ENV "LOCKBENCH_FLOORS"

enum lb_floor_kind {
	LB_FLOOR_CACHELINE,
	LB_FLOOR_FUTEX,
	LB_FLOOR_EVENTFD,
	LB_FLOOR_COROUTINE,
	LB_FLOOR_N,
};

/* JSON keys: "cacheline", "futex_wake", "eventfd", "coroutine_switch". */
extern const char *const lb_floor_keys[LB_FLOOR_N];
/* For people: "cache line (spinning)", "futex wake", ... */
extern const char *const lb_floor_titles[LB_FLOOR_N];

/*
 * lb_floors_pus - the pair of PUs to measure between.
 * @arg: NULL for the default (two PUs on different cores, of one package
 *       if possible; SMT siblings only on a single-core machine), else
 *       "A,B" (OS indexes, two different PUs that exist)
 *
 * Returns 0 with the OS indexes in @pus, or -1 with a one-line message
 * naming the bad value (a usage error) or saying that this machine has a
 * single PU.
 */
int lb_floors_pus(const struct lb_topo *t, const char *arg, int pus[2],
		  char *err, size_t errlen);

enum {
	LB_FLOORS_REFRESH = 1, /* measure even if the cache matches */
	LB_FLOORS_NO_CACHE = 2, /* neither read nor write the cache */
	LB_FLOORS_QUIET = 4, /* no note on stderr when measuring */
};

/*
 * lb_floors_get - the floors between @pus: from the cache when it holds
 * them for this machine, else measured (and the cache rewritten).
 * @flags: LB_FLOORS_*
 * @cache_path: set to the cache file's path ("" when there is none), or
 *              NULL
 *
 * Returns a new reference to the floors object (as results/README.md
 * describes host.floors; "source" says "cache" or "measured"), or NULL
 * with the reason in @err (binding failed, interrupted by a signal).
 * Problems with the cache itself are warnings on stderr, never failures.
 */
json_t *lb_floors_get(const struct lb_topo *t, const int pus[2],
		      unsigned int flags, char *cache_path, size_t pathlen,
		      char *err, size_t errlen);

/*
 * lb_floors_attach - for run and sweep: set host["floors"] to the floors
 * between the default PUs (cached, or measured once now), or to null with
 * host["floors_note"] saying why (LOCKBENCH_FLOORS=0, a single PU, no
 * binding).  Notes on stderr unless @quiet.
 */
void lb_floors_attach(json_t *host, const struct lb_topo *t, bool quiet);

/*
 * lb_floors_print_line - "hand-off floors, PU 0 <-> 1, one-way: cache line
 * 52 ns, futex wake 14.2 us, ..." for a run's header; nothing when @floors
 * is not an object.
 */
void lb_floors_print_line(FILE *f, const json_t *floors);

/* "32 ns", "14.8 us", "1.20 ms": a floor for people (also the charts). */
const char *lb_floors_fmt_ns(double ns, char *buf, size_t len);

/* The table `lockbench floors` prints. */
void lb_floors_print_table(FILE *f, const json_t *floors,
			   const char *cache_path);

#endif /* LB_HARNESS_FLOORS_H */
