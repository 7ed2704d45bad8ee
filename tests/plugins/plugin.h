/* SPDX-License-Identifier: MIT */
/*
 * plugin.h - what the test plugins share: a CPU pause and the futex calls,
 * written against nothing but libc and <lockbench/lock.h>, as a plugin
 * of another project would be.
 */
#ifndef LB_TESTS_PLUGINS_PLUGIN_H
#define LB_TESTS_PLUGINS_PLUGIN_H

#include <errno.h>
#include <linux/futex.h>
#include <lockbench/lock.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline void plug_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("pause" ::: "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

/* Sleep while *@word == @val; spurious wake-ups and EINTR return too. */
static inline void plug_futex_wait(uint32_t *word, uint32_t val)
{
	if (syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0) &&
	    errno != EAGAIN && errno != EINTR)
		abort();
}

static inline void plug_futex_wake(uint32_t *word, int n)
{
	if (syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0) < 0)
		abort();
}

#endif /* LB_TESTS_PLUGINS_PLUGIN_H */
