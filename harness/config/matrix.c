/* SPDX-License-Identifier: MIT */
/*
 * matrix.c - a knob set expanded into configurations (see matrix.h):
 * every combination of the values of its list knobs, nested in the order
 * of the table's dim (workload outermost, threads innermost), each
 * combination a group of its methods.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/config/matrix.h"
#include "runtime/compiler.h"

#define MAX_DIMS 16u

/* The dimensions of one workload: knob, its values, how many. */
struct dims {
	const struct lb_knob *k[MAX_DIMS];
	const struct lb_config *v[MAX_DIMS];
	unsigned int n[MAX_DIMS], nd;
	struct lb_config threads[16]; /* "auto" */
	struct lb_config locks[2]; /* bql's default: 1 and its objects */
};

/* Default thread counts: 1, 2, 4, ... up to the number of PUs, and it. */
static unsigned int auto_threads(const struct lb_topo *topo,
				 struct lb_config *out)
{
	struct lb_topo_summary sum;
	unsigned int t, n = 0;

	lb_topo_summary(topo, &sum);
	for (t = 1; t < sum.pus && n < 15; t *= 2)
		out[n++].nthreads = t;
	out[n++].nthreads = sum.pus ? sum.pus : 1;
	return n;
}

/* The values of list knob @k for workload @wl into dimension @d->nd. */
static void add_dim(const struct lb_knob_set *s, const struct lb_knob *k,
		    const struct lb_workload *wl, const struct lb_topo *topo,
		    struct dims *d)
{
	unsigned int ki = lb_knob_index(k), j = d->nd++;
	unsigned int oi = lb_knob_index(lb_knob_find("objects", false));
	unsigned int objects = s->n[oi] ? s->vals[0].nobjects : LB_BQL_OBJECTS;

	d->k[j] = k;
	d->v[j] = s->vals;
	d->n[j] = s->n[ki];
	if (!lb_knob_honoured(k, wl) || !s->n[ki]) {
		d->v[j] = &s->base;
		d->n[j] = 1;
	}
	if (k->type == LB_KT_NUMLIST && (k->flags & LB_KF_AUTO) && !s->n[ki]) {
		d->v[j] = d->threads;
		d->n[j] = auto_threads(topo, d->threads);
	} else if (!strcmp(k->key, "locks") && wl->uses_objects && !s->n[ki]) {
		d->locks[0].nlocks = 1;
		d->locks[1].nlocks = objects;
		d->v[j] = d->locks;
		d->n[j] = objects > 1 ? 2 : 1;
	}
}

/* Dimensions by the table's dim; with @threads_first, threads outermost. */
static void dims_for(const struct lb_knob_set *s, const struct lb_workload *wl,
		     const struct lb_topo *topo, bool threads_first,
		     struct dims *d)
{
	const struct lb_knob *threads = lb_knob_find("threads", false);
	unsigned int rank, i;

	d->nd = 0;
	if (threads_first)
		add_dim(s, threads, wl, topo, d);
	/* rank 1 is the workload: one at a time, by the caller */
	for (rank = 2; rank < 32; rank++)
		for (i = 0; i < lb_nknobs; i++)
			if (lb_knobs[i].dim == rank &&
			    !(threads_first && &lb_knobs[i] == threads))
				add_dim(s, &lb_knobs[i], wl, topo, d);
}

/* Configurations in @d's combinations of @wl. */
static uint64_t count(const struct dims *d, unsigned int nmethods)
{
	uint64_t n = nmethods;
	unsigned int j;

	for (j = 0; j < d->nd; j++)
		n *= d->n[j];
	return n;
}

static void add_group(struct lb_matrix *m, const struct lb_config *tmpl,
		      const struct lb_lock_ops *const *methods, unsigned int nm)
{
	/* A method without exclusion runs alone only. */
	bool alone = tmpl->nthreads == 1 && tmpl->coroutines <= 1;
	unsigned int i, added = 0;

	for (i = 0; i < nm; i++) {
		struct lb_config *c;

		if (!alone && (methods[i]->flags & LB_NO_EXCLUSION))
			continue;
		if (m->ncfgs == m->cap) {
			m->cap = m->cap ? 2 * m->cap : 64;
			m->cfgs = realloc(m->cfgs, m->cap * sizeof(*m->cfgs));
			if (!m->cfgs)
				lb_xmalloc_fail(m->cap * sizeof(*m->cfgs));
		}
		c = &m->cfgs[m->ncfgs++];
		*c = *tmpl;
		c->ops = methods[i];
		if (!c->coroutines && (methods[i]->flags & LB_NEEDS_COROUTINE))
			c->coroutines = 1;
		c->group = m->ngroups;
		added++;
	}
	m->ngroups += added > 0;
}

/* Every combination of @d for workload base @wb. */
static void expand(struct lb_matrix *m, const struct lb_config *wb,
		   const struct dims *d, const struct lb_lock_ops *const *ops,
		   unsigned int nm)
{
	unsigned int idx[MAX_DIMS] = { 0 }, j;

	for (;;) {
		struct lb_config c = *wb;

		for (j = 0; j < d->nd; j++)
			lb_knob_copy(d->k[j], &c, &d->v[j][idx[j]]);
		lb_config_objects(&c);
		c.wl_opts.cs_ns = c.cs_ns; /* sleeping offload work */
		add_group(m, &c, ops, nm);
		for (j = d->nd; j > 0; j--) {
			if (++idx[j - 1] < d->n[j - 1])
				break;
			idx[j - 1] = 0;
		}
		if (!j)
			return;
	}
}

/* @s's values of every knob but the dimensions, for workload @wl. */
static void workload_base(const struct lb_knob_set *s,
			  const struct lb_workload *wl, struct lb_config *wb)
{
	unsigned int i;

	*wb = s->base;
	for (i = 0; i < lb_nknobs; i++) {
		const struct lb_knob *k = &lb_knobs[i];

		if (s->n[i] && k->size && k->type != LB_KT_METHODS &&
		    lb_knob_honoured(k, wl))
			lb_knob_copy(k, wb, &s->vals[0]);
	}
	wb->workload = wl;
}

int lb_matrix_expand(const struct lb_knob_set *s, const struct lb_topo *topo,
		     bool threads_first, struct lb_matrix *m, char *err,
		     size_t errlen)
{
	const struct lb_knob *wk = lb_knob_find("workload", false);
	const struct lb_lock_ops *ops[LB_KNOB_MAX_VALUES];
	unsigned int nw = s->n[lb_knob_index(wk)], w, nm;
	struct dims *d = lb_xzalloc(sizeof(*d));
	struct lb_config wb;
	uint64_t total = 0;

	memset(m, 0, sizeof(*m));
	for (w = 0; w < (nw ? nw : 1); w++) {
		const struct lb_workload *wl = nw ? s->vals[w].workload :
						    s->base.workload;

		dims_for(s, wl, topo, threads_first, d);
		total += count(d,
			       lb_methods_for(s, wl, ops, LB_ARRAY_SIZE(ops)));
	}
	if (total > LB_MATRIX_MAX_RUNS) {
		snprintf(err, errlen,
			 "the sweep has %llu configurations: more than %u, "
			 "even with --yes",
			 (unsigned long long)total, LB_MATRIX_MAX_RUNS);
		free(d);
		return -1;
	}
	for (w = 0; w < (nw ? nw : 1); w++) {
		workload_base(s, nw ? s->vals[w].workload : s->base.workload,
			      &wb);
		dims_for(s, wb.workload, topo, threads_first, d);
		nm = lb_methods_for(s, wb.workload, ops, LB_ARRAY_SIZE(ops));
		expand(m, &wb, d, ops, nm);
	}
	free(d);
	if (!m->ncfgs) {
		snprintf(err, errlen, "the sweep has no configuration to run");
		return -1;
	}
	return 0;
}

void lb_matrix_free(struct lb_matrix *m)
{
	free(m->cfgs);
	memset(m, 0, sizeof(*m));
}
