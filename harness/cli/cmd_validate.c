/* SPDX-License-Identifier: MIT */
/*
 * cmd_validate.c - `lockbench validate`: the generic validation
 * (harness/engine/validate.c) of a lock from a shared object, or of any
 * method.  Each method is validated in a child process under a time
 * limit, so that a lock that deadlocks or crashes is reported as broken,
 * never hangs or kills the command.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness/cli/cli.h"
#include "harness/engine/validate.h"
#include "locks/lock.h"
#include "runtime/clock.h"

#define VALIDATE_TIMEOUT_NS 120000000000ull

struct validate_opts {
	const struct lb_lock_ops *methods[LB_MAX_LOCKS];
	unsigned int nmethods;
	struct lb_validate_opts v;
	uint64_t timeout_ns;
};

static int validate_usage(FILE *f, int rc)
{
	fputs("usage: lockbench validate --lock-lib FILE [options]\n\n"
	      "Check that a lock works before measuring it: mutual exclusion "
	      "under stress,\nFIFO order if it claims it, trylock if it has "
	      "one, recursion if it claims\nit, reader/writer exclusion if it "
	      "has a reader side.  Each method runs in its\nown process: a "
	      "deadlock or a crash is reported as broken.\n\n" LB_LOCK_LIB_HELP
	      "  -m, --methods LIST   the methods to check (default: those "
	      "of the --lock-lib\n"
	      "                       files; built-in methods may be named "
	      "too)\n"
	      "  -t, --threads N      threads of the stress checks (default: "
	      "4, or the CPUs\n"
	      "                       up to 4 for a spinning lock)\n"
	      "      --iters N        acquisitions per thread (default: "
	      "50000)\n"
	      "      --timeout DUR    time limit of each method (default: "
	      "120s)\n"
	      "  -h, --help           this text\n\n"
	      "exit status: 0 every method is valid, 1 one is broken (the "
	      "message says how),\n2 bad usage or input\n",
	      f);
	return rc;
}

static void add_methods(struct validate_opts *o, const char *arg)
{
	char *copy = strdup(arg), *item, *save = NULL;

	if (!copy)
		lb_xmalloc_fail(strlen(arg));
	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		const struct lb_lock_ops *ops = lb_lock_find(item);

		if (!ops || (ops->flags & LB_TEST_ONLY))
			lb_usage_error("unknown method '%s' (see 'lockbench "
				       "list', and give its --lock-lib)",
				       item);
		if (ops->flags & LB_NO_EXCLUSION)
			lb_usage_error("method '%s' excludes nothing by "
				       "design: nothing to validate",
				       item);
		if (o->nmethods < LB_ARRAY_SIZE(o->methods))
			o->methods[o->nmethods++] = ops;
	}
	free(copy);
}

enum { OPT_LOCK_LIB = 256, OPT_ITERS, OPT_TIMEOUT };

static void parse_validate(struct validate_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "lock-lib", required_argument, NULL, OPT_LOCK_LIB },
		{ "methods", required_argument, NULL, 'm' },
		{ "threads", required_argument, NULL, 't' },
		{ "iters", required_argument, NULL, OPT_ITERS },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[LB_ERRLEN];
	uint64_t n;
	unsigned int i;
	bool methods_given = false;
	int c;

	*o = (struct validate_opts){ .timeout_ns = VALIDATE_TIMEOUT_NS };
	lb_cli_lock_libs(argc, argv);
	while ((c = getopt_long(argc, argv, ":m:t:h", longopts, NULL)) != -1) {
		if (c == 'h')
			exit(validate_usage(stdout, 0));
		if (c == 'm') {
			add_methods(o, optarg);
			methods_given = true;
		} else if (c == 't' || c == OPT_ITERS) {
			if (lb_parse_u64(c == 't' ? "--threads" : "--iters",
					 optarg, 1, c == 't' ? 64 : 100000000,
					 &n, err, sizeof(err)))
				lb_usage_error("%s", err);
			*(c == 't' ? &o->v.threads : &o->v.iters) =
				(unsigned int)n;
		} else if (c == OPT_TIMEOUT) {
			if (lb_parse_duration("--timeout", optarg, 1000000ull,
					      3600000000000ull, &o->timeout_ns,
					      err, sizeof(err)))
				lb_usage_error("%s", err);
		} else if (c != OPT_LOCK_LIB) {
			lb_bad_option("validate", c, argv, longopts);
		}
	}
	if (optind < argc)
		lb_usage_error("validate: unexpected argument '%s'",
			       argv[optind]);
	/* Without -m: every method of the --lock-lib files. */
	for (i = lb_nbuiltin_locks; !methods_given && i < lb_nlocks; i++)
		if (lb_locks[i]->flags & LB_PLUGIN)
			o->methods[o->nmethods++] = lb_locks[i];
	if (!o->nmethods)
		lb_usage_error("validate: nothing to validate (give "
			       "--lock-lib FILE or -m METHOD)");
}

/* In the child: one line per check, flushed, so a hang shows where. */
static void print_check(void *arg, bool ok, const char *msg)
{
	if (ok) {
		printf("  ok      %s\n", msg);
	} else {
		fflush(stdout);
		fprintf(stderr, "lockbench: %s\n", msg);
	}
	fflush(stdout);
}

/* Wait for @pid up to @timeout_ns; kill it then.  Its wait status. */
static int wait_child(pid_t pid, uint64_t timeout_ns, bool *timed_out)
{
	const struct timespec tick = { .tv_nsec = 10000000 };
	uint64_t deadline = lb_now_ns() + timeout_ns;
	int status;
	pid_t r;

	*timed_out = false;
	while ((r = waitpid(pid, &status, WNOHANG)) == 0) {
		if (lb_now_ns() > deadline) {
			*timed_out = true;
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			return status;
		}
		nanosleep(&tick, NULL);
	}
	if (r < 0)
		lb_die("waitpid: %s", strerror(errno));
	return status;
}

/* Validate one method in a child process; true if it is valid. */
static bool validate_one(const struct validate_opts *o,
			 const struct lb_lock_ops *ops)
{
	unsigned int checks = lb_validate_count(ops);
	bool timed_out;
	int status;
	pid_t pid;

	printf("%s: %u checks\n", ops->name, checks);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		lb_die("fork: %s", strerror(errno));
	if (pid == 0)
		_exit(lb_validate(ops, &o->v, print_check, NULL) ? 1 : 0);
	status = wait_child(pid, o->timeout_ns, &timed_out);
	if (timed_out)
		fprintf(stderr,
			"lockbench: %s: no verdict after %.0f s: deadlock? "
			"(the check after the last one shown)\n",
			ops->name, (double)o->timeout_ns / 1e9);
	else if (WIFSIGNALED(status))
		fprintf(stderr,
			"lockbench: %s: crashed: signal %d (%s) (in the check "
			"after the last one shown)\n",
			ops->name, WTERMSIG(status),
			strsignal(WTERMSIG(status)));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		printf("%s: valid\n", ops->name);
	return !timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int lb_cmd_validate(int argc, char **argv)
{
	struct validate_opts o;
	unsigned int i, broken = 0;

	parse_validate(&o, argc, argv);
	for (i = 0; i < o.nmethods; i++)
		if (!validate_one(&o, o.methods[i])) {
			fprintf(stderr, "lockbench: %s: BROKEN\n",
				o.methods[i]->name);
			broken++;
		}
	return broken ? 1 : 0;
}
