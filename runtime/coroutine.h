/* SPDX-License-Identifier: MIT */
/*
 * coroutine.h - stackful coroutines for lockbench's coroutine locks.
 *
 * A coroutine runs on its own mmap'd stack (with a PROT_NONE guard page
 * below it).  lb_co_enter() switches into it from a thread or from another
 * coroutine and returns when it yields or terminates; lb_co_yield() switches
 * back to whoever entered it.  A terminated coroutine goes back to a small
 * per-thread pool automatically, so lb_co_create() on the hot path is a list
 * pop, not an mmap.
 *
 * Switching is _setjmp/_longjmp through one noinline function (no signal-mask
 * system call); makecontext/swapcontext are used once, to start a new stack.
 * The idea is QEMU's util/coroutine-ucontext.c; the code is ours.
 *
 * Threads: a coroutine is tied to the thread that first enters it (its home
 * thread) and, if that thread had an event context (evloop.h), to that
 * context.  It never migrates: entering it from another thread aborts.  The
 * way to resume a coroutine from another thread is lb_co_wake() or
 * lb_co_schedule() in evloop.h, which queue it onto its home context.
 *
 * What may run concurrently with what (X = the caller must exclude):
 *
 *                         create  enter(co) yield  wake/schedule(co)
 *   lb_co_create            -       -        -        -
 *   lb_co_enter(co)         -       X        -        - (see evloop.h)
 *   lb_co_yield             -       -        -        -
 *   lb_co_wake/schedule(co) -       -        -        X (one per yield)
 *
 * enter and yield are only ever called by co's home thread, so they never
 * run concurrently with themselves for one coroutine.
 *
 * Under ThreadSanitizer every coroutine is a TSan fiber; under
 * AddressSanitizer every switch is announced with the fiber-switch API.
 */
#ifndef LB_COROUTINE_H
#define LB_COROUTINE_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <urcu/wfcqueue.h>

#include "runtime/compiler.h"

/* Are we built with ThreadSanitizer / AddressSanitizer? */
#if defined(__SANITIZE_THREAD__)
#define LB_CO_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LB_CO_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define LB_CO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LB_CO_ASAN 1
#endif
#endif

#define LB_CO_STACK_SIZE_DEFAULT (64u * 1024)
#define LB_CO_STACK_SIZE_MIN (16u * 1024)
#define LB_CO_STACK_SIZE_MAX (1u << 30)
/* Coroutines kept per thread for reuse; terminated ones beyond are freed. */
#define LB_CO_POOL_MAX 64

struct lb_evctx;

enum lb_co_state {
	LB_CO_FRESH, /* created, never entered */
	LB_CO_RUNNING, /* entered: it or a coroutine it entered is running */
	LB_CO_SUSPENDED, /* yielded; may be entered again */
	LB_CO_DEAD, /* terminated: in a pool or freed */
};

/*
 * One coroutine.  The fields are private to runtime/coroutine.c and
 * runtime/evloop.c; other code uses the functions below.  "Home" means the
 * thread that first entered the coroutine.
 */
struct lb_co {
	/* --- touched by other threads (schedulers, wakers) --- */

	/* Link in the home context's schedule queue, owned by it while queued */
	struct cds_wfcq_node qnode;
	/*
	 * NULL, or the name of the function that scheduled the coroutine and
	 * has not had it entered yet.  Set with a cmpxchg by any thread
	 * (lb_co_schedule, a same-thread lb_co_wake), cleared with an xchg by
	 * the home thread just before entering it.
	 */
	const char *scheduled;
	/* Home event context, or NULL; written once by the home thread. */
	struct lb_evctx *ctx;

	/* --- home thread only (creator until the first entry) --- */

	jmp_buf env lb_cacheline_aligned; /* where to resume it */
	void (*entry)(void *arg);
	void *arg;
	struct lb_co *caller; /* who entered it, while RUNNING */
	enum lb_co_state state;
	const void *home; /* home thread's marker, NULL before entry */
	/* Coroutines it woke on its own context; entered after it yields. */
	struct lb_co *wake_head, *wake_tail;
	struct lb_co *wake_next; /* link in a wakeup list */
	struct lb_co *pool_next; /* link in a thread's pool */

	void *map; /* mmap'd region: guard page + stack */
	size_t map_size;
	void *stack; /* lowest usable stack address */
	size_t stack_size;
	struct lb_co *creator; /* during creation only: who to go back to */
	void *tsan_fiber; /* ThreadSanitizer fiber */
	void *asan_fake_stack; /* AddressSanitizer fake stack while away */
};

/* Counters of the coroutine allocator, see lb_co_get_stats(). */
struct lb_co_stats {
	uint64_t stacks_mapped; /* stacks mmap'd, all threads, ever */
	uint64_t stacks_unmapped; /* stacks munmap'd, all threads, ever */
	uint64_t created; /* lb_co_create calls by this thread */
	uint64_t pool_hits; /* ... of which served from its pool */
	uint64_t pool_size; /* coroutines now in this thread's pool */
};

/**
 * lb_co_set_stack_size - set the stack size of coroutines created from now on
 * @size: usable bytes, rounded up to the page size; the guard page is extra
 *
 * Ordering: none; call it before starting the threads that create
 * coroutines.  Pooled coroutines of another size are freed as they are met.
 *
 * Returns 0, or -EINVAL if @size is outside [LB_CO_STACK_SIZE_MIN,
 * LB_CO_STACK_SIZE_MAX].
 */
int lb_co_set_stack_size(size_t size);

/* Returns the stack size lb_co_create() uses now (no ordering). */
size_t lb_co_get_stack_size(void);

/**
 * lb_co_create - make a coroutine that will run @entry(@arg) when entered
 *
 * Takes one from this thread's pool if it can, otherwise maps a new stack.
 * The coroutine does not run until it is entered (lb_co_enter) or scheduled
 * (lb_co_schedule); it may be handed to another thread for that, by any
 * means that orders the hand-off (a release/acquire pair, a queue).
 *
 * Ordering: none.  Exclusion: none (per-thread pool).
 *
 * Returns the coroutine; never NULL (out of memory or address space is fatal).
 */
struct lb_co *lb_co_create(void (*entry)(void *arg), void *arg);

/**
 * lb_co_enter - switch into @co until it yields or terminates
 *
 * Called from a thread or from a coroutine (nesting is allowed: the entered
 * coroutine yields back to its enterer).  The first entry makes the calling
 * thread @co's home thread and the calling thread's event context, if any,
 * its home context.  Afterwards the coroutines @co woke on its own context
 * while it ran (lb_co_wake) are entered, in order, before returning.  A
 * coroutine that terminates is returned to the pool: the caller must not
 * use @co after that.
 *
 * Aborts with a message if @co is running (already entered and not yet
 * yielded: that includes the caller itself and its enterers), terminated,
 * still scheduled, or if this is not its home thread or home context.
 *
 * Ordering: everything the caller did is visible to @co, and everything @co
 * did before yielding is visible after return (same thread).
 * Exclusion: only @co's home thread may enter it, and only while it is not
 * scheduled (use lb_co_wake/lb_co_schedule from other threads).
 *
 * Returns nothing.
 */
void lb_co_enter(struct lb_co *co);

/**
 * lb_co_yield - switch back to the coroutine or thread that entered us
 *
 * Returns when something enters this coroutine again.  Typical use: publish
 * a wait record (with a release or full barrier), then yield; the waker calls
 * lb_co_wake(), which can enter us only on our home thread and only after this
 * yield has returned control to that thread's loop.
 *
 * Ordering: none beyond program order on this thread.
 * Exclusion: must be called inside a coroutine (aborts otherwise).
 *
 * Returns nothing.
 */
void lb_co_yield(void);

/* Returns the running coroutine, or NULL outside coroutines. No ordering. */
struct lb_co *lb_co_self(void);

/* Returns whether the caller runs inside a coroutine. No ordering. */
bool lb_in_coroutine(void);

/**
 * lb_co_home - the home event context of @co
 *
 * Ordering: acquire; pairs with the release store made at @co's first entry.
 * Exclusion: none.
 *
 * Returns the context, or NULL if @co was never entered from an event
 * context (or was never entered).
 */
struct lb_evctx *lb_co_home(struct lb_co *co);

/*
 * The event context the calling thread runs, as the event loop announced it
 * (runtime/evloop.c calls lb_co_thread_set_evctx() when a thread attaches
 * or detaches a context).  The coroutine layer only stores and compares
 * it: this hook is what keeps coroutines below the event loop built on
 * them.  Thread-local, no ordering.
 */
extern __thread struct lb_evctx *lb_co_tls_evctx;

static inline struct lb_evctx *lb_co_thread_evctx(void)
{
	return lb_co_tls_evctx;
}

static inline void lb_co_thread_set_evctx(struct lb_evctx *ctx)
{
	lb_co_tls_evctx = ctx;
}

/**
 * lb_co_delete - free a coroutine that will not be entered again
 *
 * For a coroutine that was created and never entered, or that yielded and
 * will never be resumed (its stack frames are discarded, not unwound).
 * Terminated coroutines are freed automatically: never delete those.
 *
 * Ordering: none.  Exclusion: @co is not running and not scheduled, and
 * nobody can enter or wake it any more; call from its home thread (or from
 * the creating thread if it was never entered).
 *
 * Returns nothing.
 */
void lb_co_delete(struct lb_co *co);

/**
 * lb_co_pool_flush - free every coroutine in the calling thread's pool
 *
 * Pools are also flushed at thread exit.  Ordering/exclusion: none.
 */
void lb_co_pool_flush(void);

/**
 * lb_co_get_stats - read the allocator counters
 *
 * Ordering: relaxed reads; global counters may lag behind other threads.
 */
void lb_co_get_stats(struct lb_co_stats *st);

#endif /* LB_COROUTINE_H */
