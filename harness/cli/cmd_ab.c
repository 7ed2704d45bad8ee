/* SPDX-License-Identifier: MIT */
/*
 * cmd_ab.c - `lockbench ab --a CMD --b CMD`: run two builds interleaved,
 * A B A B ..., each invocation a short `run` writing its own result file,
 * and compare them treating each invocation as one sample (the best of its
 * repetitions: see compare.h).  On a shared
 * machine this is the reliable check: slow drift of the machine's load hits
 * both builds alike, and the noise between processes (which repetitions
 * inside one process cannot show) is what the samples measure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/cli/cli.h"
#include "harness/analysis/compare.h"
#include "runtime/compiler.h"

#define DEFAULT_RUNS 6
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
	      "and compare B against A with\none sample per invocation.\n\n"
	      "  --a CMD, --b CMD     a lockbench binary, optionally with a "
	      "prefix, split at\n"
	      "                       spaces: \"./old/lockbench\", \"env "
	      "X=1 ./lockbench\".\n"
	      "                       ab appends: run RUN-OPTIONS -q -o "
	      "FILE.  If CMD already\n"
	      "                       has the word 'run', only -q -o FILE "
	      "is appended.\n"
	      "  -n, --runs N         invocations of each (default 6, at "
	      "least 2)\n"
	      "      --keep DIR       keep the result files in DIR (default: "
	      "a temporary\n"
	      "                       directory, removed at the end)\n"
	      "      --threshold T    smallest change that matters (default "
	      "5%)\n"
	      "      --alpha A        family-wise level, Holm (default "
	      "0.05)\n"
	      "      --metric LIST    metrics to compare (default: all)\n"
	      "      --json           machine-readable output\n"
	      "  -h, --help           this text\n\n"
	      "RUN-OPTIONS default to: " DEFAULT_RUN_ARGS "\n\n"
	      "exit status: 0 no regression of B against A, 1 regression, 2 "
	      "bad usage,\n3 an invocation failed\n",
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

static void remove_dir(const char *dir, unsigned int runs)
{
	char path[4200];
	unsigned int i;

	for (i = 0; i < runs; i++) {
		snprintf(path, sizeof(path), "%s/a-%02u.json", dir, i + 1);
		unlink(path);
		snprintf(path, sizeof(path), "%s/b-%02u.json", dir, i + 1);
		unlink(path);
	}
	rmdir(dir);
}

int lb_cmd_ab(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "a", required_argument, NULL, 'A' },
		{ "b", required_argument, NULL, 'B' },
		{ "runs", required_argument, NULL, 'n' },
		{ "keep", required_argument, NULL, 'k' },
		{ "threshold", required_argument, NULL, LB_OPT_THRESHOLD },
		{ "alpha", required_argument, NULL, LB_OPT_ALPHA },
		{ "metric", required_argument, NULL, LB_OPT_METRIC },
		{ "json", no_argument, NULL, LB_OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmdline a = { 0 }, b = { 0 }, dflt = { 0 };
	struct lb_rf **fa, **fb;
	struct lb_cmp_opts o;
	char dir[4096], err[LB_ERRLEN], **run_args;
	const char *keep = NULL, *tmp;
	unsigned int i, nrun_args;
	uint64_t runs = DEFAULT_RUNS;
	int c, rc;

	lb_cmp_defaults(&o);
	o.base_name = "A";
	o.new_name = "B";
	while ((c = getopt_long(argc, argv, "+:hn:", longopts, NULL)) != -1) {
		switch (c) {
		case 'A':
			split_cmd("--a", optarg, &a);
			break;
		case 'B':
			split_cmd("--b", optarg, &b);
			break;
		case 'n':
			if (lb_parse_u64("--runs", optarg, 2, 1000, &runs, err,
					 sizeof(err)))
				lb_usage_error("%s", err);
			break;
		case 'k':
			keep = optarg;
			break;
		case 'h':
			return ab_usage(stdout, 0);
		default:
			if (!lb_cmp_option(&o, c, optarg))
				lb_bad_option("ab", c, argv, longopts);
		}
	}
	if (!a.n || !b.n)
		lb_usage_error("ab: both --a CMD and --b CMD are needed (see "
			       "'lockbench ab --help')");
	if (optind < argc && strcmp(argv[optind - 1], "--"))
		lb_usage_error("ab: unexpected argument '%s' (run options go "
			       "after --)",
			       argv[optind]);
	run_args = argv + optind;
	nrun_args = (unsigned int)(argc - optind);
	if (!nrun_args) {
		split_cmd("run options", DEFAULT_RUN_ARGS, &dflt);
		run_args = dflt.words;
		nrun_args = dflt.n;
	}
	if (keep) {
		struct stat st;

		if (stat(keep, &st) && mkdir(keep, 0755))
			lb_usage_error("invalid --keep directory '%s': %s",
				       keep, strerror(errno));
		if (!stat(keep, &st) && !S_ISDIR(st.st_mode))
			lb_usage_error("invalid --keep directory '%s': not a "
				       "directory",
				       keep);
		snprintf(dir, sizeof(dir), "%s", keep);
	} else {
		tmp = getenv("TMPDIR");
		snprintf(dir, sizeof(dir), "%s/lockbench-ab-XXXXXX",
			 tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(dir))
			lb_usage_error("cannot create a directory in '%s': %s",
				       tmp && *tmp ? tmp : "/tmp",
				       strerror(errno));
	}
	fa = lb_xzalloc(runs * sizeof(*fa));
	fb = lb_xzalloc(runs * sizeof(*fb));
	/* Interleaved: A B A B ..., so drift of the machine hits both. */
	for (i = 0; i < 2 * runs; i++) {
		const struct cmdline *which = i % 2 ? &b : &a;
		char file[4200];
		int st;

		snprintf(file, sizeof(file), "%s/%c-%02u.json", dir,
			 i % 2 ? 'b' : 'a', i / 2 + 1);
		if (isatty(STDERR_FILENO))
			fprintf(stderr, "\r\033[Kab: %c %u/%u",
				i % 2 ? 'B' : 'A', i / 2 + 1,
				(unsigned int)runs);
		st = invoke(which, run_args, nrun_args, file);
		/*
		 * 1: a check failed, or a starved repetition completed no
		 * operation.  The file says which; compare reports a failed
		 * check of B as a regression and leaves empty repetitions out.
		 */
		if (st == LB_EXIT_CHECK && !access(file, R_OK)) {
			fprintf(stderr,
				"%slockbench: ab: invocation %u of %c exited "
				"1: a check failed, or a repetition completed "
				"nothing (see the table)\n",
				isatty(STDERR_FILENO) ? "\n" : "", i / 2 + 1,
				i % 2 ? 'B' : 'A');
			st = 0;
		}
		if (st) {
			/* Bad run options, or no such command: said once. */
			if (st != LB_EXIT_USAGE && st != 127)
				fprintf(stderr,
					"%slockbench: ab: invocation %u of %c "
					"failed (exit status %d): %s\n",
					isatty(STDERR_FILENO) ? "\n" : "",
					i / 2 + 1, i % 2 ? 'B' : 'A', st,
					which->words[0]);
			if (!keep)
				remove_dir(dir, (unsigned int)runs);
			exit(st == LB_EXIT_USAGE || st == 127 ? LB_EXIT_USAGE :
								LB_EXIT_RUN);
		}
		if (lb_rf_load(file, i % 2 ? &fb[i / 2] : &fa[i / 2], err,
			       sizeof(err))) {
			if (!keep)
				remove_dir(dir, (unsigned int)runs);
			lb_usage_error("%s", err);
		}
	}
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r\033[K");
	rc = lb_compare(&o, LB_CMP_INVOCATIONS, fa, (unsigned int)runs, fb,
			(unsigned int)runs, stdout);
	if (!keep)
		remove_dir(dir, (unsigned int)runs);
	else if (!o.json)
		printf("result files: %s/a-*.json, %s/b-*.json\n", dir, dir);
	for (i = 0; i < runs; i++) {
		lb_rf_free(fa[i]);
		lb_rf_free(fb[i]);
	}
	free(fa);
	free(fb);
	free(a.buf);
	free(b.buf);
	free(dflt.buf);
	return rc;
}
