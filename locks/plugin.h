/* SPDX-License-Identifier: MIT */
/*
 * plugin.h - locks from shared objects (--lock-lib FILE.so): the file is
 * loaded, its descriptor (include/lockbench/lock.h) checked and turned
 * into a struct lb_lock_ops, and that is added to the registry.  The
 * workloads reach it through their plugin loops (LB_PLUGIN_OPS).
 */
#ifndef LB_LOCKS_PLUGIN_H
#define LB_LOCKS_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/lockbench/lock.h"
#include "locks/lock.h"

#define LB_MAX_PLUGINS 16
#define LB_PLUGIN_MAX_SIZE (1u << 20) /* of a lock or a node, bytes */

/* What a result file records of a plugin (results/README.md). */
struct lb_plugin_info {
	const char *path; /* as given */
	uint64_t file_size; /* bytes */
	char sha256[65]; /* of the file, hex */
	const struct lockbench_lock *desc;
};

/*
 * Load the lock in the shared object at @path and register it.  Returns
 * its registry index, or -1 with a one-line message naming @path and the
 * problem in @err (nothing registered, the file closed again).  Before any
 * thread starts (the registry is not locked).
 */
int lb_lock_lib_load(const char *path, char *err, size_t errlen);

/* A library was loaded from @path (as given) already. */
bool lb_lock_lib_loaded(const char *path);

/* The file @ops came from, or NULL for a built-in method. */
const struct lb_plugin_info *lb_plugin_info(const struct lb_lock_ops *ops);

#endif /* LB_LOCKS_PLUGIN_H */
