/* SPDX-License-Identifier: MIT */
/*
 * hist.h - a log-linear latency histogram (the HdrHistogram idea: Gil
 * Tene, "HdrHistogram: a High Dynamic Range histogram").
 *
 * Values are nanoseconds.  Below 2^LB_HIST_SUB_BITS every value has its own
 * bucket; above, each power of two is split into 2^LB_HIST_SUB_BITS equal
 * buckets, so a bucket is at most 1/128 of its values wide: the value
 * reported for a percentile (the bucket's midpoint) is within 0.4% of any
 * value in it, and within 1% of the exact order statistic.  Values above
 * LB_HIST_MAX_NS (about 18 minutes) land in the last bucket.
 *
 * Histograms of the same shape add up bucket by bucket, so per-thread ones
 * merge into a repetition's, and repetitions into a run's, exactly.
 *
 * Concurrency: none.  One writer (the worker that owns it); readers only
 * after that worker's thread is joined.
 */
#ifndef LB_HARNESS_HIST_H
#define LB_HARNESS_HIST_H

#include <jansson.h>
#include <stdint.h>

#define LB_HIST_SUB_BITS 7
#define LB_HIST_SUB (1u << LB_HIST_SUB_BITS)
#define LB_HIST_MAX_SHIFT 33 /* values up to 2^(33+8) ns */
#define LB_HIST_BUCKETS (LB_HIST_SUB + (LB_HIST_MAX_SHIFT + 1) * LB_HIST_SUB)
#define LB_HIST_MAX_NS \
	((1ull << (LB_HIST_MAX_SHIFT + LB_HIST_SUB_BITS + 1)) - 1)

struct lb_hist {
	uint64_t count;
	uint64_t min, max; /* exact */
	double sum; /* for the mean */
	uint64_t buckets[LB_HIST_BUCKETS];
};

static inline unsigned int lb_hist_index(uint64_t v)
{
	unsigned int shift;

	if (v < LB_HIST_SUB)
		return (unsigned int)v;
	if (v > LB_HIST_MAX_NS)
		v = LB_HIST_MAX_NS;
	/* v has its top bit at 63 - clz; keep the 8 bits from there down. */
	shift = 63 - (unsigned int)__builtin_clzll(v) - LB_HIST_SUB_BITS;
	return LB_HIST_SUB + shift * LB_HIST_SUB + (unsigned int)(v >> shift) -
	       LB_HIST_SUB;
}

/* Record one value.  Constant time: a clz, a shift, an increment. */
static inline void lb_hist_add(struct lb_hist *h, uint64_t v)
{
	h->buckets[lb_hist_index(v)]++;
	if (!h->count || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->count++;
	h->sum += (double)v;
}

void lb_hist_init(struct lb_hist *h);
/* The smallest value that lands in bucket @i. */
uint64_t lb_hist_bucket_low(unsigned int i);
/* Add @src into @dst. */
void lb_hist_merge(struct lb_hist *dst, const struct lb_hist *src);
/*
 * The @p-th percentile (0 <= p <= 100): the midpoint of the bucket holding
 * the value of rank ceil(p/100 * count), clamped to [min, max].  0 when
 * empty.
 */
uint64_t lb_hist_percentile(const struct lb_hist *h, double p);
/*
 * {"count","min","max","mean","p50","p90","p99","p999","buckets":[[low,n],...]}
 * with only the non-empty buckets, so that files stay small and mergeable.
 */
json_t *lb_hist_json(const struct lb_hist *h);

#endif /* LB_HARNESS_HIST_H */
