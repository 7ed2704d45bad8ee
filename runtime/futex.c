/* SPDX-License-Identifier: MIT */
#include "runtime/futex.h"

__thread struct lb_futex_stats lb_futex_stats;

#if defined(__SANITIZE_THREAD__)
#include "runtime/atomics.h"

__thread unsigned int lb_fence_dummy;
#endif
