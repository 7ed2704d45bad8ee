/* SPDX-License-Identifier: MIT */
/*
 * atomics.h - the memory-ordering vocabulary of lockbench.
 *
 * Every lock and the runtime use these wrappers around the compiler's
 * __atomic builtins, never liburcu's uatomic_* (inline assembly that
 * ThreadSanitizer cannot see) and never the 0.15-only CMM_* memory orders.
 * The names say the intent:
 *
 *   lb_load_acquire(p)       a load that later accesses cannot move before
 *                            (pairs with a store_release or a stronger RMW)
 *   lb_store_release(p, v)   a store that earlier accesses cannot move after
 *   lb_load_relaxed/...      atomicity only, no ordering (counters, hints)
 *   lb_xchg/cmpxchg/...      read-modify-write; the suffix gives the order,
 *                            _mb means sequentially consistent (a full fence
 *                            on every architecture: LOCK-prefixed on x86)
 *   lb_smp_mb()              full fence: orders earlier stores before later
 *                            loads (the Dekker store->fence->load pattern)
 *
 * On x86-64 acquire loads and release stores compile to plain moves; the
 * price of ordering there is paid only by _mb operations and lb_smp_mb().
 */
#ifndef LB_ATOMICS_H
#define LB_ATOMICS_H

#include <stdbool.h>

#define lb_load_relaxed(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define lb_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define lb_store_relaxed(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define lb_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define lb_store_mb(p, v) __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)

#define lb_xchg_mb(p, v) __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
#define lb_xchg_acquire(p, v) __atomic_exchange_n((p), (v), __ATOMIC_ACQUIRE)
#define lb_xchg_release(p, v) __atomic_exchange_n((p), (v), __ATOMIC_RELEASE)
#define lb_xchg_acq_rel(p, v) __atomic_exchange_n((p), (v), __ATOMIC_ACQ_REL)

#define lb_fetch_add_relaxed(p, v) \
	__atomic_fetch_add((p), (v), __ATOMIC_RELAXED)
#define lb_fetch_add_acquire(p, v) \
	__atomic_fetch_add((p), (v), __ATOMIC_ACQUIRE)
#define lb_fetch_add_release(p, v) \
	__atomic_fetch_add((p), (v), __ATOMIC_RELEASE)
#define lb_fetch_add_mb(p, v) __atomic_fetch_add((p), (v), __ATOMIC_SEQ_CST)
#define lb_fetch_sub_mb(p, v) __atomic_fetch_sub((p), (v), __ATOMIC_SEQ_CST)
#define lb_fetch_sub_release(p, v) \
	__atomic_fetch_sub((p), (v), __ATOMIC_RELEASE)

/*
 * Compare-and-exchange: returns true if *p was @old and is now @new.
 * The _acquire variant also acquires on failure: a waiter whose cmpxchg
 * fails because the lock was just handed to it must see the hand-off's
 * release.  The other variants order nothing on failure (except _mb).
 */
#define lb_cmpxchg_acquire(p, old, new) \
	lb_cmpxchg_((p), (old), (new), __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)
#define lb_cmpxchg_release(p, old, new) \
	lb_cmpxchg_((p), (old), (new), __ATOMIC_RELEASE, __ATOMIC_RELAXED)
#define lb_cmpxchg_mb(p, old, new) \
	lb_cmpxchg_((p), (old), (new), __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
#define lb_cmpxchg_relaxed(p, old, new) \
	lb_cmpxchg_((p), (old), (new), __ATOMIC_RELAXED, __ATOMIC_RELAXED)

#define lb_cmpxchg_(p, old, new, so, fo)                                       \
	({                                                                     \
		__typeof__(*(p)) lb_old_ = (old);                              \
		__atomic_compare_exchange_n((p), &lb_old_, (new), false, (so), \
					    (fo));                             \
	})

/*
 * Full fence; see the header comment.  ThreadSanitizer does not model
 * fences (gcc even refuses them, -Wtsan), so a TSan build uses a locked RMW
 * on a thread-local dummy instead: still a full barrier on x86, and the
 * happens-before edges TSan needs come from the atomics around it.
 */
#if defined(__SANITIZE_THREAD__)
extern __thread unsigned int lb_fence_dummy;
#define lb_smp_mb() __atomic_fetch_add(&lb_fence_dummy, 0, __ATOMIC_SEQ_CST)
#else
#define lb_smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
/* Stops the compiler, not the CPU. */
#define lb_barrier() __asm__ __volatile__("" ::: "memory")

/*
 * Tell the CPU we are spinning: PAUSE on x86 (yields the pipeline to the SMT
 * sibling), YIELD on aarch64.  Also a compiler barrier, so a spin loop
 * re-reads memory even if the load is not atomic.
 */
static inline void lb_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("pause" ::: "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	lb_barrier();
#endif
}

#endif /* LB_ATOMICS_H */
