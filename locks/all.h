/* SPDX-License-Identifier: MIT */
/*
 * all.h - every sync method with inline operations, in registry order.
 *
 * Adding a method: write locks/<id>.h (policy block, static inline
 * <id>_init/_destroy/_lock/_unlock and <id>_DESC), include it here and add
 * X(<id>) to LB_FOR_EACH_LOCK.  The registry and every workload's measured
 * loop are generated from this list.
 */
#ifndef LB_LOCKS_ALL_H
#define LB_LOCKS_ALL_H

#include "locks/clh.h"
#include "locks/comutex.h"
#include "locks/futex_mutex.h"
#include "locks/futex_pi.h"
#include "locks/mcs_futex.h"
#include "locks/mcs_spin.h"
#include "locks/pspin.h"
#include "locks/pthread_mutex.h"
#include "locks/qspinlock.h"
#include "locks/ticket.h"
#include "locks/ttas.h"

#define LB_FOR_EACH_LOCK(X) \
	X(pmutex)           \
	X(pmutex_adaptive)  \
	X(mcs_futex)        \
	X(futex_mutex)      \
	X(ticket)           \
	X(comutex)          \
	X(ttas)             \
	X(mcs_spin)         \
	X(clh)              \
	X(pspin)            \
	X(futex_pi)         \
	X(qspinlock)

#endif /* LB_LOCKS_ALL_H */
