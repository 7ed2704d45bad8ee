/* SPDX-License-Identifier: MIT */
/*
 * t_validity.c - the validity gate's judge on a table of synthetic
 * repetitions (each criterion met and failed, with its reason text), its
 * option parsers, and what a run record makes of its verdicts.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/engine/report.h"
#include "harness/engine/validity.h"
#include "locks/lock.h"
#include "workloads/workload.h"
#include "tests/tap.h"

/* Two spinning threads pinned on the two PUs of a machine, 1 s asked. */
static const struct lb_gate_run spin2 = {
	.nthreads = 2,
	.pus_used = 2,
	.online_pus = 2,
	.pinned = true,
	.spins = true,
	.duration_ns = 1000000000ull,
};

struct rep_case {
	const char *name;
	struct lb_gate_run run;
	double wall_s, cpu_s, other_s;
	uint64_t ivcsw;
	int64_t migrations;
	const char *want; /* NULL: valid; else a substring of the reasons */
	unsigned int nreasons;
};

#define RUN(...) ((struct lb_gate_run){ __VA_ARGS__ })
#define SPIN2 spin2
#define SLEEP2                                                             \
	RUN(.nthreads = 2, .pus_used = 2, .online_pus = 2, .pinned = true, \
	    .duration_ns = 1000000000ull)
#define ONE                                                                \
	RUN(.nthreads = 1, .pus_used = 1, .online_pus = 2, .pinned = true, \
	    .spins = true, .duration_ns = 1000000000ull)
#define OVER                                                               \
	RUN(.nthreads = 4, .pus_used = 2, .online_pus = 2, .pinned = true, \
	    .spins = true, .oversubscribed = true,                         \
	    .duration_ns = 1000000000ull)
#define BIG                                                       \
	RUN(.nthreads = 512, .pus_used = 512, .online_pus = 1024, \
	    .pinned = true, .spins = true, .duration_ns = 1000000000ull)

static const struct rep_case cases[] = {
	{ "2 spinning threads, quiet machine", SPIN2, 1.0004, 1.99, 0.01, 8, 0,
	  NULL, 0 },
	{ "wall 1.31 s for 1 s", SPIN2, 1.31, 2.6, 0, 8, 0,
	  "wall 1.310 s for 1.000 s asked (limit +10%)", 1 },
	{ "wall 1.09 s for 1 s: within 10%", SPIN2, 1.09, 2.17, 0, 8, 0, NULL,
	  0 },
	{ "wall 1.31 s, not time-bound (--ops)",
	  RUN(.nthreads = 2, .pus_used = 2, .online_pus = 2, .pinned = true,
	      .spins = true),
	  1.31, 2.6, 0, 8, 0, NULL, 0 },
	{ "CPU/wall 0.41, spinning, not time-bound (--ops)",
	  RUN(.nthreads = 2, .pus_used = 2, .online_pus = 2, .pinned = true,
	      .spins = true),
	  1.0, 0.41, 0, 8, 0, "CPU/wall 0.41 with 2 spinning threads", 1 },
	{ "others took 0.62 CPU, no PU free", SPIN2, 1.0, 1.99, 0.62, 8, 0,
	  "other processes used 0.62 CPU (limit 0.27: 0 free PUs + 0.25)", 1 },
	{ "others took 0.62 CPU, one PU free", ONE, 1.0, 0.99, 0.62, 4, 0, NULL,
	  0 },
	{ "others took 1.5 CPU, one PU free", ONE, 1.0, 0.99, 1.5, 4, 0,
	  "other processes used 1.50 CPU (limit 1.27: 1 free PU + 0.25)", 1 },
	{ "1024-PU host, 512 threads, others on 300 of the free PUs", BIG, 1.0,
	  510, 300, 1000, 0, NULL, 0 },
	{ "1024-PU host, 512 threads, others took 520 CPUs", BIG, 1.0, 510, 520,
	  1000, 0, "other processes used 520.00 CPU (limit 512.27: 512", 1 },
	{ "CPU/wall 0.41, 2 spinning threads", SPIN2, 1.0, 0.41, 0, 8, 0,
	  "CPU/wall 0.41 with 2 spinning threads on 2 PUs (expected >= 1.60)",
	  1 },
	{ "CPU/wall 0.41, 2 sleeping threads", SLEEP2, 1.0, 0.41, 0, 8, 0, NULL,
	  0 },
	{ "CPU/wall 0.33, 1 sleeping-lock thread alone",
	  RUN(.nthreads = 1, .pus_used = 1, .online_pus = 2, .pinned = true,
	      .never_waits = true, .duration_ns = 1000000000ull),
	  1.0, 0.33, 0, 2, 0,
	  "CPU/wall 0.33 with 1 lone thread on 1 PU (expected >= 0.80)", 1 },
	{ "CPU/wall 0.33, 1 thread of a delegating method",
	  RUN(.nthreads = 1, .pus_used = 1, .online_pus = 2, .pinned = true,
	      .duration_ns = 1000000000ull),
	  1.0, 0.33, 0, 2, 0, NULL, 0 },
	{ "CPU/wall 1.9, 4 spinning threads oversubscribed", OVER, 1.0, 1.9, 0,
	  4000, 0, NULL, 0 },
	{ "CPU/wall 2.5 with 2 threads", SLEEP2, 1.0, 2.5, 0, 8, 0,
	  "CPU/wall 2.50 with 2 threads (limit 2.20)", 1 },
	{ "312 involuntary switches/s", SPIN2, 1.0, 1.99, 0, 624, 0,
	  "312 involuntary switches/s per thread (limit 102)", 1 },
	{ "312 switches/s, helper threads", SLEEP2, 1.0, 1.0, 0, 624, 0, NULL,
	  0 },
	{ "3 migrations of pinned threads", SPIN2, 1.0, 1.99, 0, 8, 3,
	  "3 migrations of pinned threads (limit 0)", 1 },
	{ "3 migrations, threads not pinned",
	  RUN(.nthreads = 2, .pus_used = 2, .online_pus = 2, .spins = true,
	      .duration_ns = 1000000000ull),
	  1.0, 1.99, 0, 8, 3, NULL, 0 },
	{ "migrations unknown", SPIN2, 1.0, 1.99, 0, 8, -1, NULL, 0 },
	{ "everything wrong at once", SPIN2, 1.5, 0.3, 1.2, 2000, 2,
	  "migrations", 5 },
};

static struct lb_rep_result result(const struct rep_case *c)
{
	struct lb_rep_result r = { .ok = true };

	r.elapsed_ns = (uint64_t)(c->wall_s * 1e9);
	r.cpu_user_s = c->cpu_s * 0.9;
	r.cpu_sys_s = c->cpu_s * 0.1;
	r.machine.other_cpu_s = c->other_s;
	r.ivcsw = c->ivcsw;
	r.migrations = c->migrations;
	return r;
}

static void join(const struct lb_verdict *v, char *buf, size_t len)
{
	unsigned int k;
	size_t used = 0;

	buf[0] = '\0';
	for (k = 0; k < v->n && used < len; k++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 k ? "; " : "", v->reason[k]);
}

static void judge_table(void)
{
	struct lb_gate g;
	unsigned int i;

	lb_gate_defaults(&g);
	for (i = 0; i < LB_ARRAY_SIZE(cases); i++) {
		const struct rep_case *c = &cases[i];
		struct lb_rep_result r = result(c);
		struct lb_gate_run run = c->run;
		struct lb_verdict v;
		char why[1024];
		bool valid;

		/* "helper threads": the workload runs its own */
		if (strstr(c->name, "helper"))
			run.helpers = true;
		valid = lb_gate_judge(&g, &run, &r, &v);
		join(&v, why, sizeof(why));
		if (!c->want)
			tap_ok(valid && v.n == 0, "%s: valid (%s)", c->name,
			       why);
		else
			tap_ok(!valid && v.n == c->nreasons &&
				       strstr(why, c->want),
			       "%s: invalid, %u reason(s) with '%s' (got %u: "
			       "%s)",
			       c->name, c->nreasons, c->want, v.n, why);
	}
}

static void thresholds(void)
{
	const struct rep_case *all = &cases[LB_ARRAY_SIZE(cases) - 1];
	struct lb_rep_result r = result(all);
	struct lb_verdict v;
	char err[256];
	struct lb_gate g;

	lb_gate_defaults(&g);
	g.on = false;
	tap_ok(lb_gate_judge(&g, &all->run, &r, &v) && v.n == 0,
	       "--no-gate: everything wrong and still valid");

	lb_gate_defaults(&g);
	tap_ok(!lb_gate_parse("other_cpu=0,wall=5%,ivcsw=off", &g, err,
			      sizeof(err)) &&
		       g.other_cpu == 0 && fabs(g.wall - 0.05) < 1e-12 &&
		       isinf(g.ivcsw) && g.cpu_low == LB_GATE_CPU_LOW && g.on,
	       "--gate other_cpu=0,wall=5%%,ivcsw=off");
	/* quiet machine but 0.05 CPU of others: now invalid */
	r = result(&cases[0]);
	r.machine.other_cpu_s = 0.05;
	tap_ok(!lb_gate_judge(&g, &spin2, &r, &v) && v.n == 1 &&
		       strstr(v.reason[0], "limit 0.02: 0 free PUs + 0.00"),
	       "other_cpu=0 flags 0.05 CPU (%s)", v.n ? v.reason[0] : "");
	r.machine.other_cpu_s = 0;
	r.ivcsw = 100000;
	tap_ok(lb_gate_judge(&g, &spin2, &r, &v),
	       "ivcsw=off: 50000 switches/s pass");
	tap_ok(!lb_gate_parse("cpu_low=off", &g, err, sizeof(err)) &&
		       g.cpu_low == 0 && (r.cpu_user_s = 0.01) &&
		       lb_gate_judge(&g, &spin2, &r, &v),
	       "cpu_low=off: 2 spinning threads at CPU/wall 0.01 pass");
	lb_gate_defaults(&g);
	tap_ok(!lb_gate_parse("wall=0", &g, err, sizeof(err)) && g.wall == 0,
	       "wall=0 (an impossible limit) is accepted");
	r = result(&cases[0]);
	tap_ok(!lb_gate_judge(&g, &spin2, &r, &v) &&
		       strstr(v.reason[0], "limit +0%"),
	       "wall=0: any overshoot is invalid (%s)", v.n ? v.reason[0] : "");
}

static void bad_gate(const char *arg, const char *want)
{
	struct lb_gate g;
	char err[256] = "";

	lb_gate_defaults(&g);
	tap_ok(lb_gate_parse(arg, &g, err, sizeof(err)) == -1 &&
		       strstr(err, want) && !strchr(err, '\n'),
	       "--gate '%s' refused naming '%s' (%s)", arg, want, err);
}

static void parsers(void)
{
	unsigned int n = 99;
	char err[256] = "";

	bad_gate("foo=1", "'foo=1': unknown key 'foo'");
	bad_gate("wall", "'wall': expected wall=VALUE");
	bad_gate("wall=", "'wall='");
	bad_gate("wall=-0.1", "'wall=-0.1'");
	bad_gate("wall=1x", "'wall=1x'");
	bad_gate("cpu_low=1.5", "'cpu_low=1.5'");
	bad_gate("ivcsw=5%", "'ivcsw=5%'");
	bad_gate("wall=nan", "'wall=nan'");
	bad_gate("wall=0.1,,ivcsw=3", "empty item");
	bad_gate("", "''");
	tap_ok(!lb_retries_parse("--retries", "0", &n, err, sizeof(err)) &&
		       n == 0,
	       "--retries 0");
	tap_ok(lb_retries_parse("--retries", "101", &n, err, sizeof(err)) &&
		       strstr(err, "'101'"),
	       "--retries 101 refused (%s)", err);
	tap_ok(lb_retries_parse("--retries", "two", &n, err, sizeof(err)) &&
		       strstr(err, "'two'"),
	       "--retries two refused (%s)", err);
}

static void records(void)
{
	struct lb_rep_result reps[5] = { { 0 } };
	struct lb_verdict verdicts[5] = { { 0 } };
	struct lb_placement pl[3] = { { .os_index = 0 },
				      { .os_index = 0 },
				      { .os_index = 1 } };
	struct lb_run_record rec = {
		.cfg = { .ops = lb_lock_find("ticket"),
			 .workload = &lb_workload_counter,
			 .nthreads = 3,
			 .duration_ns = 400000000ull,
			 .reps = 3,
			 .retries = 2 },
		.placement = pl,
		.oversubscribed = true,
		.reps = reps,
		.nreps = 4,
		.verdicts = verdicts,
	};
	struct lb_gate_run run;
	char buf[64];

	lb_gate_defaults(&rec.cfg.gate);
	verdicts[1].n = 1;
	verdicts[3].n = 2;
	tap_ok(lb_record_nvalid(&rec) == 2 && lb_record_rep_counts(&rec, 0) &&
		       !lb_record_rep_counts(&rec, 1) &&
		       lb_record_rep_counts(&rec, 2) &&
		       !lb_record_rep_counts(&rec, 3),
	       "2 of 4 valid: only those count");
	tap_ok(!strcmp(lb_record_valid_state(&rec, buf, sizeof(buf)),
		       "2/3 valid "),
	       "state column: '%s'", buf);
	verdicts[0].n = verdicts[2].n = 1;
	tap_ok(lb_record_nvalid(&rec) == 0 && lb_record_rep_counts(&rec, 1) &&
		       !strcmp(lb_record_valid_state(&rec, buf, sizeof(buf)),
			       "0/3 valid (all kept) "),
	       "none valid: every one counts, state '%s'", buf);
	verdicts[0].n = verdicts[1].n = verdicts[2].n = verdicts[3].n = 0;
	rec.nreps = 3;
	tap_ok(lb_record_nvalid(&rec) == 3 &&
		       !*lb_record_valid_state(&rec, buf, sizeof(buf)),
	       "all valid: nothing in the state column");
	rec.verdicts = NULL;
	tap_ok(lb_record_nvalid(&rec) == 3 && lb_record_rep_valid(&rec, 1),
	       "no verdicts: every repetition valid");

	lb_record_gate_run(&rec, 2, &run);
	rec.cfg.ops_target = 1000;
	lb_record_gate_run(&rec, 2, &run);
	tap_ok(run.duration_ns == 0, "--ops run: not time-bound");
	rec.cfg.ops_target = 0;
	lb_record_gate_run(&rec, 2, &run);
	tap_ok(run.nthreads == 3 && run.pus_used == 2 && run.pinned &&
		       run.spins && run.oversubscribed && !run.helpers &&
		       !run.never_waits && run.online_pus == 2 &&
		       run.duration_ns == 400000000ull,
	       "3 threads on PUs 0,0,1: 2 PUs used, pinned, spinning");
	pl[0].os_index = pl[1].os_index = pl[2].os_index = -1;
	rec.cfg.ops = lb_lock_find("pthread");
	rec.cfg.workload = &lb_workload_acquire;
	lb_record_gate_run(&rec, 2, &run);
	tap_ok(!run.pinned && !run.spins && run.helpers && run.pus_used == 2,
	       "pin none on 2 PUs: not pinned, 2 used; pthread sleeps; "
	       "acquire has helper threads");
	rec.cfg.nthreads = 1;
	rec.cfg.workload = &lb_workload_counter;
	lb_record_gate_run(&rec, 2, &run);
	tap_ok(run.never_waits && run.pus_used == 1,
	       "pthread alone on counter never waits");
	rec.cfg.ops = lb_lock_find("tpool");
	lb_record_gate_run(&rec, 2, &run);
	tap_ok(!run.never_waits, "tpool alone waits for its pool");
}

int main(void)
{
	tap_plan((int)LB_ARRAY_SIZE(cases) + 7 + 13 + 10);
	judge_table();
	thresholds();
	parsers();
	records();
	return tap_done();
}
