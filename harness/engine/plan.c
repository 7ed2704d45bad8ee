/* SPDX-License-Identifier: MIT */
/*
 * plan.c - the measuring engine shared by `run` and `sweep` (see plan.h).
 */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness/machine/floors.h"
#include "harness/machine/host.h"
#include "harness/util/options.h"
#include "harness/engine/plan.h"
#include "harness/engine/runner.h"
#include "harness/engine/slowdown.h"
#include "harness/util/signals.h"
#include "runtime/clock.h"
#include "workloads/delay.h"

/*
 * What a repetition costs beyond its warm-up and measured window (thread
 * creation and pinning, joining, figures, the checkpoint), measured on a
 * 2-vCPU VM: about 5 ms plus 1-3 ms per thread (more when oversubscribed).
 * Calibration takes ~0.3 s.
 */
#define REP_OVERHEAD_NS 5000000ull
#define REP_OVERHEAD_THREAD_NS 3000000ull
#define CALIBRATION_NS 300000000ull

int lb_plan_init(struct lb_plan *p, struct lb_matrix *m, char *err,
		 size_t errlen)
{
	*p = (struct lb_plan){
		.cfgs = m->cfgs,
		.ncfgs = m->ncfgs,
		.ngroups = m->ngroups,
	};
	memset(m, 0, sizeof(*m));
	if (p->ncfgs && lb_pin_parse(p->cfgs[0].pin, &p->pin, err, errlen)) {
		lb_plan_free(p);
		return -1;
	}
	return 0;
}

void lb_plan_free(struct lb_plan *p)
{
	lb_pin_policy_free(&p->pin);
	free(p->cfgs);
	p->cfgs = NULL;
	p->ncfgs = p->ngroups = 0;
}

unsigned int lb_plan_todo(const struct lb_plan *p, unsigned int *reps)
{
	unsigned int i, n = 0;

	if (reps)
		*reps = 0;
	for (i = 0; i < p->ncfgs; i++) {
		n += !p->cfgs[i].done;
		if (reps && !p->cfgs[i].done)
			*reps += p->cfgs[i].reps;
	}
	return n;
}

static uint64_t rep_estimate_ns(const struct lb_config *c)
{
	return c->warmup_ns + c->duration_ns + REP_OVERHEAD_NS +
	       REP_OVERHEAD_THREAD_NS * c->nthreads;
}

uint64_t lb_plan_estimate_ns(const struct lb_plan *p)
{
	uint64_t ns = CALIBRATION_NS;
	unsigned int i;

	for (i = 0; i < p->ncfgs; i++)
		if (!p->cfgs[i].done)
			ns += rep_estimate_ns(&p->cfgs[i]) * p->cfgs[i].reps;
	return ns;
}

const char *lb_format_eta(uint64_t ns, char *buf, size_t len)
{
	uint64_t s = (ns + 500000000ull) / 1000000000ull;

	if (s >= 3600)
		snprintf(buf, len, "%lluh%02llum", (unsigned long long)s / 3600,
			 (unsigned long long)s / 60 % 60);
	else if (s >= 60)
		snprintf(buf, len, "%llum%02llus", (unsigned long long)s / 60,
			 (unsigned long long)s % 60);
	else
		snprintf(buf, len, "%llus", (unsigned long long)s);
	return buf;
}

int lb_plan_check_pins(const struct lb_plan *p, const struct lb_topo *topo,
		       char *err, size_t errlen)
{
	unsigned int i, max = 0;
	struct lb_placement *plan;
	bool over;
	int rc = 0;

	for (i = 0; i < p->ncfgs; i++)
		if (p->cfgs[i].nthreads > max)
			max = p->cfgs[i].nthreads;
	plan = lb_xzalloc((max + 1) * sizeof(*plan));
	for (i = 0; i < p->ncfgs && !rc; i++)
		if (!i || p->cfgs[i].nthreads != p->cfgs[i - 1].nthreads)
			rc = lb_pin_plan(topo, &p->pin, p->cfgs[i].nthreads,
					 plan, &over, err, errlen);
	free(plan);
	return rc;
}

int lb_plan_check_output(const char *path, char *err, size_t errlen)
{
	char *copy, dir[4096], probe[4200];
	int fd, saved;

	if (lb_check_output_path(path, err, errlen))
		return -1;
	copy = strdup(path);
	if (!copy)
		lb_xmalloc_fail(strlen(path) + 1);
	snprintf(dir, sizeof(dir), "%s", dirname(copy));
	free(copy);
	snprintf(probe, sizeof(probe), "%s/.lockbench-probe-XXXXXX", dir);
	fd = mkstemp(probe);
	saved = errno;
	if (fd < 0) {
		snprintf(err, errlen,
			 "invalid output file '%s': cannot create a file in "
			 "'%s': %s",
			 path, dir, strerror(saved));
		return -1;
	}
	close(fd);
	unlink(probe);
	return 0;
}

static void describe_cfg(const struct lb_config *c, char *buf, size_t len)
{
	char cs[32], think[32];
	int n;

	n = snprintf(buf, len, "%-17s %-8s %3u thr  cs %-6s think %s",
		     c->ops->name, c->workload->name, c->nthreads,
		     lb_format_duration(c->cs_ns, cs, sizeof(cs)),
		     lb_format_duration(c->think_ns, think, sizeof(think)));
	if (n < 0 || (size_t)n >= len)
		return;
	if (c->coroutines)
		n += snprintf(buf + n, len - (size_t)n, " co %u",
			      c->coroutines);
	if (c->workload->uses_read_pct && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " read %u%%",
			      c->read_pct);
	if (c->workload->uses_offload_opts && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " %s/%s",
			      lb_offload_mode_names[c->wl_opts.offload_mode],
			      c->wl_opts.offload_sleep ? "sleep" : "busy");
	if (c->cs_lines && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " lines %u",
			      c->cs_lines);
	if (c->think_exp && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " think-exp");
	if (c->nobjects && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " locks %u/%u obj",
			      c->nlocks, c->nobjects);
	if (c->pick_zipf > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " zipf:%g",
			      c->pick_zipf);
	if (c->depth > 1 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " depth %u", c->depth);
}

void lb_plan_print(const struct lb_plan *p, FILE *f)
{
	const struct lb_config *c = &p->cfgs[0];
	char dur[32], warm[32], eta[32], line[256];
	unsigned int i, reps, todo = lb_plan_todo(p, &reps);

	fprintf(f,
		"plan: %u configurations (%u to run) x %u repetitions of %s "
		"(warm-up %s), pin %s\n",
		p->ncfgs, todo, c->reps,
		lb_format_duration(c->duration_ns, dur, sizeof(dur)),
		lb_format_duration(c->warmup_ns, warm, sizeof(warm)), c->pin);
	for (i = 0; i < p->ncfgs; i++) {
		describe_cfg(&p->cfgs[i], line, sizeof(line));
		fprintf(f, "%5u  %s%s\n", i + 1, line,
			p->cfgs[i].done ? "  (done: kept from the file)" : "");
	}
	fprintf(f, "%u repetitions to run, estimated duration %s\n", reps,
		lb_format_eta(lb_plan_estimate_ns(p), eta, sizeof(eta)));
}

/* ------------------------------------------------------------ resume */

/* Config keys derived from others or from the machine, or the gate's. */
static const char *const derived_keys[] = {
	"placement",	"oversubscribed", "cs_cycles",
	"think_cycles", "retries",	  "gate",
};

static json_t *identity(json_t *config)
{
	json_t *c = json_deep_copy(config);
	unsigned int i;

	for (i = 0; c && i < LB_ARRAY_SIZE(derived_keys); i++)
		json_object_del(c, derived_keys[i]);
	return c;
}

static bool run_complete(json_t *run)
{
	const char *status = json_string_value(json_object_get(run, "status"));
	json_t *config = json_object_get(run, "config");
	json_t *reps = json_object_get(run, "reps");

	json_t *retries = json_object_get(config, "retries");
	json_int_t wanted, valid = 0;
	size_t i;

	if (!status || (strcmp(status, "ok") && strcmp(status, "failed")))
		return false;
	if (!json_is_array(reps) ||
	    !json_is_integer(json_object_get(config, "reps")))
		return false;
	wanted = json_integer_value(json_object_get(config, "reps"));
	/* Without "valid" (older files) every repetition is valid. */
	for (i = 0; i < json_array_size(reps); i++)
		valid += !json_is_false(
			json_object_get(json_array_get(reps, i), "valid"));
	return valid >= wanted ||
	       (json_is_integer(retries) &&
		(json_int_t)json_array_size(reps) >=
			wanted + json_integer_value(retries));
}

/* Records of every configuration, with placements, for their config JSON. */
static void plan_records(struct lb_engine *e, struct lb_run_record *recs)
{
	struct lb_plan *p = e->plan;
	char err[LB_ERRLEN];
	unsigned int i;

	for (i = 0; i < p->ncfgs; i++) {
		const struct lb_config *c = &p->cfgs[i];
		struct lb_run_record *r = &recs[i];

		r->cfg = *c;
		r->placement = lb_xzalloc(c->nthreads * sizeof(*r->placement));
		if (lb_pin_plan(e->topo, &p->pin, c->nthreads, r->placement,
				&r->oversubscribed, err, sizeof(err)))
			lb_die("%s", err); /* checked by lb_plan_check_pins */
	}
}

unsigned int lb_engine_resume(struct lb_engine *e, json_t *runs)
{
	struct lb_plan *p = e->plan;
	struct lb_run_record *recs = lb_xzalloc(p->ncfgs * sizeof(*recs) + 1);
	struct lb_report tmp = {
		.host = json_object(),
		.topology = json_object(),
		.runs = recs,
		.nruns = p->ncfgs,
	};
	json_t *doc, *planned, **ids;
	unsigned int i, skipped = 0;
	size_t r;

	plan_records(e, recs);
	doc = lb_report_json(&tmp);
	planned = json_object_get(doc, "runs");
	if (!doc || json_array_size(planned) != p->ncfgs)
		lb_die("cannot build the configurations' documents");
	ids = lb_xzalloc((p->ncfgs + 1) * sizeof(*ids));
	for (i = 0; i < p->ncfgs; i++)
		ids[i] = identity(
			json_object_get(json_array_get(planned, i), "config"));
	if (!e->kept_runs)
		e->kept_runs = json_array();
	for (r = 0; r < json_array_size(runs); r++) {
		json_t *run = json_array_get(runs, r);
		json_t *id;
		bool dup = false;

		if (!run_complete(run))
			continue; /* runs again */
		id = identity(json_object_get(run, "config"));
		for (i = 0; i < p->ncfgs; i++) {
			if (!ids[i] || !json_equal(ids[i], id))
				continue;
			dup = p->cfgs[i].done;
			if (!dup) {
				p->cfgs[i].done = true;
				skipped++;
			}
			break;
		}
		if (!dup)
			json_array_append(e->kept_runs, run);
		json_decref(id);
	}
	for (i = 0; i < p->ncfgs; i++) {
		json_decref(ids[i]);
		free(recs[i].placement);
	}
	free(ids);
	free(recs);
	json_decref(doc);
	json_decref(tmp.host);
	json_decref(tmp.topology);
	return skipped;
}

/* ------------------------------------------------------------ running */

struct engine_state {
	struct lb_engine *e;
	struct lb_report report;
	double ns_iter;
	bool any_failed, any_error;
	bool tty; /* stderr is a terminal */
	unsigned int online_pus; /* what /proc/stat covers, for the gate */
	unsigned int runs_total, runs_done, reps_total, reps_done;
	uint64_t t0, est_total, est_done;
};

/* The result document: the report, the kept runs first, and "sweep". */
static json_t *document(struct engine_state *st)
{
	struct lb_engine *e = st->e;
	json_t *j = lb_report_json(&st->report), *out, *v;
	const char *k;

	if (!j || (!e->kept_runs && !e->sweep_json))
		return j;
	out = json_object();
	json_object_foreach(j, k, v)
	{
		if (!strcmp(k, "runs")) {
			json_t *runs = json_array();

			if (e->sweep_json)
				json_object_set(out, "sweep", e->sweep_json);
			if (e->kept_runs)
				json_array_extend(runs, e->kept_runs);
			json_array_extend(runs, v);
			json_object_set_new(out, k, runs);
		} else {
			json_object_set(out, k, v);
		}
	}
	json_decref(j);
	return out;
}

static void checkpoint(struct engine_state *st)
{
	char err[LB_ERRLEN];
	json_t *j = document(st);

	if (!j)
		lb_die("cannot build the result document");
	if (lb_write_json_atomic(st->e->output, j, err, sizeof(err))) {
		fprintf(stderr, "%slockbench: %s\n", st->tty ? "\n" : "", err);
		exit(LB_EXIT_RUN);
	}
	json_decref(j);
}

static uint64_t remaining_ns(const struct engine_state *st, uint64_t now)
{
	uint64_t elapsed = now - st->t0;
	double scale = 1.0;

	/* Scale the estimate by how the finished part compared with it. */
	if (st->est_done > 0 && elapsed > 0)
		scale = (double)elapsed / (double)st->est_done;
	return st->est_total > st->est_done ?
		       (uint64_t)((double)(st->est_total - st->est_done) *
				  scale) :
		       0;
}

/* The progress bar on a terminal: before each repetition. */
static void progress_bar(struct engine_state *st,
			 const struct lb_run_record *rec, unsigned int rep)
{
	char bar[21], el[32], left[32];
	uint64_t now = lb_now_ns();
	unsigned int i, fill;

	if (st->e->quiet || !st->tty)
		return;
	fill = st->reps_total ? st->reps_done * 20 / st->reps_total : 0;
	for (i = 0; i < 20; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[20] = '\0';
	fprintf(stderr,
		"\r\033[K[%s] %u/%u runs, rep %u/%u, %s elapsed, ~%s left: "
		"%s %u thr rep %u/%u",
		bar, st->runs_done, st->runs_total, st->reps_done + 1,
		st->reps_total, lb_format_eta(now - st->t0, el, sizeof(el)),
		lb_format_eta(remaining_ns(st, now), left, sizeof(left)),
		rec->cfg.ops->name, rec->cfg.nthreads, rep + 1, rec->cfg.reps);
	fflush(stderr);
}

/* Not a terminal: one plain line per finished run (sweep only). */
static void progress_line(struct engine_state *st,
			  const struct lb_run_record *rec)
{
	char el[32], left[32], cs[32], think[32];
	uint64_t now = lb_now_ns();

	if (st->e->quiet || st->tty || !st->e->sweep)
		return;
	fprintf(stderr,
		"lockbench: [%u/%u] %s, %s, %u thread%s, cs %s, think %s: %s "
		"(%s elapsed, ~%s left)\n",
		st->runs_done, st->runs_total, rec->cfg.ops->name,
		rec->cfg.workload->name, rec->cfg.nthreads,
		rec->cfg.nthreads > 1 ? "s" : "",
		lb_format_duration(rec->cfg.cs_ns, cs, sizeof(cs)),
		lb_format_duration(rec->cfg.think_ns, think, sizeof(think)),
		lb_record_status(rec),
		lb_format_eta(now - st->t0, el, sizeof(el)),
		lb_format_eta(remaining_ns(st, now), left, sizeof(left)));
}

static unsigned int count_reps(const struct engine_state *st)
{
	unsigned int i, n = 0;

	for (i = 0; i < st->report.nruns; i++)
		n += st->report.runs[i].nreps;
	return n;
}

/*
 * The validity gate on repetition @i of @rec (it ran and passed its
 * checks): the verdict is kept beside it; an invalid one is said on
 * stderr (it will be replaced if retries are left).
 */
static void judge(struct engine_state *st, struct lb_run_record *rec,
		  unsigned int i)
{
	struct lb_verdict *v = &rec->verdicts[i];
	struct lb_gate_run run;
	unsigned int k;

	lb_record_gate_run(rec, st->online_pus, &run);
	if (lb_gate_judge(&rec->cfg.gate, &run, &rec->reps[i], v) ||
	    st->e->quiet)
		return;
	fprintf(stderr, "%slockbench: %s, %u thread%s, repetition %u invalid:",
		st->tty ? "\r\033[K" : "", rec->cfg.ops->name,
		rec->cfg.nthreads, rec->cfg.nthreads > 1 ? "s" : "", i + 1);
	for (k = 0; k < v->n; k++)
		fprintf(stderr, "%s %s", k ? ";" : "", v->reason[k]);
	fprintf(stderr, "\n");
}

static void run_one(struct engine_state *st, struct lb_run_record *rec)
{
	struct lb_rep_result *res = &rec->reps[rec->nreps];
	struct lb_rep_cfg cfg = {
		.knobs = rec->cfg,
		.lock_index = lb_lock_index(rec->cfg.ops),
		.topo = st->e->topo,
		.placement = rec->placement,
		.cs_iters = rec->cs_iters,
		.think_iters = rec->think_iters,
		.ns_per_cycle = st->ns_iter,
		.lock_cfg = { .spin_limit = rec->cfg.spin },
	};
	int rc;

	/* 0 except in tests; calibrated once per configuration. */
	cfg.extra_cs_iters = lb_test_slowdown_iters(&cfg);
	rc = lb_run_rep(&cfg, res);
	if (rc == LB_REP_INTERRUPTED) {
		int sig = lb_interrupted();

		lb_rep_result_free(res);
		memset(res, 0, sizeof(*res));
		checkpoint(st);
		fprintf(stderr,
			"\nlockbench: interrupted; the %u finished "
			"repetitions are in %s\n",
			count_reps(st), st->e->output);
		exit(128 + sig);
	}
	rec->nreps++;
	if (rc == LB_REP_RAN && res->ok)
		judge(st, rec, rec->nreps - 1);
	if (rc == LB_REP_SETUP || rc == LB_REP_STALLED ||
	    rc == LB_REP_CRASHED) {
		/* Cannot be measured: recorded, skipped, the rest goes on. */
		rec->setup_failed = true;
		st->any_error = true;
	} else if (!res->ok) {
		st->any_failed = true;
	}
	checkpoint(st);
	if (rc == LB_REP_STALLED || rc == LB_REP_CRASHED)
		fprintf(stderr, "\nlockbench: %s, %u threads: %s\n",
			rec->cfg.ops->name, rec->cfg.nthreads, res->failure);
}

/* Start the records of group @g (its configurations not done). */
static unsigned int group_records(struct engine_state *st, unsigned int g,
				  unsigned int *first)
{
	struct lb_plan *p = st->e->plan;
	struct lb_placement *plan = NULL;
	char err[LB_ERRLEN];
	unsigned int i, n = 0;
	bool over = false;

	*first = st->report.nruns;
	for (i = 0; i < p->ncfgs; i++) {
		const struct lb_config *c = &p->cfgs[i];
		struct lb_run_record *r;

		if (c->group != g || c->done)
			continue;
		if (!plan) {
			plan = lb_xzalloc(c->nthreads * sizeof(*plan));
			if (lb_pin_plan(st->e->topo, &p->pin, c->nthreads, plan,
					&over, err, sizeof(err)))
				lb_die("%s", err); /* checked before */
		}
		r = &st->report.runs[st->report.nruns++];
		r->cfg = *c;
		r->placement = plan;
		r->oversubscribed = over;
		r->cs_iters = lb_delay_iters(c->cs_ns, st->ns_iter);
		r->think_iters = lb_delay_iters(c->think_ns, st->ns_iter);
		r->reps = lb_xzalloc((c->reps + c->retries) * sizeof(*r->reps));
		r->verdicts = lb_xzalloc((c->reps + c->retries) *
					 sizeof(*r->verdicts));
		n++;
	}
	return n;
}

/* The knobs above a block of groups, when a sweep varies them. */
static void block_heading(struct engine_state *st,
			  const struct lb_run_record *rec,
			  const struct lb_run_record *prev)
{
	char cs[32], think[32];

	/* run prints headings only where the groups differ by more than -t. */
	if (st->e->quiet || (!st->e->sweep && !rec->cfg.nobjects))
		return;
	if (prev && prev->cfg.workload == rec->cfg.workload &&
	    prev->cfg.cs_ns == rec->cfg.cs_ns &&
	    prev->cfg.think_ns == rec->cfg.think_ns &&
	    prev->cfg.read_pct == rec->cfg.read_pct &&
	    prev->cfg.cs_lines == rec->cfg.cs_lines &&
	    prev->cfg.nlocks == rec->cfg.nlocks &&
	    prev->cfg.nobjects == rec->cfg.nobjects &&
	    prev->cfg.depth == rec->cfg.depth &&
	    prev->cfg.pick_zipf == rec->cfg.pick_zipf &&
	    !memcmp(&prev->cfg.wl_opts, &rec->cfg.wl_opts,
		    sizeof(rec->cfg.wl_opts)))
		return;
	printf("\n== workload %s, cs %s, think %s", rec->cfg.workload->name,
	       lb_format_duration(rec->cfg.cs_ns, cs, sizeof(cs)),
	       lb_format_duration(rec->cfg.think_ns, think, sizeof(think)));
	if (rec->cfg.workload->uses_read_pct)
		printf(", read %u%%", rec->cfg.read_pct);
	if (rec->cfg.workload->uses_offload_opts)
		printf(", offload %s/%s",
		       lb_offload_mode_names[rec->cfg.wl_opts.offload_mode],
		       rec->cfg.wl_opts.offload_sleep ? "sleep" : "busy");
	if (rec->cfg.cs_lines)
		printf(", %u lines", rec->cfg.cs_lines);
	if (rec->cfg.nobjects && rec->cfg.nlocks == 1)
		printf(", one big lock over %u objects", rec->cfg.nobjects);
	else if (rec->cfg.nobjects)
		printf(", %u locks over %u objects", rec->cfg.nlocks,
		       rec->cfg.nobjects);
	if (rec->cfg.pick_zipf > 0)
		printf(", pick zipf:%g", rec->cfg.pick_zipf);
	if (rec->cfg.depth > 1)
		printf(", depth %u", rec->cfg.depth);
	printf("\n");
	lb_table_header(stdout);
}

/* @rec is short of valid repetitions and may run another. */
static bool needs_retry(const struct lb_run_record *rec)
{
	return !rec->setup_failed && !strcmp(lb_record_status(rec), "ok") &&
	       lb_record_nvalid(rec) < rec->cfg.reps &&
	       rec->nreps < rec->cfg.reps + rec->cfg.retries;
}

/*
 * Replace invalid repetitions, after the group's planned rounds: as far
 * from the disturbance as the group allows, and interleaved like them.
 * Not counted in the progress estimate.
 */
static void retry_rounds(struct engine_state *st, struct lb_run_record *recs,
			 unsigned int n)
{
	unsigned int m, ran;

	do {
		for (m = ran = 0; m < n; m++) {
			if (!needs_retry(&recs[m]))
				continue;
			progress_bar(st, &recs[m], recs[m].nreps);
			run_one(st, &recs[m]);
			ran++;
		}
	} while (ran);
}

static void run_group(struct engine_state *st, unsigned int g)
{
	struct lb_run_record *recs;
	unsigned int first, n, rep, m;

	n = group_records(st, g, &first);
	if (!n)
		return;
	recs = st->report.runs + first;
	for (rep = 0; rep < recs[0].cfg.reps; rep++) {
		for (m = 0; m < n; m++) {
			if (recs[m].setup_failed)
				continue;
			progress_bar(st, &recs[m], rep);
			run_one(st, &recs[m]);
			st->reps_done++;
			st->est_done += rep_estimate_ns(&recs[m].cfg);
		}
	}
	retry_rounds(st, recs, n);
	/* Repetitions a failed setup skipped count as done too. */
	for (m = 0; m < n; m++) {
		unsigned int want = recs[m].cfg.reps;
		unsigned int skipped =
			recs[m].nreps < want ? want - recs[m].nreps : 0;

		st->reps_done += skipped;
		st->est_done += skipped * rep_estimate_ns(&recs[m].cfg);
	}
	if (st->tty && !st->e->quiet)
		fprintf(stderr, "\r\033[K");
	block_heading(st, recs, first ? &st->report.runs[first - 1] : NULL);
	for (m = 0; m < n; m++) {
		st->runs_done++;
		progress_line(st, &recs[m]);
		if (st->e->quiet)
			continue;
		lb_table_row(stdout, &recs[m]);
		lb_table_extra(stdout, &recs[m]);
	}
	fflush(stdout);
}

static void print_header(struct engine_state *st)
{
	struct lb_plan *p = st->e->plan;
	const struct lb_config *c = &p->cfgs[0];
	char host[512], cs[32], think[32], dur[32], warm[32];

	if (st->e->quiet)
		return;
	lb_host_line(host, sizeof(host));
	printf("lockbench %s on %s\n", PACKAGE_VERSION, host);
	if (st->e->sweep)
		printf("sweep of %u configurations", st->runs_total);
	else
		printf("workload %s, cs %s, think %s", c->workload->name,
		       lb_format_duration(c->cs_ns, cs, sizeof(cs)),
		       lb_format_duration(c->think_ns, think, sizeof(think)));
	printf(", %u x %s (warm-up %s), pin %s, cycle counter %.3f GHz\n",
	       c->reps, lb_format_duration(c->duration_ns, dur, sizeof(dur)),
	       lb_format_duration(c->warmup_ns, warm, sizeof(warm)), c->pin,
	       1.0 / st->ns_iter);
	printf("figures are medians over repetitions; ±95%% is the "
	       "half-width of the\nconfidence interval of the mean; "
	       "other-cpu is CPU time used by other\nprocesses during a "
	       "repetition (the machine's state)\n");
	lb_floors_print_line(stdout,
			     json_object_get(st->report.host, "floors"));
	if (!st->e->sweep) {
		printf("\n");
		lb_table_header(stdout);
	}
}

static void stamp(char *buf, size_t len)
{
	time_t now = time(NULL);

	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
}

int lb_engine_run(struct lb_engine *e)
{
	struct lb_plan *p = e->plan;
	struct engine_state st = { .e = e };
	unsigned int g, i;

	st.tty = isatty(STDERR_FILENO);
	st.online_pus = (unsigned int)sysconf(_SC_NPROCESSORS_ONLN);
	st.runs_total = lb_plan_todo(p, &st.reps_total);
	st.ns_iter = lb_delay_calibrate();
	st.report = (struct lb_report){
		.host = lb_host_json(),
		.topology = lb_topo_json(e->topo),
		.argc = e->argc,
		.argv = e->argv,
		.ns_per_iter = st.ns_iter,
		.runs = lb_xzalloc((st.runs_total + 1) *
				   sizeof(*st.report.runs)),
	};
	stamp(st.report.created, sizeof(st.report.created));
	/* threads joined again before any repetition forks */
	lb_floors_attach(st.report.host, e->topo, e->quiet);
	st.est_total = lb_plan_estimate_ns(p) - CALIBRATION_NS;
	st.t0 = lb_now_ns();
	print_header(&st);
	for (g = 0; g < p->ngroups; g++)
		run_group(&st, g);
	checkpoint(&st);
	if (!e->quiet)
		printf("\nresult file: %s\n", e->output);
	for (i = 0; i < st.report.nruns; i++) {
		struct lb_run_record *r = &st.report.runs[i];
		unsigned int k;

		for (k = 0; k < r->nreps; k++)
			lb_rep_result_free(&r->reps[k]);
		free(r->reps);
		free(r->verdicts);
		/* Placements are shared by a group: freed by its first. */
		if (!i || r->placement != st.report.runs[i - 1].placement)
			free(r->placement);
	}
	free(st.report.runs);
	json_decref(st.report.host);
	json_decref(st.report.topology);
	return st.any_error  ? LB_EXIT_RUN :
	       st.any_failed ? LB_EXIT_CHECK :
			       LB_EXIT_OK;
}
