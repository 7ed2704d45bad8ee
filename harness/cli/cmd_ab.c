/* SPDX-License-Identifier: MIT */
/*
 * cmd_ab.c - `lockbench ab --a CMD --b CMD`: run two builds interleaved,
 * A B A B ..., each invocation a short `run` writing its own result file,
 * and compare them with one sample per invocation (the mean of its
 * repetitions: see compare.h).  On a shared machine this is the reliable
 * check: slow drift of the machine's load hits both builds alike, and the
 * noise between processes (which repetitions inside one process cannot
 * show) is what the samples measure.
 *
 * Sequential: without -n, ab looks at the data after every quarter of
 * --max-runs pairs (6, 12, 18, 24 by default) and stops at the first look
 * where no gated configuration is undecided; when the next look would not
 * fit in --budget, it runs the pairs that still fit and makes its last
 * look after them.  Each look tests at its share of alpha under a
 * Lan-DeMets spending function of O'Brien-Fleming type (Lan & DeMets,
 * Biometrika 70(3), 1983; O'Brien & Fleming, Biometrics 35(3), 1979), and
 * the last look made spends what is left: the shares add up to alpha, so
 * by the union bound the error rates hold however the looks depend on each
 * other and wherever the procedure stops (verdict.h: lb_look_level).  The
 * exact group-sequential boundaries (Armitage, McPherson & Rowe 1969) would
 * give the last look a little more, but they assume normal statistics with
 * a known variance; ours are t or rank intervals on a few samples.  We
 * chose this over an always-valid confidence sequence (Howard et al., Ann.
 * Statist. 49(2), 2021), which pays for looking after every pair with
 * intervals much wider at the sizes a CI check can afford.  O'Brien-Fleming
 * spends almost nothing early, so a look stops early only on a large,
 * clear change, and the last look keeps most of alpha.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness/cli/cli.h"
#include "harness/analysis/compare.h"
#include "runtime/compiler.h"

#define DEFAULT_MAX_RUNS 24
#define DEFAULT_BUDGET_NS (240ull * 1000000000ull)
#define MAX_LOOKS 4
#define FIRST_LOOK 6 /* pairs at least before the first look */
#define MAX_WORDS 64
#define DEFAULT_RUN_ARGS                                                   \
	"-m pthread,mcs-futex,ticket -t 1 --duration 100ms --warmup 20ms " \
	"--reps 3"

static int ab_usage(FILE *f, int rc)
{
	fputs("usage: lockbench ab --a CMD --b CMD [options] [-- RUN-OPTIONS]"
	      "\n\n"
	      "Run two lockbench builds interleaved (A B A B ...) on this "
	      "machine, each\ninvocation a 'run' with its own result file, "
	      "and compare B against A with\none sample per invocation, "
	      "until every gated configuration is decided.\n\n"
	      "  --a CMD, --b CMD     a lockbench binary, optionally with a "
	      "prefix, split at\n"
	      "                       spaces: \"./old/lockbench\", \"env "
	      "X=1 ./lockbench\".\n"
	      "                       ab appends: run RUN-OPTIONS -q -o "
	      "FILE.  If CMD already\n"
	      "                       has the word 'run', only -q -o FILE "
	      "is appended.\n"
	      "      --max-runs N     sequential: at most N invocations of "
	      "each (default 24),\n"
	      "                       looking after every quarter\n"
	      "      --budget TIME    sequential: the last look by TIME, "
	      "after as many pairs\n"
	      "                       as fit (default 4min; 90s, 5m, "
	      "5min)\n"
	      "  -n, --runs N         exactly N invocations of each, one "
	      "look (at least 2)\n"
	      "      --keep DIR       keep the result files in DIR (default: "
	      "a temporary\n"
	      "                       directory, removed at the end)\n"
	      "      --threshold T    the margin of equivalence (default "
	      "5%)\n"
	      "      --alpha A        family-wise error level (default "
	      "0.05)\n"
	      "      --metric LIST    metrics shown (default: all)\n"
	      "      --gate LIST      metrics that decide (default: "
	      "ops_per_sec,\n"
	      "                       cpu_us_per_op)\n"
	      "      --json           machine-readable output\n"
	      "  -h, --help           this text\n\n"
	      "RUN-OPTIONS default to: " DEFAULT_RUN_ARGS "\n\n"
	      "exit status: 0 every gated configuration equivalent or "
	      "improved, 1 regression,\n2 bad usage, 3 an invocation failed, "
	      "4 undecided within the budget\n",
	      f);
	return rc;
}

struct cmdline {
	char *buf;
	char *words[MAX_WORDS + 1];
	unsigned int n;
	bool has_run;
};

static void split_cmd(const char *opt, const char *arg, struct cmdline *c)
{
	char *w, *save = NULL;

	free(c->buf);
	*c = (struct cmdline){ .buf = strdup(arg) };
	if (!c->buf)
		lb_usage_error("out of memory");
	for (w = strtok_r(c->buf, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save)) {
		if (c->n == MAX_WORDS)
			lb_usage_error("invalid %s value: more than %d words",
				       opt, MAX_WORDS);
		c->has_run |= !strcmp(w, "run");
		c->words[c->n++] = w;
	}
	if (!c->n)
		lb_usage_error("invalid %s value '%s': empty command", opt,
			       arg);
}

/*
 * Run @c (+ run args) writing @file.  Returns the child's exit status, or
 * 127 when it could not be started.
 */
static int invoke(const struct cmdline *c, char **run_args,
		  unsigned int nrun_args, const char *file)
{
	char **argv = lb_xzalloc((c->n + nrun_args + 6) * sizeof(*argv));
	unsigned int i, n = 0;
	int status;
	pid_t pid;

	for (i = 0; i < c->n; i++)
		argv[n++] = c->words[i];
	if (!c->has_run) {
		argv[n++] = (char *)"run";
		for (i = 0; i < nrun_args; i++)
			argv[n++] = run_args[i];
	}
	argv[n++] = (char *)"-q";
	argv[n++] = (char *)"-o";
	argv[n++] = (char *)file;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		lb_usage_error("cannot fork: %s", strerror(errno));
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0)
			dup2(fd, STDOUT_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "lockbench ab: cannot run '%s': %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	free(argv);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			lb_die("waitpid: %s", strerror(errno));
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

struct ab {
	struct cmdline a, b, dflt;
	char **run_args;
	unsigned int nrun_args;
	const char *keep;
	char dir[4096];
	uint64_t max_runs; /* pairs at most */
	uint64_t budget_ns; /* 0: none (-n) */
	bool fixed; /* -n: one look */
	struct lb_rf **fa, **fb; /* max_runs each */
	unsigned int done; /* pairs run */
	double start_s;
	struct lb_cmp_opts o;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void remove_dir(const struct ab *ab)
{
	char path[4200];
	unsigned int i;

	if (ab->keep)
		return;
	for (i = 0; i < ab->done + 1; i++) {
		snprintf(path, sizeof(path), "%s/a-%02u.json", ab->dir, i + 1);
		unlink(path);
		snprintf(path, sizeof(path), "%s/b-%02u.json", ab->dir, i + 1);
		unlink(path);
	}
	rmdir(ab->dir);
}

/* "5m" is five minutes here, as "5min" is for lb_parse_duration. */
static void parse_budget(const char *arg, uint64_t *ns)
{
	char buf[64], err[LB_ERRLEN];
	size_t len = strlen(arg);

	snprintf(buf, sizeof(buf), "%s%s", arg,
		 len && arg[len - 1] == 'm' && len < sizeof(buf) - 2 ? "in" :
								       "");
	if (lb_parse_duration("--budget", buf, 1000000000ull,
			      24ull * 3600 * 1000000000ull, ns, err,
			      sizeof(err)))
		lb_usage_error("invalid --budget value '%s': expected a time "
			       "of at least 1s, like 90s, 5m or 5min",
			       arg);
}

static void parse_args(struct ab *ab, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "a", required_argument, NULL, 'A' },
		{ "b", required_argument, NULL, 'B' },
		{ "runs", required_argument, NULL, 'n' },
		{ "max-runs", required_argument, NULL, 'M' },
		{ "budget", required_argument, NULL, 'T' },
		{ "keep", required_argument, NULL, 'k' },
		{ "threshold", required_argument, NULL, LB_OPT_THRESHOLD },
		{ "alpha", required_argument, NULL, LB_OPT_ALPHA },
		{ "metric", required_argument, NULL, LB_OPT_METRIC },
		{ "gate", required_argument, NULL, LB_OPT_GATE },
		{ "json", no_argument, NULL, LB_OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[LB_ERRLEN];
	int c;

	while ((c = getopt_long(argc, argv, "+:hn:", longopts, NULL)) != -1) {
		switch (c) {
		case 'A':
			split_cmd("--a", optarg, &ab->a);
			break;
		case 'B':
			split_cmd("--b", optarg, &ab->b);
			break;
		case 'n':
		case 'M':
			if (lb_parse_u64(c == 'n' ? "--runs" : "--max-runs",
					 optarg, 2, 1000, &ab->max_runs, err,
					 sizeof(err)))
				lb_usage_error("%s", err);
			ab->fixed = c == 'n';
			break;
		case 'T':
			parse_budget(optarg, &ab->budget_ns);
			break;
		case 'k':
			ab->keep = optarg;
			break;
		case 'h':
			exit(ab_usage(stdout, 0));
		default:
			if (!lb_cmp_option(&ab->o, c, optarg))
				lb_bad_option("ab", c, argv, longopts);
		}
	}
	if (!ab->a.n || !ab->b.n)
		lb_usage_error("ab: both --a CMD and --b CMD are needed (see "
			       "'lockbench ab --help')");
	if (optind < argc && strcmp(argv[optind - 1], "--"))
		lb_usage_error("ab: unexpected argument '%s' (run options go "
			       "after --)",
			       argv[optind]);
	ab->run_args = argv + optind;
	ab->nrun_args = (unsigned int)(argc - optind);
	if (!ab->nrun_args) {
		split_cmd("run options", DEFAULT_RUN_ARGS, &ab->dflt);
		ab->run_args = ab->dflt.words;
		ab->nrun_args = ab->dflt.n;
	}
}

static void make_dir(struct ab *ab)
{
	const char *tmp;
	struct stat st;

	if (ab->keep) {
		if (stat(ab->keep, &st) && mkdir(ab->keep, 0755))
			lb_usage_error("invalid --keep directory '%s': %s",
				       ab->keep, strerror(errno));
		if (!stat(ab->keep, &st) && !S_ISDIR(st.st_mode))
			lb_usage_error("invalid --keep directory '%s': not a "
				       "directory",
				       ab->keep);
		snprintf(ab->dir, sizeof(ab->dir), "%s", ab->keep);
		return;
	}
	tmp = getenv("TMPDIR");
	snprintf(ab->dir, sizeof(ab->dir), "%s/lockbench-ab-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(ab->dir))
		lb_usage_error("cannot create a directory in '%s': %s",
			       tmp && *tmp ? tmp : "/tmp", strerror(errno));
}

/* Invocation @pair (0-based) of B if @is_b, else of A; exits on failure. */
static void run_one(struct ab *ab, unsigned int pair, bool is_b)
{
	const struct cmdline *which = is_b ? &ab->b : &ab->a;
	const char *nl = isatty(STDERR_FILENO) ? "\n" : "";
	char file[4200], err[LB_ERRLEN];
	int st;

	snprintf(file, sizeof(file), "%s/%c-%02u.json", ab->dir,
		 is_b ? 'b' : 'a', pair + 1);
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r\033[Kab: %c %u", is_b ? 'B' : 'A',
			pair + 1);
	st = invoke(which, ab->run_args, ab->nrun_args, file);
	/*
	 * 1: a check failed, or a starved repetition completed no operation.
	 * The file says which; compare reports a failed check of B as a
	 * regression and leaves empty repetitions out.
	 */
	if (st == LB_EXIT_CHECK && !access(file, R_OK)) {
		fprintf(stderr,
			"%slockbench: ab: invocation %u of %c exited 1: a "
			"check failed, or a repetition completed nothing "
			"(see the table)\n",
			nl, pair + 1, is_b ? 'B' : 'A');
		st = 0;
	}
	if (st) {
		/* Bad run options, or no such command: said once. */
		if (st != LB_EXIT_USAGE && st != 127)
			fprintf(stderr,
				"%slockbench: ab: invocation %u of %c failed "
				"(exit status %d): %s\n",
				nl, pair + 1, is_b ? 'B' : 'A', st,
				which->words[0]);
		remove_dir(ab);
		exit(st == LB_EXIT_USAGE || st == 127 ? LB_EXIT_USAGE :
							LB_EXIT_RUN);
	}
	if (lb_rf_load(file, is_b ? &ab->fb[pair] : &ab->fa[pair], err,
		       sizeof(err))) {
		remove_dir(ab);
		lb_usage_error("%s", err);
	}
}

/* Interleaved: A B A B ..., so drift of the machine hits both alike. */
static void run_pairs(struct ab *ab, unsigned int upto)
{
	for (; ab->done < upto; ab->done++) {
		run_one(ab, ab->done, false);
		run_one(ab, ab->done, true);
	}
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r\033[K");
}

/* Pairs to have run by look @j of @looks. */
static unsigned int look_at(const struct ab *ab, unsigned int j,
			    unsigned int looks)
{
	return (unsigned int)((j * ab->max_runs + looks - 1) / looks);
}

/* Would the pairs up to look @j + 1 end after the budget? */
static bool out_of_budget(const struct ab *ab, unsigned int j,
			  unsigned int looks)
{
	double spent = now_s() - ab->start_s;
	double per_pair = ab->done ? spent / ab->done : 0;
	unsigned int more = look_at(ab, j + 1, looks) - ab->done;

	return ab->budget_ns && spent + more * per_pair > ab->budget_ns * 1e-9;
}

/* Pairs that still fit in the budget before look @j + 1, which does not. */
static unsigned int pairs_that_fit(const struct ab *ab, unsigned int j,
				   unsigned int looks)
{
	double spent = now_s() - ab->start_s, per_pair = spent / ab->done;
	double left = ab->budget_ns * 1e-9 - spent;
	unsigned int next = look_at(ab, j + 1, looks) - ab->done;
	unsigned int fit = left > per_pair ? (unsigned int)(left / per_pair) :
					     0;

	return fit < next ? fit : next - 1;
}

/* Run and look until decided, out of pairs or out of budget. */
static int sequential(struct ab *ab)
{
	unsigned int looks = 1, j;
	struct lb_cmp_outcome res;
	int rc = LB_EXIT_OK;

	if (!ab->fixed)
		looks = (unsigned int)(ab->max_runs / FIRST_LOOK);
	looks = looks < 1 ? 1 : looks > MAX_LOOKS ? MAX_LOOKS : looks;
	ab->o.looks = looks;
	for (j = 1; j <= looks; j++) {
		run_pairs(ab, look_at(ab, j, looks));
		ab->o.look = j;
		ab->o.final = j == looks || out_of_budget(ab, j, looks);
		/* the last look: after the pairs the budget still has room for
		 * (a choice made on time alone, so the levels stay valid) */
		if (ab->o.final && j < looks)
			run_pairs(ab, ab->done + pairs_that_fit(ab, j, looks));
		rc = lb_compare_look(&ab->o, LB_CMP_INVOCATIONS, ab->fa,
				     ab->done, ab->fb, ab->done, NULL, &res);
		fprintf(stderr,
			"ab: look %u of %u after %u pairs (%.0f s): %u "
			"regression%s, %u undecided, %u equivalent, %u "
			"improvement%s%s\n",
			j, looks, ab->done, now_s() - ab->start_s,
			res.regressions, res.regressions == 1 ? "" : "s",
			res.undecided, res.equivalent, res.improvements,
			res.improvements == 1 ? "" : "s",
			ab->o.final || rc != LB_EXIT_UNDECIDED ? "" :
								 "; going on");
		if (ab->o.final || rc != LB_EXIT_UNDECIDED)
			break;
	}
	return lb_compare_look(&ab->o, LB_CMP_INVOCATIONS, ab->fa, ab->done,
			       ab->fb, ab->done, stdout, NULL);
}

int lb_cmd_ab(int argc, char **argv)
{
	struct ab ab = { .max_runs = DEFAULT_MAX_RUNS,
			 .budget_ns = DEFAULT_BUDGET_NS };
	unsigned int i;
	int rc;

	lb_cmp_defaults(&ab.o);
	ab.o.base_name = "A";
	ab.o.new_name = "B";
	parse_args(&ab, argc, argv);
	if (ab.fixed)
		ab.budget_ns = 0;
	make_dir(&ab);
	ab.fa = lb_xzalloc(ab.max_runs * sizeof(*ab.fa));
	ab.fb = lb_xzalloc(ab.max_runs * sizeof(*ab.fb));
	ab.start_s = now_s();
	rc = sequential(&ab);
	remove_dir(&ab);
	if (ab.keep && !ab.o.json)
		printf("result files: %s/a-*.json, %s/b-*.json\n", ab.dir,
		       ab.dir);
	for (i = 0; i < ab.done; i++) {
		lb_rf_free(ab.fa[i]);
		lb_rf_free(ab.fb[i]);
	}
	free(ab.fa);
	free(ab.fb);
	free(ab.a.buf);
	free(ab.b.buf);
	free(ab.dflt.buf);
	return rc;
}
