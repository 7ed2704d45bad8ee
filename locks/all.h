/* SPDX-License-Identifier: MIT */
/*
 * all.h - every sync method with inline operations, in registry order.
 *
 * Adding a method: write locks/<id>.h (policy block, static inline
 * <id>_init/_destroy/_lock/_unlock and <id>_DESC), include it here and add
 * X(<id>) to LB_FOR_EACH_LOCK.  The registry and every workload's measured
 * loop are generated from this list.
 *
 * A reader/writer method (LB_RW) also provides static inline
 * <id>_rdlock/_rdunlock, puts LB_RW_OPS(<id>) in its <id>_DESC, and is
 * listed a second time in LB_FOR_EACH_RW_LOCK, from which the loops of the
 * reader/writer workloads (rwmix) are generated.
 */
#ifndef LB_LOCKS_ALL_H
#define LB_LOCKS_ALL_H

#include "locks/clh.h"
#include "locks/comutex.h"
#include "locks/corwlock.h"
#include "locks/futex_mutex.h"
#include "locks/futex_pi.h"
#include "locks/mcs_futex.h"
#include "locks/mcs_spin.h"
#include "locks/none.h"
#include "locks/pspin.h"
#include "locks/pthread_mutex.h"
#include "locks/pthread_rw.h"
#include "locks/qspinlock.h"
#include "locks/rfifolock.h"
#include "locks/ticket.h"
#include "locks/tpool.h"
#include "locks/ttas.h"

#define LB_FOR_EACH_LOCK(X) \
	X(pmutex)           \
	X(pmutex_adaptive)  \
	X(pmutex_recursive) \
	X(mcs_futex)        \
	X(futex_mutex)      \
	X(ticket)           \
	X(comutex)          \
	X(corwlock)         \
	X(prwlock)          \
	X(ttas)             \
	X(mcs_spin)         \
	X(clh)              \
	X(pspin)            \
	X(futex_pi)         \
	X(qspinlock)        \
	X(rfifolock)        \
	X(tpool)            \
	X(none)

#define LB_FOR_EACH_RW_LOCK(X) \
	X(corwlock)            \
	X(prwlock)

/*
 * Methods that delegate the critical section (LB_DELEGATES, an <id>_execute
 * in their <id>_DESC), listed a second time: the counter workload runs
 * their critical section through <id>_execute instead of lock/unlock.
 */
#define LB_FOR_EACH_DELEGATE(X) X(tpool)

#endif /* LB_LOCKS_ALL_H */
