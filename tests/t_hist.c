/* SPDX-License-Identifier: MIT */
/*
 * t_hist.c - the latency histogram against exact percentiles of known
 * data, and merging.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/hist.h"
#include "runtime/compiler.h"
#include "tests/tap.h"

#define N 200000

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Exact order statistic with the same rank rule as the histogram. */
static uint64_t exact(const uint64_t *sorted, size_t n, double p)
{
	size_t rank = (size_t)ceil(p / 100.0 * (double)n);

	return sorted[(rank ? rank : 1) - 1];
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int main(void)
{
	static const double ps[] = { 1, 10, 50, 90, 99, 99.9, 99.99 };
	struct lb_hist *h = lb_xzalloc(sizeof(*h));
	struct lb_hist *a = lb_xzalloc(sizeof(*a)), *b = lb_xzalloc(sizeof(*b));
	uint64_t *v = lb_xzalloc(N * sizeof(*v)), seed = 88172645463325252ull;
	double worst = 0;
	unsigned int i, k;
	bool buckets_ok = true, same = true;

	tap_plan(8);
	/* Log-uniform values from 1 ns to about 17 s: every bucket width. */
	lb_hist_init(h);
	for (i = 0; i < N; i++) {
		v[i] = (uint64_t)exp((double)(xorshift(&seed) % 1000000) /
				     1000000.0 * log(1.7e10));
		lb_hist_add(h, v[i]);
	}
	qsort(v, N, sizeof(*v), cmp_u64);
	for (k = 0; k < LB_ARRAY_SIZE(ps); k++) {
		double e = (double)exact(v, N, ps[k]);
		double got = (double)lb_hist_percentile(h, ps[k]);
		double err = fabs(got - e) / e;

		worst = err > worst ? err : worst;
	}
	tap_ok(worst <= 0.01, "percentiles within 1%% of exact (worst %.3f%%)",
	       worst * 100);
	tap_ok(lb_hist_percentile(h, 0) == v[0] &&
		       lb_hist_percentile(h, 100) == v[N - 1] && h->count == N,
	       "min, max and count exact");
	/* Every value lands in a bucket whose range contains it. */
	for (i = 0; i < N && buckets_ok; i++) {
		unsigned int j = lb_hist_index(v[i]);

		buckets_ok = lb_hist_bucket_low(j) <= v[i] &&
			     (j + 1 == LB_HIST_BUCKETS ||
			      v[i] < lb_hist_bucket_low(j + 1));
	}
	tap_ok(buckets_ok, "bucket ranges contain their values, in order");
	/* Small values are exact. */
	lb_hist_init(a);
	for (i = 1; i <= 100; i++)
		lb_hist_add(a, i);
	tap_ok(lb_hist_percentile(a, 50) == 50 &&
		       lb_hist_percentile(a, 99) == 99,
	       "values below 128 are exact (p50 %llu, p99 %llu)",
	       (unsigned long long)lb_hist_percentile(a, 50),
	       (unsigned long long)lb_hist_percentile(a, 99));
	/* Merging halves gives the same histogram as adding all. */
	lb_hist_init(a);
	lb_hist_init(b);
	for (i = 0; i < N; i++)
		lb_hist_add(i % 2 ? a : b, v[i]);
	lb_hist_merge(a, b);
	for (k = 0; k < LB_ARRAY_SIZE(ps); k++)
		same = same && lb_hist_percentile(a, ps[k]) ==
				       lb_hist_percentile(h, ps[k]);
	tap_ok(same && a->count == h->count && a->min == h->min &&
		       a->max == h->max &&
		       !memcmp(a->buckets, h->buckets, sizeof(h->buckets)),
	       "merge of two halves equals the whole");
	lb_hist_init(a);
	tap_ok(lb_hist_percentile(a, 50) == 0, "empty histogram: 0");
	lb_hist_add(a, ~0ull);
	tap_ok(lb_hist_index(~0ull) == LB_HIST_BUCKETS - 1 && a->max == ~0ull,
	       "huge values clamp to the last bucket, max exact");
	{
		json_t *j = lb_hist_json(h);

		tap_ok(j &&
			       json_integer_value(
				       json_object_get(j, "count")) == N &&
			       json_array_size(json_object_get(j, "buckets")) >
				       100,
		       "JSON form carries count and sparse buckets");
		json_decref(j);
	}
	free(v);
	free(h);
	free(a);
	free(b);
	return tap_done();
}
