/* SPDX-License-Identifier: MIT */
/*
 * <lockbench/lock.h> - a lock of your own, measured by lockbench.
 *
 * A lock lives in a shared object that defines ONE symbol,
 * lockbench_lock_plugin, a struct lockbench_lock.  Build and use it so:
 *
 *   cc -O2 -shared -fPIC $(pkg-config --cflags lockbench) mylock.c \
 *           -o mylock.so
 *   lockbench validate --lock-lib ./mylock.so
 *   lockbench run --lock-lib ./mylock.so -m mylock,pthread -t 1,2,4
 *
 * The header needs nothing but a C99 compiler: no lockbench library is
 * linked into the plugin, and lockbench calls nothing but the descriptor.
 *
 * Versions
 *   @abi and @size come first in every version of the descriptor and never
 *   move.  lockbench refuses, with a message naming the file, a descriptor
 *   whose @abi is not the one it reads ("built for lockbench lock ABI 2,
 *   this lockbench reads 1") or that is smaller than that version's
 *   struct.  Set both with LOCKBENCH_LOCK_HEADER.  A later lockbench that
 *   only appends fields keeps the ABI number and reads @size.
 *
 * What every operation must guarantee (the plugin's side)
 *
 *   op        ordering                      may run concurrently with
 *   init      none (lockbench publishes     nothing on this lock
 *             the lock to the threads
 *             through a barrier)
 *   destroy   none                          nothing on this lock
 *   lock      ACQUIRE: everything written   lock, unlock, trylock of other
 *             by the previous holder before threads on the same lock
 *             its unlock is visible after
 *             lock returns
 *   unlock    RELEASE: everything written   as lock
 *             in the critical section is
 *             visible to the next holder
 *   trylock   ACQUIRE when it returns true; as lock
 *             nothing when false
 *   rdlock    ACQUIRE (as lock); several    as lock
 *             readers may hold the lock at
 *             once, never with a writer
 *   rdunlock  RELEASE (as unlock)           as lock
 *   queued    none (a hint read by the      lock, unlock of other threads
 *             validator while waiters
 *             arrive)
 *
 *   lock, rdlock: return only when the caller holds the lock; they may
 *   spin or sleep (futex, pthread, ...) as they like.
 *   unlock, rdunlock: called only by the thread that holds the lock (with
 *   the node it locked with).
 *   trylock: never waits; true when the caller now holds the lock.  A
 *   trylock that fails only because of contention on the lock word
 *   (a weak trylock) is allowed: "free" means no other holder, and the
 *   validator checks only that it succeeds on a free lock and fails on a
 *   held one.
 *
 * What lockbench guarantees to the plugin
 *   - The lock: lock_size bytes, aligned to lock_align (at most 128;
 *     every lock is 128-aligned today), zero-filled before init, not
 *     shared with any other data's cache lines.  It is initialised once, then
 *     locked and unlocked by the worker threads, then destroyed once all
 *     of them have stopped; destroy is called with the lock free.
 *   - The node: each thread has its own node_size bytes (aligned to 128,
 *     zero-filled before first use) for each lock, passed to every
 *     operation it makes on that lock.  A node lives until the lock is
 *     destroyed, never on a stack, so a late wake-up that touches a
 *     waiter's node (an MCS hand-off) is safe.  With node_size 0 node is
 *     NULL.
 *   - The calling thread: init and destroy run on lockbench's main
 *     thread (or a per-repetition child process); lock, unlock and the
 *     others on worker threads, each pinned as the run asks.  A thread
 *     never calls lock on a lock it already holds unless the descriptor
 *     says LOCKBENCH_LOCK_RECURSIVE.
 *   - init returns 0, or a positive errno value: the repetition is then
 *     reported as an error and destroy is not called.
 *   - Nothing is called from a signal handler.  A plugin that crashes or
 *     deadlocks is caught: each repetition of `lockbench run` runs in its
 *     own process under a watchdog.
 *
 * Properties (@flags) are claims that `lockbench validate` checks:
 *   LOCKBENCH_LOCK_FIFO       waiters acquire in the order they queued;
 *                             needs queued()
 *   LOCKBENCH_LOCK_SLEEPS     waiters block in the kernel (eventually)
 *   LOCKBENCH_LOCK_SPINS      waiters busy-wait and never yield the CPU
 *                             (lockbench then runs fewer threads than CPUs
 *                             in its stress test)
 *   LOCKBENCH_LOCK_RECURSIVE  the holder may lock again (nested unlocks)
 *   LOCKBENCH_LOCK_RW         rdlock and rdunlock are given (the rwmix
 *                             workload runs it)
 */
#ifndef LOCKBENCH_LOCK_H
#define LOCKBENCH_LOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The descriptor version this header describes. */
#define LOCKBENCH_LOCK_ABI 1

/* The one symbol a plugin defines. */
#define LOCKBENCH_LOCK_SYMBOL "lockbench_lock_plugin"

enum {
	LOCKBENCH_LOCK_FIFO = 1u << 0,
	LOCKBENCH_LOCK_SLEEPS = 1u << 1,
	LOCKBENCH_LOCK_SPINS = 1u << 2,
	LOCKBENCH_LOCK_RECURSIVE = 1u << 3,
	LOCKBENCH_LOCK_RW = 1u << 4,
};

/* Knobs given to init; a later ABI may append fields. */
struct lockbench_lock_cfg {
	/* --spin N: spins before sleeping, 0 for the lock's own default. */
	unsigned int spin_limit;
};

struct lockbench_lock {
	uint32_t abi; /* LOCKBENCH_LOCK_ABI; never moves */
	uint32_t size; /* sizeof(struct lockbench_lock); never moves */
	/*
	 * What users type after -m: a letter, then up to 31 of a-z 0-9 - _
	 * (no clash with a built-in method).
	 */
	const char *name;
	const char *summary; /* one line for `lockbench list` */
	uint32_t flags; /* LOCKBENCH_LOCK_* */
	size_t lock_size; /* bytes of one lock, 1 to 1 MiB */
	size_t lock_align; /* a power of two up to 128; 0: any */
	size_t node_size; /* per-thread node, 0 to 1 MiB; 0: node is NULL */
	int (*init)(void *lock, const struct lockbench_lock_cfg *cfg);
	void (*destroy)(void *lock);
	void (*lock)(void *lock, void *node);
	void (*unlock)(void *lock, void *node);
	bool (*trylock)(void *lock, void *node); /* optional: NULL */
	/* LOCKBENCH_LOCK_RW only (NULL otherwise): reader side. */
	void (*rdlock)(void *lock, void *node);
	void (*rdunlock)(void *lock, void *node);
	/*
	 * LOCKBENCH_LOCK_FIFO only: how many lockers wait in line behind the
	 * holder whose node is @holder_node (their order is fixed from then
	 * on).  The FIFO check queues waiters one at a time with it, without
	 * sleeping.
	 */
	unsigned int (*queued)(void *lock, void *holder_node);
};

/* First in a descriptor's initialiser: the version and size fields. */
#define LOCKBENCH_LOCK_HEADER \
	.abi = LOCKBENCH_LOCK_ABI, .size = sizeof(struct lockbench_lock)

/*
 * Define it so:
 *
 *   const struct lockbench_lock lockbench_lock_plugin = {
 *           LOCKBENCH_LOCK_HEADER,
 *           .name = "mylock",
 *           .summary = "my lock (FIFO, sleeps)",
 *           .flags = LOCKBENCH_LOCK_FIFO | LOCKBENCH_LOCK_SLEEPS,
 *           .lock_size = sizeof(struct mylock),
 *           .init = mylock_init, ...
 *   };
 */
#if defined(__GNUC__)
__attribute__((visibility("default")))
#endif
extern const struct lockbench_lock lockbench_lock_plugin;

#ifdef __cplusplus
}
#endif

#endif /* LOCKBENCH_LOCK_H */
