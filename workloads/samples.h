/* SPDX-License-Identifier: MIT */
/*
 * samples.h - latency samples of one worker, and percentiles over many.
 *
 * A fixed buffer per worker (written by that worker only, in the measured
 * window).  When it is full, every other sample is dropped and from then on
 * only every 2nd (4th, ...) is kept: the buffer stays an evenly spread
 * subsample of the whole window, in bounded memory.  Percentiles come from
 * sorting the merged samples: simple and exact for what was kept.  (A later
 * issue replaces this with histograms.)
 */
#ifndef LB_WORKLOADS_SAMPLES_H
#define LB_WORKLOADS_SAMPLES_H

#include <stdint.h>
#include <stdlib.h>

#include "runtime/compiler.h"
#include "workloads/workload.h"

#define LB_SAMPLES_CAP 65536u

struct lb_samples {
	uint64_t *v; /* cap entries */
	uint32_t n, cap;
	uint64_t stride, seen; /* keep one in stride; samples offered */
} lb_cacheline_aligned;

static inline struct lb_samples *lb_samples_new(unsigned int nworkers)
{
	struct lb_samples *s =
		lb_xaligned_zalloc(LB_PAD_SIZE, nworkers * sizeof(*s));
	unsigned int i;

	for (i = 0; i < nworkers; i++) {
		s[i].cap = LB_SAMPLES_CAP;
		s[i].v = lb_xzalloc(s[i].cap * sizeof(*s[i].v));
		s[i].stride = 1;
	}
	return s;
}

static inline void lb_samples_add(struct lb_samples *s, uint64_t ns)
{
	uint32_t i;

	if (s->seen++ % s->stride)
		return;
	if (s->n == s->cap) {
		for (i = 0; i < s->cap / 2; i++)
			s->v[i] = s->v[2 * i];
		s->n = s->cap / 2;
		s->stride *= 2;
	}
	s->v[s->n++] = ns;
}

static int lb_samples_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile @p (0..100) of sorted @v[n]. */
static inline uint64_t lb_samples_pct(const uint64_t *v, size_t n, double p)
{
	size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);

	return v[rank ? (rank > n ? n - 1 : rank - 1) : 0];
}

/*
 * Merge, sort and summarize into @fig, then free.  Workers that kept fewer
 * samples (a stride of 1 while others thinned) weigh a little more; fine
 * for percentiles of a steady state.
 */
static inline void lb_samples_finish(struct lb_samples *s, unsigned int nw,
				     struct lb_wl_figures *fig)
{
	size_t total = 0, k = 0;
	unsigned int i;
	uint64_t *all;

	for (i = 0; i < nw; i++)
		total += s[i].n;
	fig->lat_n = total;
	if (total) {
		all = lb_xzalloc(total * sizeof(*all));
		for (i = 0; i < nw; i++)
			for (uint32_t j = 0; j < s[i].n; j++)
				all[k++] = s[i].v[j];
		qsort(all, total, sizeof(*all), lb_samples_cmp);
		fig->lat_p50 = lb_samples_pct(all, total, 50);
		fig->lat_p90 = lb_samples_pct(all, total, 90);
		fig->lat_p99 = lb_samples_pct(all, total, 99);
		fig->lat_max = all[total - 1];
		free(all);
	}
	for (i = 0; i < nw; i++)
		free(s[i].v);
	free(s);
}

#endif /* LB_WORKLOADS_SAMPLES_H */
