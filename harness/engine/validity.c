/* SPDX-License-Identifier: MIT */
/*
 * validity.c - the validity gate (see validity.h): the judge, its options,
 * and what a run record says about its repetitions' validity.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/util/options.h"
#include "harness/engine/report.h"
#include "harness/engine/validity.h"

/* ------------------------------------------------------------ the judge */

static void __attribute__((format(printf, 2, 3)))
reason(struct lb_verdict *v, const char *fmt, ...)
{
	va_list ap;

	if (v->n >= LB_VERDICT_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(v->reason[v->n++], LB_VERDICT_LEN, fmt, ap);
	va_end(ap);
}

static const char *plural(double x)
{
	return x == 1 ? "" : "s";
}

bool lb_gate_judge(const struct lb_gate *g, const struct lb_gate_run *run,
		   const struct lb_rep_result *res, struct lb_verdict *v)
{
	double wall = (double)res->elapsed_ns / 1e9;
	double asked = (double)run->duration_ns / 1e9;
	double cpu = res->cpu_user_s + res->cpu_sys_s;
	double n = run->nthreads;

	memset(v, 0, sizeof(*v));
	if (!g->on || !(wall > 0))
		return true;
	if (run->duration_ns && wall > asked * (1 + g->wall))
		reason(v, "wall %.3f s for %.3f s asked (limit +%.0f%%)", wall,
		       asked, g->wall * 100);
	if (isfinite(cpu)) {
		double ratio = cpu / wall;
		double high =
			n * (1 + g->cpu_high) + n * LB_GATE_CPU_SLACK_S / wall;

		if (ratio > high)
			reason(v,
			       "CPU/wall %.2f with %u thread%s (limit %.2f): "
			       "more CPU than the threads can use",
			       ratio, run->nthreads, plural(n), high);
		if ((run->spins || run->never_waits) && !run->oversubscribed &&
		    ratio < n * g->cpu_low)
			reason(v,
			       "CPU/wall %.2f with %u %s thread%s on %u PU%s "
			       "(expected >= %.2f)",
			       ratio, run->nthreads,
			       run->spins ? "spinning" : "lone", plural(n),
			       run->pus_used, plural(run->pus_used),
			       n * g->cpu_low);
	}
	if (isfinite(res->machine.other_cpu_s) && run->online_pus) {
		double free_pus = run->online_pus > run->pus_used ?
					  run->online_pus - run->pus_used :
					  0;
		double other = res->machine.other_cpu_s / wall;
		double limit =
			free_pus + g->other_cpu + LB_GATE_TICK_SLACK_S / wall;

		if (other > limit)
			reason(v,
			       "other processes used %.2f CPU (limit %.2f: "
			       "%.0f free PU%s + %.2f)",
			       other, limit, free_pus, plural(free_pus),
			       g->other_cpu);
	}
	if (!run->oversubscribed && !run->helpers && n > 0) {
		double rate = (double)res->ivcsw / n / wall;
		double limit = g->ivcsw + LB_GATE_IVCSW_SLACK / wall;

		if (rate > limit)
			reason(v,
			       "%.0f involuntary switches/s per thread "
			       "(limit %.0f)",
			       rate, limit);
	}
	if (run->pinned && res->migrations >= 0 &&
	    (double)res->migrations > g->migrations)
		reason(v, "%lld migration%s of pinned threads (limit %.0f)",
		       (long long)res->migrations,
		       plural((double)res->migrations), g->migrations);
	return v->n == 0;
}

/* ------------------------------------------------------------ records */

bool lb_record_rep_valid(const struct lb_run_record *rec, unsigned int i)
{
	return !rec->verdicts || rec->verdicts[i].n == 0;
}

unsigned int lb_record_nvalid(const struct lb_run_record *rec)
{
	unsigned int i, n = 0;

	for (i = 0; i < rec->nreps; i++)
		n += lb_record_rep_valid(rec, i);
	return n;
}

bool lb_record_rep_counts(const struct lb_run_record *rec, unsigned int i)
{
	return lb_record_rep_valid(rec, i) || !lb_record_nvalid(rec);
}

void lb_record_rep_json(const struct lb_run_record *rec, unsigned int i,
			json_t *rep)
{
	json_t *why;
	unsigned int k;

	if (!rep)
		return;
	json_object_set_new(rep, "migrations",
			    rec->reps[i].migrations >= 0 ?
				    json_integer(rec->reps[i].migrations) :
				    json_null());
	json_object_set_new(rep, "valid",
			    json_boolean(lb_record_rep_valid(rec, i)));
	if (lb_record_rep_valid(rec, i))
		return;
	why = json_array();
	for (k = 0; k < rec->verdicts[i].n; k++)
		json_array_append_new(why,
				      json_string(rec->verdicts[i].reason[k]));
	json_object_set_new(rep, "invalid", why);
}

void lb_record_run_json(const struct lb_run_record *rec, json_t *run)
{
	unsigned int nvalid = lb_record_nvalid(rec);

	if (!run)
		return;
	json_object_set_new(run, "valid", json_boolean(nvalid || !rec->nreps));
	json_object_set_new(run, "valid_reps", json_integer(nvalid));
	json_object_set_new(run, "invalid_reps",
			    json_integer(rec->nreps - nvalid));
}

const char *lb_record_valid_state(const struct lb_run_record *rec, char *buf,
				  size_t len)
{
	unsigned int nvalid = lb_record_nvalid(rec);

	buf[0] = '\0';
	if (!nvalid && rec->nreps)
		snprintf(buf, len, "0/%u valid (all kept) ", rec->cfg.reps);
	else if (nvalid < rec->cfg.reps && nvalid < rec->nreps)
		snprintf(buf, len, "%u/%u valid ", nvalid, rec->cfg.reps);
	return buf;
}

void lb_record_gate_run(const struct lb_run_record *rec,
			unsigned int online_pus, struct lb_gate_run *run)
{
	unsigned int i, j, used = 0;
	bool pinned = rec->cfg.nthreads > 0;

	for (i = 0; i < rec->cfg.nthreads; i++) {
		int pu = rec->placement ? rec->placement[i].os_index : -1;

		pinned &= pu >= 0;
		for (j = 0; j < i && pu >= 0; j++)
			if (rec->placement[j].os_index == pu)
				break;
		used += pu < 0 || j == i;
	}
	*run = (struct lb_gate_run){
		.nthreads = rec->cfg.nthreads,
		.pus_used = used < online_pus ? used : online_pus,
		.online_pus = online_pus,
		.oversubscribed = rec->oversubscribed,
		.pinned = pinned,
		.spins = (rec->cfg.ops->flags & LB_SPINS) &&
			 !(rec->cfg.ops->flags & LB_SLEEPS),
		.helpers = rec->cfg.workload->setup != NULL,
		/* --ops N: bound by operations, duration_ns is a limit */
		.duration_ns = rec->cfg.ops_target ? 0 : rec->cfg.duration_ns,
	};
	run->never_waits = rec->cfg.nthreads == 1 && rec->cfg.coroutines <= 1 &&
			   !run->helpers &&
			   !(rec->cfg.ops->flags & LB_DELEGATES);
}
