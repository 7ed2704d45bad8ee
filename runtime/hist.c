/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "runtime/hist.h"

void lb_hist_init(struct lb_hist *h)
{
	memset(h, 0, sizeof(*h));
}

uint64_t lb_hist_bucket_low(unsigned int i)
{
	unsigned int shift;

	if (i < LB_HIST_SUB)
		return i;
	shift = (i - LB_HIST_SUB) / LB_HIST_SUB;
	return (uint64_t)(LB_HIST_SUB + (i - LB_HIST_SUB) % LB_HIST_SUB)
	       << shift;
}

static uint64_t bucket_mid(unsigned int i)
{
	uint64_t low = lb_hist_bucket_low(i);
	uint64_t width =
		i < LB_HIST_SUB ? 1 : 1ull << ((i - LB_HIST_SUB) / LB_HIST_SUB);

	return low + (width - 1) / 2;
}

void lb_hist_merge(struct lb_hist *dst, const struct lb_hist *src)
{
	unsigned int i;

	if (!src->count)
		return;
	if (!dst->count || src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->count += src->count;
	dst->sum += src->sum;
	for (i = 0; i < LB_HIST_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
}

uint64_t lb_hist_percentile(const struct lb_hist *h, double p)
{
	uint64_t rank, seen = 0, v;
	unsigned int i;

	if (!h->count)
		return 0;
	if (p <= 0)
		return h->min;
	if (p >= 100)
		return h->max;
	rank = (uint64_t)ceil(p / 100.0 * (double)h->count);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < LB_HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank)
			break;
	}
	v = bucket_mid(i < LB_HIST_BUCKETS ? i : LB_HIST_BUCKETS - 1);
	return v < h->min ? h->min : v > h->max ? h->max : v;
}

json_t *lb_hist_json(const struct lb_hist *h)
{
	json_t *b = json_array();
	unsigned int i;

	for (i = 0; i < LB_HIST_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		json_array_append_new(
			b,
			json_pack("[I, I]", (json_int_t)lb_hist_bucket_low(i),
				  (json_int_t)h->buckets[i]));
	}
	return json_pack("{s:I, s:I, s:I, s:f, s:I, s:I, s:I, s:I, s:o}",
			 "count", (json_int_t)h->count, "min",
			 (json_int_t)h->min, "max", (json_int_t)h->max, "mean",
			 h->count ? h->sum / (double)h->count : 0.0, "p50",
			 (json_int_t)lb_hist_percentile(h, 50), "p90",
			 (json_int_t)lb_hist_percentile(h, 90), "p99",
			 (json_int_t)lb_hist_percentile(h, 99), "p999",
			 (json_int_t)lb_hist_percentile(h, 99.9), "buckets", b);
}
