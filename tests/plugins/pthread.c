/* SPDX-License-Identifier: MIT */
/*
 * pthread.c - glibc's locks as plugins, for the plugin paths a ticket
 * lock does not take:
 *   -DPLUG_RW         "plug-prw": pthread_rwlock_t (reader side: rwmix)
 *   -DPLUG_RECURSIVE  "plug-precursive": a PTHREAD_MUTEX_RECURSIVE mutex
 *                     (--depth, the recursion check)
 */
#include <pthread.h>

#include "plugin.h"

#ifdef PLUG_RW
static int prw_init(void *lock, const struct lockbench_lock_cfg *cfg)
{
	return pthread_rwlock_init(lock, NULL);
}

static void prw_destroy(void *lock)
{
	pthread_rwlock_destroy(lock);
}

static void prw_lock(void *lock, void *node)
{
	if (pthread_rwlock_wrlock(lock))
		abort();
}

static void prw_rdlock(void *lock, void *node)
{
	if (pthread_rwlock_rdlock(lock))
		abort();
}

static void prw_unlock(void *lock, void *node)
{
	if (pthread_rwlock_unlock(lock))
		abort();
}

static bool prw_trylock(void *lock, void *node)
{
	return !pthread_rwlock_trywrlock(lock);
}

const struct lockbench_lock lockbench_lock_plugin = {
	LOCKBENCH_LOCK_HEADER,
	.name = "plug-prw",
	.summary = "glibc pthread_rwlock_t as a plugin",
	.flags = LOCKBENCH_LOCK_SLEEPS | LOCKBENCH_LOCK_RW,
	.lock_size = sizeof(pthread_rwlock_t),
	.init = prw_init,
	.destroy = prw_destroy,
	.lock = prw_lock,
	.unlock = prw_unlock,
	.trylock = prw_trylock,
	.rdlock = prw_rdlock,
	.rdunlock = prw_unlock,
};
#else
static int prec_init(void *lock, const struct lockbench_lock_cfg *cfg)
{
	pthread_mutexattr_t a;
	int e;

	if ((e = pthread_mutexattr_init(&a)))
		return e;
	e = pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	if (!e)
		e = pthread_mutex_init(lock, &a);
	pthread_mutexattr_destroy(&a);
	return e;
}

static void prec_destroy(void *lock)
{
	pthread_mutex_destroy(lock);
}

static void prec_lock(void *lock, void *node)
{
	if (pthread_mutex_lock(lock))
		abort();
}

static void prec_unlock(void *lock, void *node)
{
	if (pthread_mutex_unlock(lock))
		abort();
}

const struct lockbench_lock lockbench_lock_plugin = {
	LOCKBENCH_LOCK_HEADER,
	.name = "plug-precursive",
	.summary = "glibc PTHREAD_MUTEX_RECURSIVE as a plugin",
	.flags = LOCKBENCH_LOCK_SLEEPS | LOCKBENCH_LOCK_RECURSIVE,
	.lock_size = sizeof(pthread_mutex_t),
	.init = prec_init,
	.destroy = prec_destroy,
	.lock = prec_lock,
	.unlock = prec_unlock,
};
#endif
