/* SPDX-License-Identifier: MIT */
/*
 * coroutine.c - stackful coroutines: creation, switching, the stack pool.
 *
 * Source of the idea: QEMU's util/coroutine-ucontext.c and
 * util/qemu-coroutine.c (Kevin Wolf, Paolo Bonzini and others), read through
 * the description in ALGORITHMS.md 1d; this is an independent rewrite.
 *
 * How a stack is started (once per mmap, cold path):
 *   1. makecontext() points a ucontext at lb_co_trampoline on the new stack;
 *   2. the creator _setjmp()s into its own env and setcontext()s there (no
 *      need to save the creator's ucontext: it comes back by _longjmp; and
 *      ASan's swapcontext interceptor would only warn);
 *   3. the trampoline _setjmp()s into the coroutine's env and _longjmp()s
 *      straight back to the creator.
 * From then on every switch is lb_co_switch(): _setjmp(from), _longjmp(to).
 * swapcontext() would save and restore the signal mask, a system call per
 * switch; _setjmp/_longjmp do not (DEPENDENCIES.md 2f: ~16 ns vs ~180 ns).
 *
 * When a coroutine's entry returns, the trampoline switches to the caller
 * with LB_CO_TERMINATE and its frame stays where it is: the next incarnation
 * of the same stack (from the pool) resumes in that loop and calls the new
 * entry.  So a pooled coroutine costs no mmap, no makecontext, no syscall.
 *
 * Thread-local storage across switches: a coroutine stays on one thread for
 * an incarnation, but a pooled stack's trampoline frame may be resumed by
 * another thread in its next incarnation (created on A, scheduled onto B).
 * The compiler may cache the address of a __thread variable within a
 * function, so code that runs after a switch in such a frame reads TLS only
 * through lb_co_thread_get(), which the optimizer cannot see through.
 */
#undef _FORTIFY_SOURCE /* before any include: see below */
/*
 * With _FORTIFY_SOURCE, glibc turns longjmp into __longjmp_chk, which aborts
 * with "longjmp causes uninitialized stack frame" on a jump to another stack.
 */

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "runtime/atomics.h"
#include "runtime/compiler.h"
#include "runtime/coroutine.h"

#ifdef LB_CO_TSAN
#include <sanitizer/tsan_interface.h>
#endif
#ifdef LB_CO_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

/* What a switch asks of the coroutine it jumps to (never 0: _setjmp's). */
enum {
	LB_CO_ENTER = 1,
	LB_CO_YIELD = 2,
	LB_CO_TERMINATE = 3,
};

/* Per-thread state; only the owning thread touches it. */
struct lb_co_thread {
	/* The thread's own stack, as a coroutine that is never pooled. */
	struct lb_co leader;
	struct lb_co *current; /* running coroutine, NULL outside */
	struct lb_co *pool; /* terminated coroutines, for reuse */
	unsigned int pool_size;
	bool pool_key_set; /* pool registered for freeing at exit */
	uint64_t created;
	uint64_t pool_hits;
#ifdef LB_CO_ASAN
	struct lb_co *asan_from; /* who jumped to the fiber now arriving */
#endif
};

static __thread struct lb_co_thread lb_co_thread;
__thread struct lb_evctx *lb_co_tls_evctx;

static size_t lb_co_stack_size = LB_CO_STACK_SIZE_DEFAULT; /* relaxed */
static uint64_t lb_co_stacks_mapped; /* relaxed counters */
static uint64_t lb_co_stacks_unmapped;
static pthread_key_t lb_co_pool_key;
static pthread_once_t lb_co_pool_once = PTHREAD_ONCE_INIT;

static void lb_co_trampoline(int lo, int hi);
static void lb_co_pool_drain(struct lb_co_thread *t);

/* The calling thread's state, opaque to the optimizer: see file comment. */
static lb_noinline struct lb_co_thread *lb_co_thread_get(void)
{
	struct lb_co_thread *t = &lb_co_thread;

	__asm__ __volatile__("" : "+r"(t));
	return t;
}

static size_t lb_co_page_size(void)
{
	static size_t page;
	size_t p = lb_load_relaxed(&page);

	if (!p) {
		p = (size_t)sysconf(_SC_PAGESIZE);
		lb_store_relaxed(&page, p);
	}
	return p;
}

/* ---- sanitizer hooks: no code at all in normal builds ---- */

/*
 * About to jump from @from to @to on this thread.  @dying: @from will never
 * run again in this incarnation, so ASan may drop its fake stack.
 *
 * Always inlined: __tsan_switch_to_fiber must be followed by the jump and
 * nothing else.  Were this a real call, its instrumented return (func_exit)
 * would run on the new fiber and underflow that fiber's shadow call stack.
 */
static lb_always_inline void lb_co_san_leave(struct lb_co_thread *t,
					     struct lb_co *from,
					     struct lb_co *to, bool dying)
{
#ifdef LB_CO_ASAN
	t->asan_from = from;
	if (dying)
		from->asan_fake_stack = NULL;
	__sanitizer_start_switch_fiber(dying ? NULL : &from->asan_fake_stack,
				       to->stack, to->stack_size);
#endif
#ifdef LB_CO_TSAN
	/* The thread's own fiber is known the first time it switches away. */
	if (!from->tsan_fiber)
		from->tsan_fiber = __tsan_get_current_fiber();
	/* Must be the last thing before the jump (tsan_interface.h). */
	__tsan_switch_to_fiber(to->tsan_fiber, 0);
#endif
	(void)t;
	(void)from;
	(void)to;
	(void)dying;
}

/* Just arrived in @self. */
static lb_always_inline void lb_co_san_arrive(struct lb_co *self)
{
#ifdef LB_CO_ASAN
	struct lb_co_thread *t = lb_co_thread_get();
	const void *bottom;
	size_t size;

	__sanitizer_finish_switch_fiber(self->asan_fake_stack, &bottom, &size);
	/* ASan tells us the bounds of the stack we left: learn the thread's. */
	if (t->asan_from == &t->leader) {
		t->leader.stack = (void *)bottom;
		t->leader.stack_size = size;
	}
#endif
	(void)self;
}

/* ---- switching ---- */

/*
 * Save @from, resume @to; returns (in @from) when something switches back,
 * with the action it asked for.  noinline, and nothing live across _setjmp
 * but the arguments, which are not modified: no -Wclobbered hazard.
 */
static lb_noinline int lb_co_switch(struct lb_co *from, struct lb_co *to,
				    int action)
{
	/* Used before the jump only, on the calling thread: plain TLS. */
	struct lb_co_thread *t = &lb_co_thread;
	int ret;

	t->current = to == &t->leader ? NULL : to;
	ret = _setjmp(from->env);
	if (ret == 0) {
		lb_co_san_leave(t, from, to, action == LB_CO_TERMINATE);
		_longjmp(to->env, action);
	}
	lb_co_san_arrive(from);
	return ret;
}

/* First code run on a new stack; see the file comment. */
static void lb_co_trampoline(int lo, int hi)
{
	uintptr_t p = ((uintptr_t)(uint32_t)hi << 16 << 16) | (uint32_t)lo;
	struct lb_co *self = (struct lb_co *)p;

	lb_co_san_arrive(self);
	if (!_setjmp(self->env)) {
		/* Stack started: go back to the creator (lb_co_start_stack). */
		lb_co_san_leave(lb_co_thread_get(), self, self->creator, false);
		_longjmp(self->creator->env, 1);
	}
	/* First lb_co_switch(..., LB_CO_ENTER) into this stack lands here. */
	lb_co_san_arrive(self);
	for (;;) {
		self->entry(self->arg);
		/* The caller returns us to the pool; a reuse resumes here. */
		lb_co_switch(self, self->caller, LB_CO_TERMINATE);
	}
}

/*
 * Run the trampoline on @co's new stack until it has saved its env.
 * noinline for the same reason as lb_co_switch().
 */
static lb_noinline void lb_co_start_stack(struct lb_co_thread *t,
					  struct lb_co *self, struct lb_co *co)
{
	ucontext_t uc;
	uintptr_t p = (uintptr_t)co;

	if (getcontext(&uc))
		lb_die("getcontext: errno %d", errno);
	uc.uc_link = NULL;
	uc.uc_stack.ss_sp = co->stack;
	uc.uc_stack.ss_size = co->stack_size;
	uc.uc_stack.ss_flags = 0;
	/* makecontext passes ints only: split the pointer. */
	makecontext(&uc, (void (*)(void))lb_co_trampoline, 2, (int)(uint32_t)p,
		    (int)(uint32_t)(p >> 16 >> 16));
	co->creator = self;
	if (!_setjmp(self->env)) {
		lb_co_san_leave(t, self, co, false);
		setcontext(&uc);
		lb_die("setcontext: errno %d", errno);
	}
	lb_co_san_arrive(self);
	co->creator = NULL;
}

/* ---- allocation and the pool ---- */

static struct lb_co *lb_co_alloc(size_t stack_size)
{
	struct lb_co_thread *t = &lb_co_thread;
	struct lb_co *self = t->current ? t->current : &t->leader;
	struct lb_co *co = lb_xaligned_zalloc(LB_PAD_SIZE, sizeof(*co));
	size_t page = lb_co_page_size();

	co->map_size = stack_size + page;
	co->map = mmap(NULL, co->map_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
		       -1, 0);
	if (co->map == MAP_FAILED)
		lb_xmalloc_fail(co->map_size); /* exits */
	/* Guard page below the stack: an overflow faults, never corrupts. */
	if (mprotect(co->map, page, PROT_NONE))
		lb_die("mprotect of a guard page: errno %d", errno);
	lb_fetch_add_relaxed(&lb_co_stacks_mapped, 1);
	co->stack = (char *)co->map + page;
	co->stack_size = stack_size;
#ifdef LB_CO_TSAN
	co->tsan_fiber = __tsan_create_fiber(0);
#endif
	lb_co_start_stack(t, self, co);
	return co;
}

static void lb_co_free(struct lb_co *co)
{
#ifdef LB_CO_TSAN
	__tsan_destroy_fiber(co->tsan_fiber);
#endif
#ifdef LB_CO_ASAN
	/* Leave no poisoned shadow behind for whoever maps this range next. */
	__asan_unpoison_memory_region(co->stack, co->stack_size);
#endif
	if (munmap(co->map, co->map_size))
		lb_die("munmap of a coroutine stack: errno %d", errno);
	lb_fetch_add_relaxed(&lb_co_stacks_unmapped, 1);
	free(co);
}

static void lb_co_pool_destructor(void *arg)
{
	lb_co_pool_drain(arg);
}

static void lb_co_pool_key_init(void)
{
	lb_check_pthread(
		pthread_key_create(&lb_co_pool_key, lb_co_pool_destructor));
}

static void lb_co_pool_drain(struct lb_co_thread *t)
{
	struct lb_co *co;

	while ((co = t->pool)) {
		t->pool = co->pool_next;
		t->pool_size--;
		lb_co_free(co);
	}
}

/* @co terminated (or was deleted fresh): keep it for reuse, or free it. */
static void lb_co_pool_put(struct lb_co_thread *t, struct lb_co *co)
{
	co->state = LB_CO_DEAD;
	co->caller = NULL;
	if (t->pool_size >= LB_CO_POOL_MAX) {
		lb_co_free(co);
		return;
	}
	if (lb_unlikely(!t->pool_key_set)) {
		lb_check_pthread(
			pthread_once(&lb_co_pool_once, lb_co_pool_key_init));
		lb_check_pthread(pthread_setspecific(lb_co_pool_key, t));
		t->pool_key_set = true;
	}
	co->pool_next = t->pool;
	t->pool = co;
	t->pool_size++;
}

/* ---- public functions ---- */

int lb_co_set_stack_size(size_t size)
{
	size_t page = lb_co_page_size();

	if (size < LB_CO_STACK_SIZE_MIN || size > LB_CO_STACK_SIZE_MAX)
		return -EINVAL;
	lb_store_relaxed(&lb_co_stack_size, (size + page - 1) / page * page);
	return 0;
}

size_t lb_co_get_stack_size(void)
{
	return lb_load_relaxed(&lb_co_stack_size);
}

struct lb_co *lb_co_create(void (*entry)(void *arg), void *arg)
{
	struct lb_co_thread *t = &lb_co_thread;
	size_t size = lb_load_relaxed(&lb_co_stack_size);
	struct lb_co *co;

	t->created++;
	while ((co = t->pool)) {
		t->pool = co->pool_next;
		t->pool_size--;
		if (lb_likely(co->stack_size == size)) {
			t->pool_hits++;
			break;
		}
		lb_co_free(co); /* made before lb_co_set_stack_size() */
	}
	if (!co)
		co = lb_co_alloc(size);

	co->entry = entry;
	co->arg = arg;
	co->caller = NULL;
	co->state = LB_CO_FRESH;
	co->wake_head = co->wake_tail = co->wake_next = NULL;
	co->pool_next = NULL;
	lb_store_relaxed(&co->home, NULL);
	lb_store_relaxed(&co->ctx, NULL);
	lb_store_relaxed(&co->scheduled, NULL);
	return co;
}

/* Abort unless the calling thread may enter @co now. */
static void lb_co_check_entry(struct lb_co_thread *t, struct lb_co *co)
{
	const void *home = lb_load_relaxed(&co->home);
	struct lb_evctx *ctx;

	if (lb_unlikely(home && home != t))
		lb_die("coroutine %p entered from thread %p, but its home thread is %p: coroutines never migrate; use lb_co_wake()",
		       (void *)co, (void *)t, home);
	if (lb_unlikely(co->state == LB_CO_RUNNING))
		lb_die("coroutine %p is already running: entered again before it yielded",
		       (void *)co);
	if (lb_unlikely(co->state == LB_CO_DEAD))
		lb_die("coroutine %p has terminated: entering it is a use after free",
		       (void *)co);
	ctx = lb_load_relaxed(&co->ctx);
	if (lb_unlikely(ctx && ctx != lb_co_thread_evctx()))
		lb_die("coroutine %p entered outside its home event context %p",
		       (void *)co, (void *)ctx);
}

/*
 * Enter @to from @self until it yields or terminates; returns @pending with
 * the coroutines @to woke on its own context prepended (depth first, as
 * QEMU's qemu_aio_coroutine_enter does).
 */
static struct lb_co *lb_co_run(struct lb_co_thread *t, struct lb_co *self,
			       struct lb_co *to, struct lb_co *pending)
{
	struct lb_evctx *cur;
	int action;

	lb_co_check_entry(t, to);
	if (!lb_load_relaxed(&to->home))
		lb_store_relaxed(&to->home, (const void *)t);
	cur = lb_co_thread_evctx();
	if (!lb_load_relaxed(&to->ctx) && cur)
		/*
		 * Release: pairs with the acquire in lb_co_home() and
		 * lb_co_wake().  A waker normally learns of @to through a
		 * publication @to makes later (a wait record), which orders
		 * this store for it anyway.
		 */
		lb_store_release(&to->ctx, cur);
	to->caller = self;
	to->state = LB_CO_RUNNING;

	action = lb_co_switch(self, to, LB_CO_ENTER);

	if (to->wake_head) {
		to->wake_tail->wake_next = pending;
		pending = to->wake_head;
		to->wake_head = to->wake_tail = NULL;
	}
	if (action == LB_CO_TERMINATE)
		lb_co_pool_put(t, to);
	return pending;
}

void lb_co_enter(struct lb_co *co)
{
	struct lb_co_thread *t = &lb_co_thread;
	struct lb_co *self = t->current ? t->current : &t->leader;
	const char *by = lb_load_relaxed(&co->scheduled);
	struct lb_co *pending;

	if (lb_unlikely(by))
		lb_die("coroutine %p is scheduled (by %s) and was entered or woken again: once per yield only",
		       (void *)co, by);
	pending = lb_co_run(t, self, co, NULL);
	while ((co = pending)) {
		pending = co->wake_next;
		co->wake_next = NULL;
		/*
		 * Claimed by lb_co_wake() on this thread; clear the claim so
		 * that it can be woken again once it yields.
		 */
		by = __atomic_exchange_n(&co->scheduled, NULL,
					 __ATOMIC_RELAXED);
		lb_bug_on(!by);
		pending = lb_co_run(t, self, co, pending);
	}
}

void lb_co_yield(void)
{
	struct lb_co *self = lb_co_thread.current;
	struct lb_co *to;

	if (lb_unlikely(!self))
		lb_die("lb_co_yield called outside a coroutine");
	to = self->caller;
	self->caller = NULL;
	self->state = LB_CO_SUSPENDED;
	lb_co_switch(self, to, LB_CO_YIELD);
}

struct lb_co *lb_co_self(void)
{
	return lb_co_thread.current;
}

bool lb_in_coroutine(void)
{
	return lb_co_thread.current != NULL;
}

struct lb_evctx *lb_co_home(struct lb_co *co)
{
	/* Pairs with the release store in lb_co_run(). */
	return lb_load_acquire(&co->ctx);
}

void lb_co_delete(struct lb_co *co)
{
	const char *by = lb_load_relaxed(&co->scheduled);

	if (by)
		lb_die("lb_co_delete: coroutine %p is scheduled by %s",
		       (void *)co, by);
	switch (co->state) {
	case LB_CO_FRESH:
		/* Its stack holds only the trampoline: reusable. */
		lb_co_pool_put(&lb_co_thread, co);
		break;
	case LB_CO_SUSPENDED:
		/* Live frames we cannot unwind: throw the stack away. */
		co->state = LB_CO_DEAD;
		lb_co_free(co);
		break;
	default:
		lb_die("lb_co_delete: coroutine %p is %s", (void *)co,
		       co->state == LB_CO_RUNNING ? "running" : "terminated");
	}
}

void lb_co_pool_flush(void)
{
	lb_co_pool_drain(&lb_co_thread);
}

void lb_co_get_stats(struct lb_co_stats *st)
{
	struct lb_co_thread *t = &lb_co_thread;

	st->stacks_mapped = lb_load_relaxed(&lb_co_stacks_mapped);
	st->stacks_unmapped = lb_load_relaxed(&lb_co_stacks_unmapped);
	st->created = t->created;
	st->pool_hits = t->pool_hits;
	st->pool_size = t->pool_size;
}
