/* SPDX-License-Identifier: MIT */
/*
 * qspinlock.h - a Linux-style queued spinlock: a 32-bit lock word (locked
 * byte, pending byte, MCS queue tail) with an MCS queue of waiters behind
 * it.  Our own code, following the design of the kernel's
 * kernel/locking/qspinlock.c and include/asm-generic/qspinlock*.h
 * (Waiman Long and Peter Zijlstra, Linux 4.2+), native (non-paravirt)
 * path, in its NR_CPUS < 16K layout.
 *
 * The lock word, as the kernel writes it: (tail, pending, locked)
 *
 *   bits  0- 7  locked byte: 1 while somebody owns the lock
 *   bits  8-15  pending byte: 1 while the single "pending" waiter, the
 *               first contender, spins on the locked byte
 *   bits 16-17  tail nesting index (always 0 here; see below)
 *   bits 18-31  tail id: 1 + the index of the last queued node in the
 *               lock's node table; 0 when nobody is queued
 *
 * Protocol, as numbered cases (kernel notation: tail,pending,locked):
 *   1. 0,0,0 -> 0,0,1   fast path: one acquire cmpxchg of the whole word.
 *   2. 0,0,1 -> 0,1,1   first contender: sets pending (an acquire RMW that
 *                       must return no tail and no pending), spins on the
 *                       locked byte, then 0,1,0 -> 0,0,1 with one 16-bit
 *                       store.  No queue node is touched: two contenders
 *                       cost no more than a test-and-set lock.
 *   3. anything else    the MCS queue: exchange the tail (16-bit), link
 *                       behind the previous tail's node and spin on our own
 *                       node until it passes us the MCS lock; as the queue
 *                       head, spin on the word until locked and pending are
 *                       both 0, then take the lock: n,0,0 -> 0,0,1 by cmpxchg
 *                       if we are the only node (the queue empties), else
 *                       *,*,0 -> *,*,1 with a byte store, and pass the MCS
 *                       lock to our successor.
 *   4. unlock           a release store of 0 into the locked byte.
 * A contender that sees a pending-to-locked hand-over in flight (0,1,0)
 * waits for it a bounded number of loops (QSPIN_PENDING_LOOPS, as x86)
 * before deciding.  One that sets pending but finds a tail or another
 * pending bit undoes its pending bit (if it set it) and queues.
 *
 * Policy
 *   fairness:  not claimed (no LB_FAIR, no queued() probe), although the
 *              native algorithm does not let anyone overtake once admitted:
 *              a thread's place is fixed by the RMW that admits it (the
 *              pending RMW, which only succeeds while nobody is queued, or
 *              the tail exchange), and the fast path needs the whole word
 *              to be 0.  What it lacks is a truthful probe: the holder's
 *              node is not in the queue if it came by the fast or pending
 *              path, the MCS chain can only be walked forward from a head
 *              that the word does not name, and the pending bit is also
 *              flashed briefly by threads on their way to the queue, so
 *              "pending + queue length" would sometimes count a thread
 *              whose place is not fixed yet.
 *   sleeps:    never.  The pending waiter and the queue head spin on the
 *              lock word; everyone else spins on its own node.  With more
 *              threads than CPUs a preempted queue member stalls the queue
 *              behind it (the kernel only runs this with preemption off;
 *              its paravirt variant exists for exactly this problem).
 *   counted:   lb_futex_stats spins and spin_iters: the slow path of one
 *              acquisition is one spin phase, its turns the pauses of all
 *              its loops (the pending -> locked hand-over wait, the pending
 *              waiter's wait, the queued wait on our node, the head's wait
 *              on the word, the new owner's wait for its successor's link).
 *              A slow path that paused nowhere (the word came free) is not
 *              counted.  Never sleeps: no waits, wakes or spin_then_slept.
 *   ordering:  acquire: the fast-path cmpxchg, the pending RMW and the
 *              load that completes it (when they find the lock free), the
 *              pending waiter's load of the locked byte, the queue head's
 *              load of the word: each reads the 0 written by the previous
 *              owner's release store (4) and so acquires its critical
 *              section.  The queue head's claim (cmpxchg or byte store) and
 *              the pending waiter's 16-bit store are relaxed: ownership was
 *              already acquired by that load, and nobody else can set the
 *              locked byte meanwhile.  Queue: our node initialisation
 *              (->locked = 0, ->next = NULL) and its table entry are
 *              published by the release half of the tail exchange and of
 *              the store to prev->next; the acquire half of the exchange
 *              makes prev's initialisation visible before we write
 *              prev->next; the predecessor's acquire load of ->next makes
 *              our initialisation visible before it writes our ->locked;
 *              that MCS hand-off is a release store paired with our acquire
 *              spin.  (The kernel uses a relaxed exchange plus smp_wmb()
 *              and an address dependency, and relies on x86-TSO for the
 *              load after LOCK BTS; C11 and ThreadSanitizer need the
 *              acquire/release spelled out, free on x86.)
 *   atomics:   like the kernel, mixed-size atomics on one word: byte,
 *              16-bit and 32-bit accesses to overlapping bytes.  x86-64 and
 *              arm64 keep them coherent; the C11 model does not describe
 *              them (see Flur et al., "Mixed-size concurrency", POPL 2017).
 *              The byte-store unlock is the reason: it costs a plain store,
 *              not an RMW.
 *   source:    kernel/locking/qspinlock.c, qspinlock_types.h and
 *              mcs_spinlock.h (Linux 4.2+); arch/x86/include/asm/qspinlock.h
 *              (_Q_PENDING_LOOPS, the bts-based pending RMW);
 *              Mellor-Crummey & Scott, ACM TOCS 1991 (the MCS queue).
 *
 * Tail encoding: the kernel encodes (cpu + 1, nesting index) and finds the
 * node in a per-CPU array of 4 (task, softirq, hardirq, NMI).  We have
 * threads, and the harness gives each thread one node per lock, so the
 * lock keeps a table of node pointers (allocated in init, freed in
 * destroy); a node registers on its first trip through the queue, taking
 * the next id (1-based) with a fetch_add, up to QSPIN_MAX_NODES (the
 * harness's 1024 threads).  The nesting index is always 0: a thread never
 * waits twice for the same lock.  Nodes must live as long as the lock.
 */
#ifndef LB_LOCKS_QSPINLOCK_H
#define LB_LOCKS_QSPINLOCK_H

#include <stdint.h>
#include <stdlib.h>

#include "locks/lock.h"
#include "runtime/atomics.h"
#include "runtime/futex.h"

#define QSPIN_LOCKED_VAL 1u
#define QSPIN_LOCKED_MASK 0xffu
#define QSPIN_PENDING_VAL (1u << 8)
#define QSPIN_PENDING_MASK (0xffu << 8)
#define QSPIN_LOCKED_PENDING_MASK 0xffffu
#define QSPIN_TAIL_OFFSET 16
#define QSPIN_TAIL_IDX_OFFSET 16
#define QSPIN_TAIL_ID_OFFSET 18
#define QSPIN_TAIL_MASK 0xffff0000u

/* Node table size: the harness's LB_MAX_THREADS; the tail id has 14 bits. */
#define QSPIN_MAX_NODES 1024u
/* Bounded wait for a pending -> locked hand-over (x86's value). */
#define QSPIN_PENDING_LOOPS (1u << 9)

_Static_assert(QSPIN_MAX_NODES < (1u << (32 - QSPIN_TAIL_ID_OFFSET)),
	       "node ids must fit the tail id field");

struct qspin_node {
	/* Successor; written once by it (release), read by us as head. */
	struct qspin_node *next;
	/* MCS hand-off: 0 while waiting, set to 1 by the predecessor. */
	uint32_t locked;
	/* 1-based index in the lock's table, 0 until registered; owner only. */
	uint32_t id;
} lb_cacheline_aligned;

struct qspinlock {
	/* The lock word, viewed whole, as two halves or as bytes. */
	union {
		uint32_t val;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		struct {
			uint8_t locked;
			uint8_t pending;
		};
		struct {
			uint16_t locked_pending;
			uint16_t tail;
		};
#else
		struct {
			uint8_t reserved[2];
			uint8_t pending;
			uint8_t locked;
		};
		struct {
			uint16_t tail;
			uint16_t locked_pending;
		};
#endif
	};
	/* Ids handed out (fetch_add on first queueing of each node). */
	uint32_t nr_nodes;
	/* id - 1 -> node; each entry written once before its id is used. */
	struct qspin_node **nodes;
} lb_cacheline_aligned;

static inline int qspinlock_init(void *lock, const struct lb_lock_cfg *cfg)
{
	struct qspinlock *l = lock;

	l->val = 0;
	l->nr_nodes = 0;
	l->nodes = lb_xzalloc(QSPIN_MAX_NODES * sizeof(*l->nodes));
	return 0;
}

static inline void qspinlock_destroy(void *lock)
{
	struct qspinlock *l = lock;

	lb_bug_on(lb_load_relaxed(&l->val) != 0);
	free(l->nodes);
	l->nodes = NULL;
}

static inline uint32_t qspin_encode_tail(uint32_t id)
{
	/* Nesting index 0, see the header comment. */
	return id << QSPIN_TAIL_ID_OFFSET | 0u << QSPIN_TAIL_IDX_OFFSET;
}

static inline struct qspin_node *qspin_decode_tail(struct qspinlock *l,
						   uint32_t tail)
{
	uint32_t id = tail >> QSPIN_TAIL_ID_OFFSET;

	/* Written before the owner's tail exchange, which we acquired. */
	return lb_load_relaxed(&l->nodes[id - 1]);
}

/* First trip through the queue: give @n an id.  Cold. */
static lb_noinline lb_unused uint32_t qspin_node_register(struct qspinlock *l,
							  struct qspin_node *n)
{
	uint32_t id = lb_fetch_add_relaxed(&l->nr_nodes, 1) + 1;

	if (id > QSPIN_MAX_NODES)
		lb_die("qspinlock: more than %u threads queued on one lock",
		       QSPIN_MAX_NODES);
	/* Published by the release half of our tail exchange. */
	lb_store_relaxed(&l->nodes[id - 1], n);
	n->id = id;
	return id;
}

static inline bool qspin_trylock_word(struct qspinlock *l)
{
	uint32_t val = lb_load_relaxed(&l->val);

	/* Pairs with the release store in qspinlock_unlock(). */
	return !val &&
	       __atomic_compare_exchange_n(&l->val, &val, QSPIN_LOCKED_VAL,
					   false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

/*
 * Set the pending bit and return the word as it was, the kernel's x86 way:
 * the old pending bit comes from the RMW (compiles to LOCK BTS), the other
 * bits from a load just after.  Only the pending bit has to be atomic with
 * the set; the rest only steers us (see qspinlock_lock_slow()).  That load
 * must be an acquire (a plain MOV on x86, where the kernel's atomic_read()
 * is one by TSO): if it is the one that sees the locked byte 0, we take the
 * lock without waiting, and it alone pairs with the owner's release store.
 */
static inline uint32_t qspin_fetch_set_pending_acquire(struct qspinlock *l)
{
	uint32_t val = __atomic_fetch_or(&l->val, QSPIN_PENDING_VAL,
					 __ATOMIC_ACQUIRE) &
		       QSPIN_PENDING_VAL;

	return val | (lb_load_acquire(&l->val) & ~QSPIN_PENDING_MASK);
}

static lb_noinline lb_unused void
qspinlock_lock_slow(struct qspinlock *l, struct qspin_node *node, uint32_t val)
{
	struct qspin_node *prev, *next;
	uint32_t old, tail, id, loops;
	/* Pause turns of this acquisition, all loops: lb_spin_account(). */
	uint64_t turns = 0;

	/* A pending -> locked hand-over in flight: 0,1,0 -> 0,0,1. */
	for (loops = QSPIN_PENDING_LOOPS; val == QSPIN_PENDING_VAL && loops;
	     loops--) {
		lb_cpu_relax();
		turns++;
		val = lb_load_relaxed(&l->val);
	}
	/* Somebody pending or queued already: queue. */
	if (val & ~QSPIN_LOCKED_MASK)
		goto queue;

	/* Case 2, trylock || pending: 0,0,* -> 0,1,*. */
	val = qspin_fetch_set_pending_acquire(l);
	if (lb_unlikely(val & ~QSPIN_LOCKED_MASK)) {
		/*
		 * A concurrent locker got there first.  Undo our pending bit
		 * if we set it (it is ours alone, a byte store suffices): a
		 * queue head may be waiting for it to clear.
		 */
		if (!(val & QSPIN_PENDING_MASK))
			lb_store_relaxed(&l->pending, 0);
		goto queue;
	}
	/*
	 * We are pending: wait for the owner to go.  0,1,1 -> *,1,0.
	 * Acquire pairs with the release store in qspinlock_unlock().
	 */
	if (val & QSPIN_LOCKED_MASK)
		while (lb_load_acquire(&l->locked)) {
			lb_cpu_relax();
			turns++;
		}
	/*
	 * Take the lock, clear pending: 0,1,0 -> 0,0,1.  Nobody else writes
	 * these two bytes now: the fast path needs a 0 word, a queue head
	 * waits for pending to clear.  The tail half may change under us.
	 */
	lb_store_relaxed(&l->locked_pending, (uint16_t)QSPIN_LOCKED_VAL);
	lb_spin_account(turns, false);
	return;

queue:
	/* Case 3, the MCS queue. */
	id = node->id;
	if (lb_unlikely(!id))
		id = qspin_node_register(l, node);
	tail = qspin_encode_tail(id);
	lb_store_relaxed(&node->locked, 0);
	lb_store_relaxed(&node->next, NULL);
	/* The node line was maybe cold; the lock may have come free. */
	if (qspin_trylock_word(l)) {
		lb_spin_account(turns, false);
		return;
	}
	/*
	 * Publish our tail: p,*,* -> n,*,*.  Release: our node and its table
	 * entry.  Acquire: prev's node and table entry.
	 */
	old = (uint32_t)lb_xchg_acq_rel(&l->tail,
					(uint16_t)(tail >> QSPIN_TAIL_OFFSET))
	      << QSPIN_TAIL_OFFSET;
	next = NULL;
	if (old & QSPIN_TAIL_MASK) {
		prev = qspin_decode_tail(l, old);
		/* Link in; pairs with the acquire loads of ->next below. */
		lb_store_release(&prev->next, node);
		/* Wait to be the head; pairs with the MCS hand-off below. */
		while (!lb_load_acquire(&node->locked)) {
			lb_cpu_relax();
			turns++;
		}
		/* Our successor may have linked itself meanwhile. */
		next = lb_load_acquire(&node->next);
	}
	/*
	 * We are the head: wait for the owner and the pending waiter to go,
	 * *,x,y -> *,0,0.  Acquire pairs with the release store of the
	 * owner's unlock.
	 */
	while ((val = lb_load_acquire(&l->val)) & QSPIN_LOCKED_PENDING_MASK) {
		lb_cpu_relax();
		turns++;
	}
	/*
	 * Claim.  Alone in the queue (the tail is ours): n,0,0 -> 0,0,1,
	 * emptying the queue.  A concurrent pending bit or a new tail makes
	 * this fail, and then that thread queues behind us.
	 */
	if ((val & QSPIN_TAIL_MASK) == tail &&
	    __atomic_compare_exchange_n(&l->val, &val, QSPIN_LOCKED_VAL, false,
					__ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
		lb_spin_account(turns, false);
		return;
	}
	/* *,*,0 -> *,*,1: only the queue head may set the locked byte now. */
	lb_store_relaxed(&l->locked, (uint8_t)QSPIN_LOCKED_VAL);
	/* Somebody is (or is about to be) queued behind us: wait for it. */
	while (!next)
		if (!(next = lb_load_acquire(&node->next))) {
			lb_cpu_relax();
			turns++;
		}
	/* Pass the MCS lock.  Release pairs with its acquire spin. */
	lb_store_release(&next->locked, 1);
	lb_spin_account(turns, false);
}

static inline void qspinlock_lock(void *lock, void *node)
{
	struct qspinlock *l = lock;
	uint32_t val = 0;

	/* Case 1: 0,0,0 -> 0,0,1; pairs with qspinlock_unlock(). */
	if (lb_likely(__atomic_compare_exchange_n(
		    &l->val, &val, QSPIN_LOCKED_VAL, false, __ATOMIC_ACQUIRE,
		    __ATOMIC_RELAXED)))
		return;
	qspinlock_lock_slow(l, node, val);
}

static inline bool qspinlock_trylock(void *lock, void *node)
{
	return qspin_trylock_word(lock);
}

static inline void qspinlock_unlock(void *lock, void *node)
{
	struct qspinlock *l = lock;

	/* Case 4.  Release: publishes our section to the next acquirer. */
	lb_store_release(&l->locked, 0);
}

#define qspinlock_DESC                                                       \
	.name = "qspinlock",                                                 \
	.summary = "Linux-style queued spinlock: 32-bit word, pending bit, " \
		   "MCS queue behind",                                       \
	.source = "Linux kernel/locking/qspinlock.c; MCS 1991",              \
	.flags = LB_SPINS, .lock_size = sizeof(struct qspinlock),            \
	.node_size = sizeof(struct qspin_node), .trylock = qspinlock_trylock

#endif /* LB_LOCKS_QSPINLOCK_H */
