/* SPDX-License-Identifier: MIT */
/*
 * registry.c - the table of sync methods, generated from locks/all.h.
 */
#include <stdio.h>
#include <string.h>

#include "locks/all.h"
#include "locks/lock.h"

#define LB_DEFINE_OPS(id)                            \
	static const struct lb_lock_ops id##_ops = { \
		id##_DESC,                           \
		.init = id##_init,                   \
		.destroy = id##_destroy,             \
		.lock = id##_lock,                   \
		.unlock = id##_unlock,               \
	};
LB_FOR_EACH_LOCK(LB_DEFINE_OPS)

/*
 * Reader/writer methods fill .rdlock/.rdunlock through LB_RW_OPS(id) in
 * their DESC.  Every one listed in LB_FOR_EACH_RW_LOCK must also be in
 * LB_FOR_EACH_LOCK: this fails to compile otherwise.
 */
#define LB_RW_LISTED(id)                                                  \
	static const struct lb_lock_ops *const id##_rw_listed lb_unused = \
		&id##_ops;
LB_FOR_EACH_RW_LOCK(LB_RW_LISTED)

#define LB_OPS_PTR(id) &id##_ops,
#define LB_PLUS_ONE(id) +1
const struct lb_lock_ops *lb_locks[LB_MAX_LOCKS] = { LB_FOR_EACH_LOCK(
	LB_OPS_PTR) };
const unsigned int lb_nbuiltin_locks = 0 LB_FOR_EACH_LOCK(LB_PLUS_ONE);
unsigned int lb_nlocks = 0 LB_FOR_EACH_LOCK(LB_PLUS_ONE);

int lb_registry_add(const struct lb_lock_ops *ops, char *err, size_t errlen)
{
	if (lb_lock_find(ops->name)) {
		snprintf(err, errlen, "method name '%s' is already taken%s",
			 ops->name,
			 lb_lock_index(lb_lock_find(ops->name)) <
					 lb_nbuiltin_locks ?
				 " by a built-in method" :
				 " by another --lock-lib");
		return -1;
	}
	if (lb_nlocks == LB_MAX_LOCKS) {
		snprintf(err, errlen, "too many methods (at most %u)",
			 LB_MAX_LOCKS);
		return -1;
	}
	lb_locks[lb_nlocks] = ops;
	return (int)lb_nlocks++;
}

const struct lb_lock_ops *lb_lock_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < lb_nlocks; i++)
		if (!strcmp(lb_locks[i]->name, name))
			return lb_locks[i];
	return NULL;
}

unsigned int lb_lock_index(const struct lb_lock_ops *ops)
{
	unsigned int i;

	for (i = 0; i < lb_nlocks; i++)
		if (lb_locks[i] == ops)
			return i;
	lb_die("BUG: method %s is not registered", ops->name);
}

const char *lb_lock_flags_str(unsigned int flags, char *buf, size_t len)
{
	static const struct {
		unsigned int flag;
		const char *name;
	} names[] = {
		{ LB_FAIR, "fair" },
		{ LB_SLEEPS, "sleeps" },
		{ LB_SPINS, "spins" },
		{ LB_RECURSIVE, "recursive" },
		{ LB_RW, "rw" },
		{ LB_NEEDS_COROUTINE, "coroutine" },
		{ LB_DELEGATES, "delegates" },
		{ LB_NO_EXCLUSION, "no-exclusion" },
		{ LB_PLUGIN, "plugin" },
	};
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < LB_ARRAY_SIZE(names); i++) {
		if (!(flags & names[i].flag))
			continue;
		used += snprintf(buf + used, used < len ? len - used : 0,
				 "%s%s", used ? "," : "", names[i].name);
	}
	return buf;
}
