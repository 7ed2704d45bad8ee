/* SPDX-License-Identifier: MIT */
/*
 * compiler.h - small compiler helpers shared by every layer of lockbench.
 *
 * Nothing here orders memory: see atomics.h for that.
 */
#ifndef LB_COMPILER_H
#define LB_COMPILER_H

#include <stdio.h>
#include <stdlib.h>

/*
 * One cache line as the hardware moves it.  64 bytes on x86-64 and most
 * aarch64 parts; adjacent-line prefetch on x86 pairs lines, so data that is
 * written by different threads is padded to LB_PAD_SIZE (two lines).
 */
#define LB_CACHELINE 64
#define LB_PAD_SIZE 128
#define lb_cacheline_aligned __attribute__((aligned(LB_PAD_SIZE)))

#define lb_likely(x) __builtin_expect(!!(x), 1)
#define lb_unlikely(x) __builtin_expect(!!(x), 0)
#define lb_noinline __attribute__((noinline))
#define lb_always_inline inline __attribute__((always_inline))
#define lb_unused __attribute__((unused))

#define LB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define lb_container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - __builtin_offsetof(type, member)))

/*
 * An internal invariant is broken: this is a bug in lockbench (or in the lock
 * under test), never a user error.  Say where and abort so that a core dump
 * or the harness's crash handler can tell which.
 */
#define lb_die(...)                                                           \
	do {                                                                  \
		fprintf(stderr, "lockbench: %s:%d: %s: ", __FILE__, __LINE__, \
			__func__);                                            \
		fprintf(stderr, __VA_ARGS__);                                 \
		fputc('\n', stderr);                                          \
		abort();                                                      \
	} while (0)

#define lb_bug_on(cond)                           \
	do {                                      \
		if (lb_unlikely(cond))            \
			lb_die("BUG: %s", #cond); \
	} while (0)

/* A pthread_* call returned an error number: internal failure, abort. */
#define lb_check_pthread(call)                                         \
	do {                                                           \
		int lb_err_ = (call);                                  \
		if (lb_unlikely(lb_err_))                              \
			lb_die("%s failed: error %d", #call, lb_err_); \
	} while (0)

static inline void *lb_xmalloc_fail(size_t size)
{
	fprintf(stderr, "lockbench: out of memory allocating %zu bytes\n",
		size);
	exit(3);
}

/* Allocation that never returns NULL: running out is fatal (exit 3). */
static inline void *lb_xzalloc(size_t size)
{
	void *p = calloc(1, size ? size : 1);

	return p ? p : lb_xmalloc_fail(size);
}

static inline void *lb_xaligned_zalloc(size_t align, size_t size)
{
	void *p = NULL;
	size_t rounded = (size + align - 1) / align * align;

	if (posix_memalign(&p, align, rounded ? rounded : align))
		return lb_xmalloc_fail(size);
	__builtin_memset(p, 0, rounded ? rounded : align);
	return p;
}

#endif /* LB_COMPILER_H */
