/* SPDX-License-Identifier: MIT */
/*
 * checks.c - what a knob set means as a whole (see knobs.h): the methods
 * of each workload, the knobs a workload or a method would ignore or
 * could not honour, and how striping settles a configuration's locks and
 * objects.  `run` and `sweep` share every check.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness/config/knobs.h"
#include "runtime/compiler.h"

void lb_config_objects(struct lb_config *c)
{
	unsigned int objects = c->nobjects ? c->nobjects : LB_BQL_OBJECTS;

	c->nlocks = c->nlocks ? c->nlocks : 1;
	if (!c->depth)
		c->depth = 1;
	if (c->workload->uses_objects)
		c->nobjects = objects;
	else if (c->nlocks > 1)
		c->nobjects = c->nlocks;
	else
		c->nobjects = c->depth > 1 ? 1 : 0;
}

int lb_config_check_method(const struct lb_workload *wl,
			   const struct lb_lock_ops *ops, unsigned int depth,
			   bool striped, char *err, size_t errlen)
{
	bool nested = wl->uses_depth && depth > 1;

	if (nested && !(ops->flags & LB_RECURSIVE)) {
		snprintf(err, errlen,
			 "method '%s' is not recursive: depth %u would "
			 "deadlock (recursive methods: see 'lockbench list')",
			 ops->name, depth);
		return -1;
	}
	if ((wl->uses_objects || nested || (wl->uses_locks && striped)) &&
	    !wl->general_loop_for(lb_lock_index(ops))) {
		snprintf(err, errlen,
			 "method '%s' cannot run with locks, objects or depth "
			 "(it delegates whole critical sections)",
			 ops->name);
		return -1;
	}
	return 0;
}

void lb_methods_fitting(const struct lb_workload *wl, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < lb_nlocks; i++) {
		if ((lb_locks[i]->flags & LB_TEST_ONLY) || !wl->loop_for(i))
			continue;
		used += (size_t)snprintf(buf + used,
					 used < len ? len - used : 0, "%s%s",
					 used ? ", " : "", lb_locks[i]->name);
	}
}

unsigned int lb_methods_for(const struct lb_knob_set *s,
			    const struct lb_workload *wl,
			    const struct lb_lock_ops **out, unsigned int max)
{
	unsigned int mi = lb_knob_index(lb_knob_find("methods", false));
	unsigned int i, n = 0;

	if (s->all_methods || (!s->n[mi] && wl->needs)) {
		for (i = 0; i < lb_nlocks && n < max; i++)
			if (!(lb_locks[i]->flags & LB_TEST_ONLY) &&
			    wl->loop_for(i))
				out[n++] = lb_locks[i];
		return n;
	}
	if (!s->n[mi])
		return lb_default_methods(out, max);
	for (i = 0; i < s->n[mi] && n < max; i++)
		out[n++] = s->vals[i].ops;
	return n;
}

/* ------------------------------------------------------------ checks */

/* "--locks" on the command line; "locks" or "locks[1]" in a spec. */
static const char *knob_name(const struct lb_knob_set *s,
			     const struct lb_knob *k, long i, bool cli,
			     char *buf, size_t len)
{
	if (cli)
		snprintf(buf, len, "--%s", k->name);
	else if (i >= 0 && s->listed[lb_knob_index(k)])
		snprintf(buf, len, "%s[%ld]", k->key, i);
	else
		snprintf(buf, len, "%s", k->key);
	return buf;
}

static int __attribute__((format(printf, 4, 5)))
refuse(struct lb_knob_err *e, const char *key, long index, const char *fmt, ...)
{
	va_list ap;

	e->knob = key ? lb_knob_find(key, false) : NULL;
	e->index = index;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* The workloads of @s (the default when none is given). */
static unsigned int workloads(const struct lb_knob_set *s,
			      const struct lb_workload **out)
{
	unsigned int wi = lb_knob_index(lb_knob_find("workload", false));
	unsigned int i;

	if (!s->n[wi]) {
		out[0] = s->base.workload;
		return 1;
	}
	for (i = 0; i < s->n[wi]; i++)
		out[i] = s->vals[i].workload;
	return s->n[wi];
}

/* The largest --locks value (0: none given). */
static unsigned int max_locks(const struct lb_knob_set *s)
{
	unsigned int li = lb_knob_index(lb_knob_find("locks", false));
	unsigned int i, max = 0;

	for (i = 0; i < s->n[li]; i++)
		if (s->vals[i].nlocks > max)
			max = s->vals[i].nlocks;
	return max;
}

/* A knob set to something no workload of @s honours. */
static int check_ignored(const struct lb_knob_set *s, bool cli,
			 struct lb_knob_err *e)
{
	const struct lb_workload *wls[LB_KNOB_MAX_VALUES];
	unsigned int nw = workloads(s, wls), i, w;
	char name[96];

	for (i = 0; i < lb_nknobs; i++) {
		const struct lb_knob *k = &lb_knobs[i];

		if (k->honour == LB_HON_ALL || !lb_knob_set_differs(s, k))
			continue;
		for (w = 0; w < nw && !lb_knob_honoured(k, wls[w]); w++)
			;
		if (w < nw)
			continue;
		if (nw == 1)
			return refuse(e, k->key, -1,
				      "%s: %s (workload '%s' ignores it)",
				      knob_name(s, k, -1, cli, name,
						sizeof(name)),
				      k->ignored, wls[0]->name);
		return refuse(e, k->key, -1,
			      "%s: %s (no workload of the "
			      "spec honours it)",
			      knob_name(s, k, -1, cli, name, sizeof(name)),
			      k->ignored);
	}
	return 0;
}

/* bql: no more locks than objects; a skewed pick needs several locks. */
static int check_striping(const struct lb_knob_set *s, bool cli,
			  struct lb_knob_err *e)
{
	const struct lb_knob *lk = lb_knob_find("locks", false);
	const struct lb_workload *wls[LB_KNOB_MAX_VALUES];
	unsigned int nw = workloads(s, wls), w, i;
	unsigned int objects = lb_knob_first(s, "objects")->nobjects;
	bool bql = false;
	char name[96];

	for (w = 0; w < nw; w++)
		bql |= wls[w]->uses_objects;
	objects = objects ? objects : LB_BQL_OBJECTS;
	for (i = 0; bql && i < s->n[lb_knob_index(lk)]; i++)
		if (s->vals[i].nlocks > objects)
			return refuse(e, "locks", (long)i,
				      "%s: %u locks for %u objects: more "
				      "locks than objects",
				      knob_name(s, lk, (long)i, cli, name,
						sizeof(name)),
				      s->vals[i].nlocks, objects);
	if (lb_knob_first(s, "pick")->pick_zipf > 0 && !bql && max_locks(s) < 2)
		return refuse(e, "pick", -1,
			      "%s: with a single lock there is nothing to "
			      "pick (give %s N)",
			      knob_name(s, lb_knob_find("pick", false), -1, cli,
					name, sizeof(name)),
			      cli ? "--locks" : "\"locks\"");
	return 0;
}

/* Method @m (index @at among those given, or -1) of workload @wl. */
static int check_method(const struct lb_knob_set *s,
			const struct lb_workload *wl,
			const struct lb_lock_ops *ops, long at,
			struct lb_knob_err *e)
{
	const char *key = at >= 0 ? "methods" : NULL;
	char have[512], err[LB_ERRLEN];

	if (!wl->loop_for(lb_lock_index(ops))) {
		lb_methods_fitting(wl, have, sizeof(have));
		if (at < 0)
			return refuse(e, "workload", -1,
				      "the default methods do not fit "
				      "workload '%s': name them in "
				      "\"methods\"",
				      wl->name);
		return refuse(e, key, at,
			      "method '%s' has no %s (%s needs "
			      "one of: %s)",
			      ops->name, wl->needs ? wl->needs : "loop for it",
			      wl->name, have);
	}
	if (lb_config_check_method(wl, ops, lb_knob_first(s, "depth")->depth,
				   max_locks(s) > 1, err, sizeof(err)))
		return refuse(e, key, at, "%s", err);
	return 0;
}

static int check_methods(const struct lb_knob_set *s, struct lb_knob_err *e)
{
	const struct lb_workload *wls[LB_KNOB_MAX_VALUES];
	const struct lb_lock_ops *ops[LB_KNOB_MAX_VALUES];
	unsigned int mi = lb_knob_index(lb_knob_find("methods", false));
	unsigned int nw = workloads(s, wls), w, m, nm;

	for (w = 0; w < nw; w++) {
		nm = lb_methods_for(s, wls[w], ops, LB_KNOB_MAX_VALUES);
		for (m = 0; m < nm; m++)
			if (check_method(s, wls[w], ops[m],
					 s->n[mi] && !s->all_methods ? (long)m :
								       -1,
					 e))
				return -1;
	}
	return 0;
}

/*
 * A spec's method without mutual exclusion (none) runs only in the
 * 1-thread, at most 1-coroutine configurations: the spec must have one.
 */
static int check_alone(const struct lb_knob_set *s, struct lb_knob_err *e)
{
	unsigned int mi = lb_knob_index(lb_knob_find("methods", false));
	unsigned int ti = lb_knob_index(lb_knob_find("threads", false));
	unsigned int ci = lb_knob_index(lb_knob_find("coroutines", false));
	bool one_thread = !s->n[ti] || s->vals[0].nthreads == 1;
	bool one_co = !s->n[ci];
	unsigned int i;

	for (i = 0; i < s->n[ci]; i++)
		one_co |= s->vals[i].coroutines <= 1;
	for (i = 0; i < s->n[mi] && !s->all_methods; i++)
		if ((s->vals[i].ops->flags & LB_NO_EXCLUSION) &&
		    !(one_thread && one_co))
			return refuse(e, "methods", (long)i,
				      "method '%s' has no mutual exclusion "
				      "and runs at 1 thread and 1 coroutine "
				      "only; this sweep has neither",
				      s->vals[i].ops->name);
	return 0;
}

int lb_knob_set_finish(struct lb_knob_set *s, bool cli, struct lb_knob_err *e)
{
	const struct lb_knob *dk = lb_knob_find("duration", false);

	memset(e, 0, sizeof(*e));
	e->index = -1;
	if (s->n[lb_knob_index(lb_knob_find("ops", false))] &&
	    !s->n[lb_knob_index(dk)])
		s->base.duration_ns = 60000000000ull; /* a limit */
	if (check_methods(s, e) || check_ignored(s, cli, e) ||
	    check_striping(s, cli, e) || (!cli && check_alone(s, e)))
		return -1;
	return 0;
}
