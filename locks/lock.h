/* SPDX-License-Identifier: MIT */
/*
 * lock.h - the sync-method table.
 *
 * Every sync method registers one struct lb_lock_ops.  The table serves the
 * tools (`lockbench list`), the generic validation test and any cold path;
 * the measured loops do NOT call through it: each workload instantiates its
 * loop once per lock with the lock's static inline operations (see
 * locks/all.h), so no indirect call pollutes an uncontended figure.
 *
 * Operation signatures are uniform: (void *lock, void *node).  @node is the
 * caller's per-thread-per-lock record (an MCS queue node), node_size bytes,
 * aligned to LB_PAD_SIZE and zeroed before first use; methods without one
 * have node_size 0 and ignore it.
 */
#ifndef LB_LOCK_H
#define LB_LOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime/compiler.h"

enum {
	LB_FAIR = 1u << 0, /* strict FIFO among queued waiters */
	LB_SLEEPS = 1u << 1, /* waiters block in the kernel */
	LB_RECURSIVE = 1u << 2, /* the owner may re-acquire */
	LB_RW = 1u << 3, /* has rdlock/rdunlock */
	LB_NEEDS_COROUTINE = 1u << 4, /* lock/unlock must run in a coroutine */
	LB_DELEGATES = 1u << 5, /* runs the critical section via execute() */
	LB_SPINS = 1u << 6, /* waiters busy-wait (never yield the CPU) */
	LB_TEST_ONLY = 1u << 7, /* hidden from `list`, for tests */
	LB_NO_EXCLUSION = 1u << 8, /* `none`: excludes nothing, 1 thread */
	LB_PLUGIN = 1u << 9, /* loaded by --lock-lib (locks/plugin.c) */
};

/* Knobs a method may honour; zero means "the method's default". */
struct lb_lock_cfg {
	unsigned int spin_limit; /* spins before sleeping (adaptive locks) */
};

struct lb_lock_ops {
	const char *name; /* what users type: "mcs-futex" */
	const char *summary; /* one line for `lockbench list` */
	const char *source; /* where the algorithm comes from */
	unsigned int flags;
	size_t lock_size; /* bytes of one lock instance */
	size_t node_size; /* per-thread-per-lock node, 0 if none */
	int (*init)(void *lock, const struct lb_lock_cfg *cfg);
	void (*destroy)(void *lock);
	void (*lock)(void *lock, void *node);
	void (*unlock)(void *lock, void *node);
	bool (*trylock)(void *lock, void *node); /* optional */
	/*
	 * LB_RW methods only (NULL otherwise): take and release the lock as
	 * one of possibly many readers.  lock/unlock above are the writer's.
	 * Fill both with LB_RW_OPS(id) in the method's <id>_DESC.
	 */
	void (*rdlock)(void *lock, void *node);
	void (*rdunlock)(void *lock, void *node);
	/*
	 * Tests only: how many lockers are queued behind the holder whose
	 * node is @holder_node (their order is fixed from then on).  Lets the
	 * FIFO test enqueue waiters one at a time without sleeping.  Required
	 * for LB_FAIR methods.
	 */
	unsigned int (*queued)(void *lock, void *holder_node);
	/*
	 * LB_DELEGATES methods only (NULL otherwise): run @cs(@arg) under the
	 * method's exclusion, possibly on another thread, and return once it
	 * has returned (what @cs wrote is then visible to the caller).  The
	 * counter workload runs its whole critical section through it.
	 */
	void (*execute)(void *lock, void *node, void (*cs)(void *arg),
			void *arg);
};

/* For an LB_RW method's <id>_DESC: its static inline reader operations. */
#define LB_RW_OPS(id) .rdlock = id##_rdlock, .rdunlock = id##_rdunlock

/*
 * The registry (locks/registry.c): the built-in methods first, in
 * locks/all.h order (lb_nbuiltin_locks of them), then those added at run
 * time (plugins, tests).  Indexes never change once given.  Not locked:
 * add before any thread reads it.
 */
#define LB_MAX_LOCKS 64
extern const struct lb_lock_ops *lb_locks[LB_MAX_LOCKS];
extern unsigned int lb_nlocks;
extern const unsigned int lb_nbuiltin_locks;

/*
 * Add @ops (which must outlive the registry) after the others; returns its
 * index, or -1 with a message in @err: its name is taken, or the table is
 * full.
 */
int lb_registry_add(const struct lb_lock_ops *ops, char *err, size_t errlen);

/* Look up by user-facing name; NULL if unknown. */
const struct lb_lock_ops *lb_lock_find(const char *name);
/* The index of a registered method in lb_locks[] (aborts if it is not). */
unsigned int lb_lock_index(const struct lb_lock_ops *ops);
/* "fair,sleeps" etc. into buf; returns buf. */
const char *lb_lock_flags_str(unsigned int flags, char *buf, size_t len);

#endif /* LB_LOCK_H */
