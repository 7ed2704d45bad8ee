/* SPDX-License-Identifier: MIT */
#include "runtime/futex.h"

__thread struct lb_futex_stats lb_futex_stats;
