/* SPDX-License-Identifier: MIT */
/*
 * t_e2e.c - end to end: run the real binary, then read its result file as a
 * user's script would and check what the file promises.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/engine/report.h"
#include "tests/tap.h"

#define OUT "e2e-result.json"

static bool rep_ok(json_t *rep, int threads)
{
	json_t *ops = json_object_get(rep, "thread_ops");
	json_int_t c = json_integer_value(json_object_get(rep, "counter"));
	json_int_t a =
		json_integer_value(json_object_get(rep, "atomic_counter"));

	return json_is_true(json_object_get(rep, "ok")) && c == a && c > 0 &&
	       json_array_size(ops) == (size_t)threads &&
	       json_real_value(json_object_get(rep, "ops_per_sec")) > 0 &&
	       json_is_object(json_object_get(rep, "machine"));
}

static bool run_ok(json_t *run, char *why, size_t len)
{
	json_t *cfg = json_object_get(run, "config");
	json_t *reps = json_object_get(run, "reps");
	json_t *summary = json_object_get(run, "summary");
	int threads = (int)json_integer_value(json_object_get(cfg, "threads"));
	size_t i;

	snprintf(why, len, "%s/%d",
		 json_string_value(json_object_get(cfg, "method")), threads);
	if (strcmp(json_string_value(json_object_get(run, "status")), "ok"))
		return false;
	if (json_array_size(json_object_get(cfg, "placement")) !=
	    (size_t)threads)
		return false;
	if (json_array_size(reps) != 2)
		return false;
	for (i = 0; i < 2; i++)
		if (!rep_ok(json_array_get(reps, i), threads))
			return false;
	return json_real_value(json_object_get(
		       json_object_get(summary, "ops_per_sec"), "median")) > 0;
}

static int temp_files_left(void)
{
	struct dirent *d;
	DIR *dir = opendir(".");
	int n = 0;

	while (dir && (d = readdir(dir)))
		n += !strncmp(d->d_name, ".lockbench-", 11);
	if (dir)
		closedir(dir);
	return n;
}

int main(void)
{
	const char *lb = getenv("LOCKBENCH");
	char cmd[1024], why[128] = "";
	json_error_t jerr;
	json_t *root, *runs, *host;
	size_t i;
	bool all_ok = true;
	int rc;

	tap_plan(7);
	snprintf(cmd, sizeof(cmd),
		 "%s run -m pthread,mcs-futex -t 1,2 --duration 200ms "
		 "--warmup 20ms --reps 2 -q -o " OUT,
		 lb ? lb : "./lockbench");
	unlink(OUT);
	rc = system(cmd);
	tap_ok(rc == 0, "run exits 0 (%s)", cmd);
	root = json_load_file(OUT, JSON_REJECT_DUPLICATES, &jerr);
	if (!tap_ok(root != NULL, "result file parses%s%s", root ? "" : ": ",
		    root ? "" : jerr.text))
		return tap_done();
	tap_ok(!strcmp(json_string_value(json_object_get(root, "schema")),
		       LB_SCHEMA_NAME) &&
		       json_integer_value(json_object_get(
			       root, "schema_version")) == LB_SCHEMA_VERSION,
	       "schema name and version %d", LB_SCHEMA_VERSION);
	host = json_object_get(root, "host");
	tap_ok(json_is_string(json_object_get(host, "kernel")) &&
		       json_is_string(json_object_get(host, "cpu_model")) &&
		       json_is_object(json_object_get(root, "topology")) &&
		       json_is_array(json_object_get(root, "command_line")) &&
		       json_is_string(json_object_get(
			       json_object_get(root, "tool"), "git_commit")),
	       "host, topology, command line and commit recorded");
	runs = json_object_get(root, "runs");
	for (i = 0; i < json_array_size(runs) && all_ok; i++)
		all_ok = run_ok(json_array_get(runs, i), why, sizeof(why));
	tap_ok(json_array_size(runs) == 4,
	       "4 runs (2 methods x 2 thread "
	       "counts), got %zu",
	       json_array_size(runs));
	tap_ok(all_ok, "every run ok, counters equal, figures present%s%s",
	       all_ok ? "" : ": first bad run ", all_ok ? "" : why);
	tap_ok(temp_files_left() == 0, "no temporary file left behind");
	json_decref(root);
	unlink(OUT);
	return tap_done();
}
