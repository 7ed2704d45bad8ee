/* SPDX-License-Identifier: MIT */
/*
 * cmd_run.c - `lockbench run`: every method at every thread count.  The
 * options become a plan of one group per thread count (harness/plan.h, the
 * engine `sweep` shares): repetitions interleaved across methods (A B C A B
 * C ...) so that drift of a shared machine spreads over all of them, a
 * checkpoint of the result file after every repetition, and a table at the
 * end of each thread count.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness/cli/cli.h"
#include "harness/engine/plan.h"
#include "harness/engine/report.h"
#include "harness/engine/runner.h"
#include "harness/util/signals.h"
#include "harness/machine/topo.h"
#include "harness/engine/validity.h"

#define DEFAULT_METHODS "pthread,pthread-adaptive,mcs-futex,futex-mutex,ticket"

struct run_opts {
	const struct lb_lock_ops *methods[64];
	unsigned int nmethods;
	unsigned int *threads;
	unsigned int nthreads;
	const char *pin_arg;
	struct lb_pin_policy pin;
	const struct lb_workload *workload;
	uint64_t cs_ns, think_ns, duration_ns, warmup_ns, stall_ns;
	uint64_t reps, spin;
	uint64_t coroutines; /* --coroutines K, 0 when not given */
	uint32_t sample_every; /* LB_SAMPLE_AUTO, LB_SAMPLE_OFF or N */
	uint64_t read_pct; /* --read-pct P, for workloads that use it */
	uint64_t cs_lines; /* --cs-lines N */
	bool think_exp; /* --think-dist exp */
	struct lb_wl_opts wl_opts; /* --offload-mode, --offload-work */
	unsigned int *locks; /* --locks LIST (NULL: the workload's default) */
	unsigned int nlocks;
	uint64_t objects; /* --objects N (bql), 0 when not given */
	uint64_t depth; /* --depth D */
	double pick_zipf; /* --pick zipf:S, 0 for uniform */
	uint64_t ops_target; /* --ops N, 0 when not given */
	bool duration_given;
	bool methods_given; /* -m was given */
	const char *output;
	char default_output[64];
	bool quiet;
	struct lb_gate gate; /* --gate, --no-gate */
	unsigned int retries; /* --retries N */
};

static int run_usage(FILE *f, int rc)
{
	fputs("usage: lockbench run [options]\n\n"
	      "Run each method at each thread count and write a result "
	      "file.\n\n"
	      "  -m, --methods LIST   comma-separated sync methods, or 'all'\n"
	      "                       (default: " DEFAULT_METHODS ")\n"
	      "  -w, --workload NAME  workload (default: counter)\n"
	      "  -t, --threads LIST   thread counts: 4 | 1,2,4 | 1-8 | 1-8:2 "
	      "| 1-64:x2\n"
	      "                       (default: 1 and powers of two up to "
	      "the PUs)\n"
	      "  -p, --pin POLICY     none | compact | scatter | PU list "
	      "0,2-3 (default: compact)\n"
	      "      --cs DUR         busy work inside the critical section "
	      "(default: 0)\n"
	      "      --think DUR      busy work after unlock (default: 0)\n"
	      "      --think-dist D   fixed (default) or exp: exponential "
	      "think times\n"
	      "                       with mean --think\n"
	      "      --cs-lines N     also write N shared cache lines in the "
	      "critical\n"
	      "                       section (default: 0)\n"
	      "      --locks LIST     stripe over N locks (counter), or the "
	      "locks guarding\n"
	      "                       the objects (bql; default: 1 and "
	      "--objects); a list\n"
	      "                       like --threads, each value its own "
	      "configuration\n"
	      "      --pick P         how an operation picks its lock/object: "
	      "uniform\n"
	      "                       (default) or zipf:S (skewed, exponent "
	      "S > 0)\n"
	      "      --objects N      bql: objects the operations work on "
	      "(default: 64)\n"
	      "      --depth D        acquire the lock D times, nested "
	      "(recursive methods\n"
	      "                       only; default: 1)\n"
	      "  -d, --duration DUR   measured time of each repetition "
	      "(default: 500ms;\n"
	      "                       with --ops, the time limit: default "
	      "60s)\n"
	      "      --ops N          measure N operations (all threads "
	      "together) instead\n"
	      "                       of a duration; the count reached is "
	      "recorded\n"
	      "      --warmup DUR     unmeasured time before it (default: "
	      "100ms)\n"
	      "  -r, --reps N         repetitions (default: 5)\n"
	      "      --coroutines K   run K coroutines in each thread's event "
	      "loop (default:\n"
	      "                       1 for coroutine methods; other methods "
	      "run on the\n"
	      "                       thread itself unless K is given)\n"
	      "      --sample-every N time one acquisition in N (default: "
	      "auto, about 1%\n"
	      "                       of the time; 0 turns latency sampling "
	      "off)\n"
	      "      --spin N         spins before sleeping, for methods "
	      "that spin first\n"
	      "      --read-pct P     percent of operations that read, for "
	      "reader/writer\n"
	      "                       workloads (rwmix; 0-100, default: 90)\n"
	      "      --offload-mode M submit_co | run_in_worker | inline: how "
	      "the offload\n"
	      "                       workload hands work to the pool "
	      "(default: submit_co)\n"
	      "      --offload-work W busy | sleep: offloaded work spins or "
	      "sleeps --cs\n"
	      "                       (default: busy)\n"
	      "      --stall-timeout DUR  how long workers may take to stop "
	      "(default: 10s)\n"
	      "      --retries N      extra repetitions per configuration to "
	      "replace invalid\n"
	      "                       ones (default: 2; 0 keeps them without "
	      "re-running)\n"
	      "      --gate K=V,...   validity thresholds: wall, cpu_high, "
	      "cpu_low, other_cpu,\n"
	      "                       ivcsw, migrations (a number, or off; "
	      "see README.md)\n"
	      "      --no-gate        judge no repetition: all are valid\n" LB_LOCK_LIB_HELP
	      "  -o, --output FILE    result file (default: "
	      "lockbench-DATE-TIME.json)\n"
	      "  -q, --quiet          no table on stdout, no progress bar\n"
	      "  -h, --help           this text\n\n"
	      "Durations take a unit: ns, us, ms, s, min (250ns, 2us, "
	      "1.5s).\n"
	      "More threads than PUs is allowed and flagged OVERSUBSCRIBED.\n"
	      "Each repetition runs in a child process: a configuration that "
	      "stalls or\ncrashes is recorded as an error and the others "
	      "still run.\n\n"
	      "exit status: 0 success, 1 a correctness check failed, 2 bad "
	      "usage or input,\n3 a configuration could not be measured "
	      "(stall, crash, no threads; 3 wins\nover 1)\n",
	      f);
	return rc;
}

static void parse_methods(struct run_opts *o, const char *arg)
{
	const char *names[64];
	char *copy, *item, *save = NULL;
	unsigned int i, n = 0;

	for (i = 0; i < lb_nlocks && n < LB_ARRAY_SIZE(names); i++)
		if (!(lb_locks[i]->flags & LB_TEST_ONLY))
			names[n++] = lb_locks[i]->name;
	if (!strcmp(arg, "all")) {
		for (i = 0; i < n; i++)
			o->methods[i] = lb_lock_find(names[i]);
		o->nmethods = n;
		return;
	}
	if (!*arg || arg[0] == ',' || arg[strlen(arg) - 1] == ',' ||
	    strstr(arg, ",,"))
		lb_usage_error("invalid --methods value '%s': empty item", arg);
	copy = strdup(arg);
	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		const struct lb_lock_ops *ops = lb_lock_find(item);
		const char *hint = lb_closest(item, names, n);
		const char *tl = getenv("LOCKBENCH_TEST_LOCKS");

		/* Test-only methods: by name, and with LOCKBENCH_TEST_LOCKS=1. */
		if (ops && (ops->flags & LB_TEST_ONLY) &&
		    !(tl && !strcmp(tl, "1")))
			ops = NULL;
		if (!ops)
			lb_usage_error("unknown method '%s'%s%s%s (see "
				       "'lockbench list')",
				       item, hint ? " (did you mean '" : "",
				       hint ? hint : "", hint ? "'?)" : "");
		for (i = 0; i < o->nmethods; i++)
			if (o->methods[i] == ops)
				lb_usage_error("method '%s' is listed twice",
					       item);
		if (o->nmethods == LB_ARRAY_SIZE(o->methods))
			lb_usage_error("too many methods");
		o->methods[o->nmethods++] = ops;
	}
	free(copy);
}

static void parse_workload(struct run_opts *o, const char *arg)
{
	const char *names[16];
	unsigned int i;
	const char *hint;

	o->workload = lb_workload_find(arg);
	if (o->workload)
		return;
	for (i = 0; i < lb_nworkloads && i < LB_ARRAY_SIZE(names); i++)
		names[i] = lb_workloads[i]->name;
	hint = lb_closest(arg, names, i);
	lb_usage_error("unknown workload '%s'%s%s%s (see 'lockbench list')",
		       arg, hint ? " (did you mean '" : "", hint ? hint : "",
		       hint ? "'?)" : "");
}

static void duration_opt(const char *opt, const char *arg, uint64_t min,
			 uint64_t max, uint64_t *out)
{
	char err[LB_ERRLEN];

	if (lb_parse_duration(opt, arg, min, max, out, err, sizeof(err)))
		lb_usage_error("%s", err);
}

static void number_opt(const char *opt, const char *arg, uint64_t min,
		       uint64_t max, uint64_t *out)
{
	char err[LB_ERRLEN];

	if (lb_parse_u64(opt, arg, min, max, out, err, sizeof(err)))
		lb_usage_error("%s", err);
}

enum {
	OPT_CS = 256,
	OPT_THINK,
	OPT_WARMUP,
	OPT_SPIN,
	OPT_STALL,
	OPT_CO,
	OPT_SAMPLE,
	OPT_CS_LINES,
	OPT_THINK_DIST,
	OPT_READ_PCT,
	OPT_OFFLOAD_MODE,
	OPT_OFFLOAD_WORK,
	OPT_RETRIES,
	OPT_GATE,
	OPT_NO_GATE,
	OPT_LOCKS,
	OPT_PICK,
	OPT_OBJECTS,
	OPT_DEPTH,
	OPT_OPS,
	OPT_LOCK_LIB,
};

/* --pick uniform | zipf:S */
static double pick_opt(const char *arg)
{
	char err[LB_ERRLEN];
	double s;

	if (lb_parse_pick("--pick", arg, &s, err, sizeof(err)))
		lb_usage_error("%s", err);
	return s;
}

static unsigned int offload_mode_opt(const char *arg)
{
	unsigned int i;

	for (i = 0; i < LB_ARRAY_SIZE(lb_offload_mode_names); i++)
		if (!strcmp(arg, lb_offload_mode_names[i]))
			return i;
	lb_usage_error("invalid --offload-mode value '%s': submit_co, "
		       "run_in_worker or inline",
		       arg);
}

static const struct option run_longopts[] = {
	{ "methods", required_argument, NULL, 'm' },
	{ "workload", required_argument, NULL, 'w' },
	{ "threads", required_argument, NULL, 't' },
	{ "pin", required_argument, NULL, 'p' },
	{ "cs", required_argument, NULL, OPT_CS },
	{ "think", required_argument, NULL, OPT_THINK },
	{ "duration", required_argument, NULL, 'd' },
	{ "warmup", required_argument, NULL, OPT_WARMUP },
	{ "reps", required_argument, NULL, 'r' },
	{ "spin", required_argument, NULL, OPT_SPIN },
	{ "coroutines", required_argument, NULL, OPT_CO },
	{ "sample-every", required_argument, NULL, OPT_SAMPLE },
	{ "cs-lines", required_argument, NULL, OPT_CS_LINES },
	{ "think-dist", required_argument, NULL, OPT_THINK_DIST },
	{ "read-pct", required_argument, NULL, OPT_READ_PCT },
	{ "offload-mode", required_argument, NULL, OPT_OFFLOAD_MODE },
	{ "offload-work", required_argument, NULL, OPT_OFFLOAD_WORK },
	{ "stall-timeout", required_argument, NULL, OPT_STALL },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "gate", required_argument, NULL, OPT_GATE },
	{ "no-gate", no_argument, NULL, OPT_NO_GATE },
	{ "locks", required_argument, NULL, OPT_LOCKS },
	{ "pick", required_argument, NULL, OPT_PICK },
	{ "objects", required_argument, NULL, OPT_OBJECTS },
	{ "depth", required_argument, NULL, OPT_DEPTH },
	{ "ops", required_argument, NULL, OPT_OPS },
	{ "lock-lib", required_argument, NULL, OPT_LOCK_LIB },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void parse_run_option(struct run_opts *o, int c, char **argv)
{
	char err[LB_ERRLEN];

	switch (c) {
	case 'm':
		o->nmethods = 0;
		parse_methods(o, optarg);
		o->methods_given = true;
		break;
	case 'w':
		parse_workload(o, optarg);
		break;
	case 't':
		free(o->threads);
		if (lb_parse_threads("--threads", optarg, &o->threads,
				     &o->nthreads, err, sizeof(err)))
			lb_usage_error("%s", err);
		break;
	case 'p':
		lb_pin_policy_free(&o->pin);
		if (lb_pin_parse(optarg, &o->pin, err, sizeof(err)))
			lb_usage_error("%s", err);
		o->pin_arg = optarg;
		break;
	case OPT_CS:
		duration_opt("--cs", optarg, 0, 1000000000ull, &o->cs_ns);
		break;
	case OPT_THINK:
		duration_opt("--think", optarg, 0, 1000000000ull, &o->think_ns);
		break;
	case 'd':
		duration_opt("--duration", optarg, 1000000ull, 3600000000000ull,
			     &o->duration_ns);
		o->duration_given = true;
		break;
	case OPT_LOCKS:
		free(o->locks);
		if (lb_parse_threads("--locks", optarg, &o->locks, &o->nlocks,
				     err, sizeof(err)))
			lb_usage_error("%s", err);
		break;
	case OPT_PICK:
		o->pick_zipf = pick_opt(optarg);
		break;
	case OPT_OBJECTS:
		number_opt("--objects", optarg, 1, 1u << 20, &o->objects);
		break;
	case OPT_DEPTH:
		number_opt("--depth", optarg, 1, 1000, &o->depth);
		break;
	case OPT_OPS:
		number_opt("--ops", optarg, 1, 1000000000000000ull,
			   &o->ops_target);
		break;
	case OPT_WARMUP:
		duration_opt("--warmup", optarg, 0, 3600000000000ull,
			     &o->warmup_ns);
		break;
	case OPT_STALL:
		duration_opt("--stall-timeout", optarg, 100000000ull,
			     3600000000000ull, &o->stall_ns);
		break;
	case 'r':
		number_opt("--reps", optarg, 1, 1000, &o->reps);
		break;
	case OPT_SPIN:
		number_opt("--spin", optarg, 1, 100000000, &o->spin);
		break;
	case OPT_CS_LINES:
		number_opt("--cs-lines", optarg, 0, 4096, &o->cs_lines);
		break;
	case OPT_THINK_DIST:
		if (strcmp(optarg, "fixed") && strcmp(optarg, "exp"))
			lb_usage_error("invalid --think-dist value '%s': "
				       "expected fixed or exp",
				       optarg);
		o->think_exp = !strcmp(optarg, "exp");
		break;
	case OPT_SAMPLE: {
		uint64_t n;

		number_opt("--sample-every", optarg, 0, 1u << 30, &n);
		o->sample_every = n ? (uint32_t)n : LB_SAMPLE_OFF;
		break;
	}
	case OPT_CO:
		number_opt("--coroutines", optarg, 1, 4096, &o->coroutines);
		break;
	case OPT_READ_PCT:
		number_opt("--read-pct", optarg, 0, 100, &o->read_pct);
		break;
	case OPT_OFFLOAD_MODE:
		o->wl_opts.offload_mode = offload_mode_opt(optarg);
		break;
	case OPT_OFFLOAD_WORK:
		if (strcmp(optarg, "busy") && strcmp(optarg, "sleep"))
			lb_usage_error("invalid --offload-work value '%s': "
				       "busy or sleep",
				       optarg);
		o->wl_opts.offload_sleep = !strcmp(optarg, "sleep");
		break;
	case OPT_RETRIES:
		if (lb_retries_parse("--retries", optarg, &o->retries, err,
				     sizeof(err)))
			lb_usage_error("%s", err);
		break;
	case OPT_GATE:
		if (lb_gate_parse(optarg, &o->gate, err, sizeof(err)))
			lb_usage_error("%s", err);
		break;
	case OPT_NO_GATE:
		o->gate.on = false;
		break;
	case OPT_LOCK_LIB: /* loaded already: lb_cli_lock_libs() */
		break;
	case 'o':
		o->output = optarg;
		break;
	case 'q':
		o->quiet = true;
		break;
	default:
		lb_bad_option("run", c, argv, run_longopts);
	}
}

/*
 * Every method must have a loop for the workload (rwmix needs a reader/writer
 * mode).  Without -m, a workload that needs something runs every method that
 * has it instead of the default list.
 */
static void check_workload_methods(struct run_opts *o)
{
	const struct lb_workload *wl = o->workload;
	char have[512] = "";
	size_t used = 0;
	unsigned int i, m;

	if (!o->methods_given && wl->needs)
		o->nmethods = 0;
	for (i = 0; i < lb_nlocks; i++) {
		if ((lb_locks[i]->flags & LB_TEST_ONLY) || !wl->loop_for(i))
			continue;
		used += snprintf(have + used,
				 used < sizeof(have) ? sizeof(have) - used : 0,
				 "%s%s", used ? ", " : "", lb_locks[i]->name);
		if (!o->methods_given && wl->needs &&
		    o->nmethods < LB_ARRAY_SIZE(o->methods))
			o->methods[o->nmethods++] = lb_locks[i];
	}
	for (m = 0; m < o->nmethods; m++) {
		if (wl->loop_for(lb_lock_index(o->methods[m])))
			continue;
		lb_usage_error("method '%s' has no %s (%s needs one of: %s)",
			       o->methods[m]->name,
			       wl->needs ? wl->needs : "loop for it", wl->name,
			       have);
	}
}

/*
 * --locks, --pick, --objects, --depth, --ops: each only where the workload
 * and every method honour it, never silently ignored.
 */
static void check_knobs(struct run_opts *o)
{
	const struct lb_workload *wl = o->workload;
	char err[LB_ERRLEN];
	unsigned int i, m;

	if ((o->locks || o->pick_zipf > 0) && !wl->uses_locks)
		lb_usage_error("--locks/--pick: workload '%s' has a single "
			       "lock (counter and bql stripe)",
			       wl->name);
	if (o->objects && !wl->uses_objects)
		lb_usage_error("--objects: only the bql workload has objects "
			       "(not '%s')",
			       wl->name);
	if (o->depth > 1 && !wl->uses_depth)
		lb_usage_error("--depth: workload '%s' does not nest "
			       "acquisitions (counter and bql do)",
			       wl->name);
	if (wl->uses_objects && !o->objects)
		o->objects = LB_BQL_OBJECTS;
	if (wl->uses_objects && !o->locks) {
		o->locks = lb_xzalloc(2 * sizeof(*o->locks));
		o->locks[o->nlocks++] = 1;
		if (o->objects > 1)
			o->locks[o->nlocks++] = (unsigned int)o->objects;
	}
	for (i = 0; wl->uses_objects && i < o->nlocks; i++)
		if (o->locks[i] > o->objects)
			lb_usage_error("--locks %u: more locks than the %llu "
				       "objects they guard (--objects)",
				       o->locks[i],
				       (unsigned long long)o->objects);
	if (o->pick_zipf > 0 && !wl->uses_objects &&
	    (!o->locks || o->locks[o->nlocks - 1] < 2))
		lb_usage_error("--pick: with a single lock there is nothing "
			       "to pick (give --locks N)");
	for (m = 0; m < o->nmethods; m++)
		if (lb_plan_check_method(
			    wl, o->methods[m], (unsigned int)o->depth,
			    o->locks && o->locks[o->nlocks - 1] > 1, err,
			    sizeof(err)))
			lb_usage_error("%s", err);
	if (o->ops_target && !o->duration_given)
		o->duration_ns = 60000000000ull;
}

/* `none` excludes nothing: it may only run where nothing needs excluding. */
static void check_no_exclusion(const struct run_opts *o)
{
	unsigned int m;

	for (m = 0; m < o->nmethods; m++) {
		if (!(o->methods[m]->flags & LB_NO_EXCLUSION))
			continue;
		if (o->threads[o->nthreads - 1] > 1 || o->coroutines > 1)
			lb_usage_error(
				"method '%s' has no mutual exclusion and runs "
				"at 1 thread only (it measures the harness's "
				"own cost); run it separately with -t 1",
				o->methods[m]->name);
	}
}

/* Default thread counts: 1, 2, 4, ... up to the number of PUs, and it. */
static void default_threads(struct run_opts *o, const struct lb_topo *topo)
{
	struct lb_topo_summary sum;
	unsigned int t;

	lb_topo_summary(topo, &sum);
	o->threads = lb_xzalloc(sizeof(*o->threads) * 16);
	for (t = 1; t < sum.pus && o->nthreads < 15; t *= 2)
		o->threads[o->nthreads++] = t;
	o->threads[o->nthreads++] = sum.pus ? sum.pus : 1;
}

static void parse_run(struct run_opts *o, int argc, char **argv)
{
	char err[LB_ERRLEN];
	time_t now = time(NULL);
	int c;

	*o = (struct run_opts){
		.duration_ns = 500000000ull,
		.warmup_ns = 100000000ull,
		.stall_ns = 10000000000ull,
		.reps = 5,
		.read_pct = 90,
		.pin_arg = "compact",
		.workload = &lb_workload_counter,
		.retries = LB_RETRIES_DEFAULT,
		.depth = 1,
	};
	lb_gate_defaults(&o->gate);
	lb_gate_env(&o->gate);
	if (lb_pin_parse("compact", &o->pin, err, sizeof(err)))
		lb_die("%s", err);
	lb_cli_lock_libs(argc, argv);
	parse_methods(o, DEFAULT_METHODS);
	while ((c = getopt_long(argc, argv, ":m:w:t:p:d:r:o:qh", run_longopts,
				NULL)) != -1) {
		if (c == 'h')
			exit(run_usage(stdout, 0));
		parse_run_option(o, c, argv);
	}
	if (optind < argc)
		lb_usage_error("run: unexpected argument '%s' (options start "
			       "with -, see 'lockbench run --help')",
			       argv[optind]);
	check_workload_methods(o);
	check_knobs(o);
	strftime(o->default_output, sizeof(o->default_output),
		 "lockbench-%Y%m%d-%H%M%S.json", localtime(&now));
	if (!o->output)
		o->output = o->default_output;
	if (lb_plan_check_output(o->output, err, sizeof(err)))
		lb_usage_error("%s", err);
}

int lb_cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct lb_plan plan;
	struct lb_engine e = { .plan = &plan };
	char err[LB_ERRLEN], affinity[128];
	unsigned int t;
	int rc;

	parse_run(&o, argc, argv);
	lb_signals_install();
	if (lb_topo_load(&e.topo, NULL, err, sizeof(err)))
		lb_usage_error("%s", err);
	if (lb_topo_restrict_to_affinity(e.topo, affinity, sizeof(affinity)) &&
	    !o.quiet)
		printf("CPU affinity mask: using PUs %s only\n", affinity);
	if (!o.threads)
		default_threads(&o, e.topo);
	check_no_exclusion(&o);
	/* One group per thread count: its methods interleaved. */
	plan = (struct lb_plan){
		.pin_arg = o.pin_arg,
		.pin = o.pin,
		.duration_ns = o.duration_ns,
		.warmup_ns = o.warmup_ns,
		.stall_ns = o.stall_ns,
		.spin = o.spin,
		.reps = (unsigned int)o.reps,
		.sample_every = o.sample_every,
		.ops_target = o.ops_target,
		.gate = o.gate,
		.retries = o.retries,
	};
	for (t = 0; t < o.nthreads; t++) {
		unsigned int l;

		for (l = 0; l < (o.nlocks ? o.nlocks : 1); l++) {
			struct lb_plan_cfg tmpl = {
				.workload = o.workload,
				.nthreads = o.threads[t],
				.cs_ns = o.cs_ns,
				.think_ns = o.think_ns,
				.read_pct = (unsigned int)o.read_pct,
				.cs_lines = (unsigned int)o.cs_lines,
				.think_exp = o.think_exp,
				.wl_opts = o.wl_opts,
				.depth = (unsigned int)o.depth,
				.pick_zipf = o.pick_zipf,
			};

			lb_plan_cfg_objects(&tmpl, o.locks ? o.locks[l] : 1,
					    (unsigned int)o.objects);
			lb_plan_add_group(&plan, &tmpl, o.methods, o.nmethods,
					  (unsigned int)o.coroutines);
		}
	}
	/* Validate every plan before running anything. */
	if (lb_plan_check_pins(&plan, e.topo, err, sizeof(err)))
		lb_usage_error("%s", err);
	e.output = o.output;
	e.argc = argc + 1;
	e.argv = argv - 1;
	e.quiet = o.quiet;
	rc = lb_engine_run(&e);
	lb_plan_free(&plan);
	free(o.threads);
	free(o.locks);
	lb_topo_destroy(e.topo);
	return rc;
}
