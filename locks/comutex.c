/* SPDX-License-Identifier: MIT */
#include "locks/comutex.h"

__thread struct comutex_stats comutex_stats;
