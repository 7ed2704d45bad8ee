/* SPDX-License-Identifier: MIT */
/*
 * topo.h - the machine's topology (through hwloc) and thread placement.
 *
 * A struct lb_topo is loaded once, either from this machine or from an hwloc
 * synthetic description ("pack:2 numa:1 core:8 pu:2"), so that placement
 * plans for a 256-PU machine can be computed and tested on a laptop.
 *
 * Vocabulary
 *   PU        processing unit: one hardware thread, what the kernel calls a
 *             CPU.  PUs are always named by their OS index (the kernel CPU
 *             number, as taskset and /proc/cpuinfo show it), never by hwloc's
 *             logical index: they differ on many machines.
 *   core      a physical core; its PUs are SMT siblings.
 *   package   a socket.
 *   NUMA node a memory node; in hwloc 2 these hang off the tree as memory
 *             children, a PU belongs to the first NUMA node whose cpuset
 *             contains it.
 *   core, package and NUMA numbers in struct lb_placement are hwloc logical
 *   indexes (0..n-1 in tree order).
 *
 * Only allowed PUs exist for lockbench: hwloc drops the PUs outside its
 * allowed cpuset (the cgroup's cpuset.cpus, offline CPUs excluded), and a PU
 * list naming one is an error.  The affinity mask inherited from taskset is
 * not a restriction for hwloc (a thread may bind outside it); apply it with
 * lb_topo_restrict() if wanted.
 *
 * Placement policies (the project's definitions)
 *   none     threads are not pinned: os_index, core, package and numa are -1
 *            and sharing is 0 (the kernel decides, nobody can say who shares).
 *            The plan is oversubscribed when nthreads > number of PUs.
 *   compact  thread i runs on the i-th PU in hwloc logical (depth-first)
 *            order: fill every PU of a core, then the next core of the
 *            package, then the next package.  SMT siblings are used first.
 *   scatter  spread over packages first, then cores, SMT siblings last: the
 *            PUs are ordered by the key (rank of the PU inside its core,
 *            rank of the core inside its package, package index), ties by
 *            logical order.  On "pack:2 numa:1 core:8 pu:2" (core c of
 *            package p holds PUs 16p+2c and 16p+2c+1) scatter gives
 *            0 16 2 18 4 20 ... 14 30 1 17 3 19 ... 15 31.  A package with
 *            fewer cores simply drops out of the rotation early: its missing
 *            core ranks are taken by the larger packages, before any SMT
 *            sibling is used.  This is not hwloc_distrib(), which spreads
 *            evenly over the whole tree.
 *   list     "0,2,4-7": thread i runs on the i-th PU of the list (OS
 *            indexes; ranges inclusive; repeats allowed and counted).
 *   With more threads than PUs (or list entries) the plan wraps around:
 *   thread i gets the PU of thread i mod n.  That is legal and flagged:
 *   *oversubscribed is set and sharing counts the threads of the plan that
 *   run on each PU.
 *   A machine without Core objects counts each PU as its own core; one
 *   without Package objects counts as one package.
 *
 * Concurrency: a loaded struct lb_topo is read-only.  Every function below
 * except lb_topo_load(), lb_topo_restrict() and lb_topo_destroy() may be
 * called from any number of threads at once (hwloc's query and binding
 * functions are thread-safe on a loaded topology); lb_pin_self() is meant to
 * be called by each worker thread on itself.
 *
 * Errors: functions that take (err, errlen) return 0 on success and -1 with
 * a one-line, user-facing message (no trailing newline) that names the bad
 * value.  Internal failures (out of memory) exit, as lb_xzalloc() does.
 *
 * Link with -lhwloc -ljansson.
 */
#ifndef LB_HARNESS_TOPO_H
#define LB_HARNESS_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* Largest PU OS index lb_pin_parse() accepts (Linux NR_CPUS <= 8192). */
#define LB_PIN_MAX_PU 65535

struct lb_topo;

/*
 * lb_topo_load - load this machine's topology or a synthetic one.
 * @out:       set to the new topology on success, NULL on failure
 * @synthetic: NULL for this machine, else an hwloc synthetic description
 *             such as "pack:2 numa:1 core:8 pu:2" (the desc of a summary
 *             loads back into the same structure, though not the same
 *             OS numbering)
 *
 * For this machine, hwloc honours HWLOC_SYNTHETIC / HWLOC_XMLFILE from the
 * environment; the result is then not this system and cannot bind (see
 * lb_pin_self()).  I/O devices are not loaded.
 * Returns 0, or -1 with a message naming the bad description.
 */
int lb_topo_load(struct lb_topo **out, const char *synthetic, char *err,
		 size_t errlen);

/*
 * lb_topo_restrict - keep only the PUs of a list ("0-3,8-15", OS indexes).
 *
 * Models a process restricted to a cpuset, and builds uneven machines from
 * synthetic ones (packages or cores left with fewer PUs).  Cores and
 * packages left empty disappear; logical indexes are renumbered.
 * Must not run concurrently with any other use of @t.
 * Returns 0, or -1 with a message (bad list, or no PU of the list exists).
 */
int lb_topo_restrict(struct lb_topo *t, const char *pulist, char *err,
		     size_t errlen);

/* Free everything; NULL is fine. */
/*
 * Restrict this machine's topology to the CPUs the process may run on
 * (taskset, sched_setaffinity, cgroup), so that `taskset -c 2,3 lockbench`
 * plans threads on PUs 2 and 3 only.  Returns 1 and the PU list in @desc if
 * the mask excluded some PUs, 0 if it changed nothing (or the topology is
 * synthetic).  Same concurrency rule as lb_topo_restrict().
 */
int lb_topo_restrict_to_affinity(struct lb_topo *t, char *desc, size_t len);
void lb_topo_destroy(struct lb_topo *t);

struct lb_topo_summary {
	unsigned packages; /* hwloc Package objects (0 if hwloc found none) */
	unsigned numa_nodes; /* NUMA nodes (at least 1) */
	unsigned cores; /* Core objects, or PUs when hwloc found none */
	unsigned pus; /* allowed PUs */
	unsigned smt; /* max PUs per core */
	bool this_system; /* the topology describes the running machine */
	bool can_bind; /* lb_pin_self() can pin threads */
	/*
	 * hwloc synthetic export without attributes, e.g.
	 * "Package:2 [NUMANode] Core:8 PU:2" (caches included on real machines;
	 * loads back with lb_topo_load()), or "" when hwloc cannot describe
	 * the machine that way (asymmetric trees).
	 */
	char desc[256];
};

void lb_topo_summary(const struct lb_topo *t, struct lb_topo_summary *s);

/*
 * lb_topo_print - human-readable description to @f: the counts, then one
 * line per core, e.g. "  Package 0 / NUMA 0 / Core 3: PU 6 7" (logical
 * package, NUMA and core numbers; PU OS indexes).
 */
void lb_topo_print(const struct lb_topo *t, FILE *f);

/*
 * lb_topo_json - new reference to an object:
 *   {"packages":P, "numa_nodes":M, "cores":C, "pus":N, "smt":S,
 *    "this_system":bool, "can_bind":bool, "desc":"...",
 *    "pu_list":[{"os":N,"core":C,"package":P,"numa":M}, ...]}
 * with pu_list in logical order and -1 for a missing core/package/NUMA.
 * Exits if jansson runs out of memory.
 */
json_t *lb_topo_json(const struct lb_topo *t);

enum lb_pin_kind {
	LB_PIN_NONE,
	LB_PIN_COMPACT,
	LB_PIN_SCATTER,
	LB_PIN_LIST,
};

struct lb_pin_policy {
	enum lb_pin_kind kind;
	unsigned npus; /* LB_PIN_LIST: entries in pus, else 0 */
	unsigned *pus; /* LB_PIN_LIST: OS indexes in order, else NULL */
	char text[128]; /* as the user wrote it (truncated if longer) */
};

/*
 * lb_pin_parse - parse a --pin value: "none", "compact", "scatter" or a PU
 * list "0,2,4-7" (OS indexes up to LB_PIN_MAX_PU, inclusive ranges, no
 * spaces, repeats allowed).  Syntax only: whether the PUs exist is checked
 * by lb_pin_plan().  On success @out owns memory: lb_pin_policy_free() it.
 * Returns 0, or -1 with a message quoting @arg, e.g. "invalid --pin value
 * 'scater': expected none, compact, scatter or a PU list like 0,2-3 (did
 * you mean 'scatter'?)"; @out is then left empty (safe to free).
 */
int lb_pin_parse(const char *arg, struct lb_pin_policy *out, char *err,
		 size_t errlen);

/* Release what lb_pin_parse() allocated; the policy becomes "none". */
void lb_pin_policy_free(struct lb_pin_policy *p);

struct lb_placement {
	int os_index; /* PU OS index, -1 when not pinned */
	int core; /* logical indexes, -1 when not pinned (or absent) */
	int package;
	int numa;
	unsigned sharing; /* threads of this plan on this PU, 0 if unpinned */
};

/*
 * lb_pin_plan - where each of @nthreads threads runs under policy @p.
 * @out: nthreads entries, filled in thread order
 * @oversubscribed: set when some PU gets more than one thread (for "none":
 *                  when nthreads exceeds the number of PUs)
 *
 * Any number of threads is accepted.  Returns 0, or -1 with a message when
 * a listed PU does not exist on (or is not allowed for) this topology, e.g.
 * "--pin 99: PU 99 does not exist on this machine (PUs: 0-1)".
 */
int lb_pin_plan(const struct lb_topo *t, const struct lb_pin_policy *p,
		unsigned nthreads, struct lb_placement *out,
		bool *oversubscribed, char *err, size_t errlen);

/*
 * lb_pin_self - bind the calling thread to pl->os_index (no-op returning 0
 * for -1), with hwloc_set_cpubind(HWLOC_CPUBIND_THREAD), then check that
 * the kernel agrees (hwloc_get_cpubind) and that sched_getcpu() reports
 * that PU, yielding a few times to let the migration happen.
 * Returns 0, or -1 with a message when binding is impossible: the topology
 * is synthetic or comes from HWLOC_SYNTHETIC/HWLOC_XMLFILE (hwloc would
 * "succeed" without binding anything), the OS cannot bind threads, the PU
 * is not in @t, or the thread did not end up on that PU.
 */
int lb_pin_self(const struct lb_topo *t, const struct lb_placement *pl,
		char *err, size_t errlen);

#endif /* LB_HARNESS_TOPO_H */
