/* SPDX-License-Identifier: MIT */
/*
 * t_topo.c - TAP test of harness/topo.c: placement plans on hwloc synthetic
 * topologies (exact orders written out), --pin parsing, summaries, and
 * binding on the real machine.
 *
 * Each entry of the table below is one TAP test point (tests/tap.h); a test
 * prints "# ..." diagnostics for every check that fails, and returns PASS,
 * FAIL or SKIP (with a reason).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sched_getcpu(), open_memstream() */
#endif

#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/machine/topo.h"
#include "runtime/compiler.h"
#include "tests/tap.h"

#define SYNTH32 "pack:2 numa:1 core:8 pu:2"

enum result { PASS, FAIL, SKIP };

static struct lb_topo *synth32; /* SYNTH32, loaded once by main() */
static bool check_failed; /* a check of the current test failed */
static char skip_reason[256];

/* Record a failed check with where and what; the test goes on. */
#define check(cond, ...)                                              \
	do {                                                          \
		if (!(cond)) {                                        \
			check_failed = true;                          \
			tap_diag("%s:%d: check failed: %s", __FILE__, \
				 __LINE__, #cond);                    \
			tap_diag(__VA_ARGS__);                        \
		}                                                     \
	} while (0)

static enum result skip(const char *reason)
{
	snprintf(skip_reason, sizeof(skip_reason), "%s", reason);
	return SKIP;
}

static struct lb_topo *load(const char *synthetic)
{
	struct lb_topo *t = NULL;
	char err[256] = "";

	if (lb_topo_load(&t, synthetic, err, sizeof(err)) < 0) {
		check(false, "lb_topo_load(%s): %s",
		      synthetic ? synthetic : "NULL", err);
		return NULL;
	}
	return t;
}

static struct lb_pin_policy parse_ok(const char *arg)
{
	struct lb_pin_policy p;
	char err[256] = "";

	check(lb_pin_parse(arg, &p, err, sizeof(err)) == 0,
	      "lb_pin_parse('%s'): %s", arg, err);
	return p;
}

/* Plan policy @arg for n threads; NULL (and a failed check) on error. */
static struct lb_placement *plan(const struct lb_topo *t, const char *arg,
				 unsigned n, bool *over)
{
	struct lb_pin_policy p = parse_ok(arg);
	struct lb_placement *pl = lb_xzalloc(n * sizeof(*pl));
	char err[256] = "";
	int r = lb_pin_plan(t, &p, n, pl, over, err, sizeof(err));

	lb_pin_policy_free(&p);
	check(r == 0, "lb_pin_plan(%s, %u): %s", arg, n, err);
	if (r) {
		free(pl);
		return NULL;
	}
	return pl;
}

/* The plan's OS indexes equal want[0..n-1], one PU per thread. */
static void check_order(const struct lb_topo *t, const char *arg,
			const int *want, unsigned n, bool want_over)
{
	bool over = !want_over;
	struct lb_placement *pl = plan(t, arg, n, &over);
	unsigned i;

	if (!pl)
		return;
	check(over == want_over, "%s with %u threads: oversubscribed=%d", arg,
	      n, over);
	for (i = 0; i < n; i++) {
		check(pl[i].os_index == want[i], "%s thread %u: PU %d, want %d",
		      arg, i, pl[i].os_index, want[i]);
		if (!want_over)
			check(pl[i].sharing == 1, "%s thread %u: sharing %u",
			      arg, i, pl[i].sharing);
	}
	free(pl);
}

/* ---- SYNTH32: summary ------------------------------------------------ */

static enum result t_synth_summary(const void *arg)
{
	struct lb_topo_summary s;

	(void)arg;
	lb_topo_summary(synth32, &s);
	check(s.packages == 2, "packages %u", s.packages);
	check(s.numa_nodes == 2, "numa %u", s.numa_nodes);
	check(s.cores == 16, "cores %u", s.cores);
	check(s.pus == 32, "pus %u", s.pus);
	check(s.smt == 2, "smt %u", s.smt);
	check(!s.this_system, "synthetic reported as this system");
	check(!s.can_bind, "synthetic reported as bindable");
	check(!strcmp(s.desc, "Package:2 [NUMANode] Core:8 PU:2"), "desc '%s'",
	      s.desc);
	return PASS;
}

static enum result t_desc_roundtrip(const void *arg)
{
	struct lb_topo_summary s, s2;
	struct lb_topo *t;

	(void)arg;
	lb_topo_summary(synth32, &s);
	t = load(s.desc);
	if (!t)
		return FAIL;
	lb_topo_summary(t, &s2);
	check(s2.packages == 2 && s2.numa_nodes == 2 && s2.cores == 16 &&
		      s2.pus == 32 && s2.smt == 2,
	      "reloaded '%s': %u/%u/%u/%u smt %u", s.desc, s2.packages,
	      s2.numa_nodes, s2.cores, s2.pus, s2.smt);
	check(!strcmp(s.desc, s2.desc), "'%s' != '%s'", s.desc, s2.desc);
	lb_topo_destroy(t);
	return PASS;
}

/* ---- SYNTH32: exact orders -------------------------------------------- */

struct order_case {
	const char *policy;
	unsigned n;
	int want[16];
};

static const struct order_case compact1 = { "compact", 1, { 0 } };
static const struct order_case compact2 = { "compact", 2, { 0, 1 } };
static const struct order_case compact3 = { "compact", 3, { 0, 1, 2 } };
static const struct order_case compact16 = { "compact",
					     16,
					     { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
					       11, 12, 13, 14, 15 } };
static const struct order_case scatter1 = { "scatter", 1, { 0 } };
static const struct order_case scatter2 = { "scatter", 2, { 0, 16 } };
static const struct order_case scatter3 = { "scatter", 3, { 0, 16, 2 } };
static const struct order_case scatter16 = { "scatter",
					     16,
					     { 0, 16, 2, 18, 4, 20, 6, 22, 8,
					       24, 10, 26, 12, 28, 14, 30 } };

static enum result t_order(const void *arg)
{
	const struct order_case *c = arg;

	check_order(synth32, c->policy, c->want, c->n, false);
	return PASS;
}

/* Core/package/NUMA of the placements, not just the PU numbers. */
static enum result t_placement_fields(const void *arg)
{
	bool over;
	struct lb_placement *pl = plan(synth32, "scatter", 3, &over);

	(void)arg;
	if (!pl)
		return FAIL;
	check(pl[0].core == 0 && pl[0].package == 0 && pl[0].numa == 0,
	      "thread 0: core %d package %d numa %d", pl[0].core, pl[0].package,
	      pl[0].numa);
	check(pl[1].core == 8 && pl[1].package == 1 && pl[1].numa == 1,
	      "thread 1: core %d package %d numa %d", pl[1].core, pl[1].package,
	      pl[1].numa);
	check(pl[2].core == 1 && pl[2].package == 0 && pl[2].numa == 0,
	      "thread 2: core %d package %d numa %d", pl[2].core, pl[2].package,
	      pl[2].numa);
	free(pl);
	return PASS;
}

/* The full 32-PU orders: a permutation, no oversubscription. */
static enum result t_full_orders(const void *arg)
{
	int compact[32], scatter[32];
	unsigned i;

	(void)arg;
	for (i = 0; i < 32; i++) {
		compact[i] = (int)i;
		/* SMT rank, then core, then package: see topo.h. */
		scatter[i] =
			(int)((i / 16) + 2 * ((i % 16) / 2) + 16 * (i % 2));
	}
	check_order(synth32, "compact", compact, 32, false);
	check_order(synth32, "scatter", scatter, 32, false);
	return PASS;
}

/* 40 threads on 32 PUs: wrap around, 8 PUs shared by two threads. */
static enum result t_wrap40(const void *arg)
{
	const char *policy = arg;
	bool over = false;
	struct lb_placement *pl = plan(synth32, policy, 40, &over);
	unsigned i, shared = 0;

	if (!pl)
		return FAIL;
	check(over, "%s 40 threads: not flagged oversubscribed", policy);
	for (i = 0; i < 40; i++) {
		unsigned want = i % 32 < 8 ? 2 : 1;

		if (i >= 32)
			check(pl[i].os_index == pl[i - 32].os_index,
			      "thread %u on PU %d, thread %u on PU %d", i,
			      pl[i].os_index, i - 32, pl[i - 32].os_index);
		check(pl[i].sharing == want, "thread %u (PU %d): sharing %u", i,
		      pl[i].os_index, pl[i].sharing);
		shared += pl[i].sharing == 2;
	}
	check(shared == 16, "%u threads on shared PUs, want 16", shared);
	if (!strcmp(policy, "scatter"))
		check(pl[32].os_index == 0 && pl[33].os_index == 16 &&
			      pl[39].os_index == 22,
		      "scatter wrap: %d %d .. %d", pl[32].os_index,
		      pl[33].os_index, pl[39].os_index);
	free(pl);
	return PASS;
}

static enum result t_list(const void *arg)
{
	static const int want6[] = { 0, 2, 4, 5, 6, 7 };
	static const int want8[] = { 0, 2, 4, 5, 6, 7, 0, 2 };
	static const unsigned share8[] = { 2, 2, 1, 1, 1, 1, 2, 2 };
	bool over = false;
	struct lb_placement *pl;
	unsigned i;

	(void)arg;
	check_order(synth32, "0,2,4-7", want6, 6, false);
	pl = plan(synth32, "0,2,4-7", 8, &over);
	if (!pl)
		return FAIL;
	check(over, "8 threads on a 6-PU list: not oversubscribed");
	for (i = 0; i < 8; i++)
		check(pl[i].os_index == want8[i] && pl[i].sharing == share8[i],
		      "thread %u: PU %d sharing %u, want PU %d sharing %u", i,
		      pl[i].os_index, pl[i].sharing, want8[i], share8[i]);
	free(pl);
	/* A repeated PU in the list is shared even without wrapping. */
	pl = plan(synth32, "3,3", 2, &over);
	if (!pl)
		return FAIL;
	check(over && pl[0].sharing == 2 && pl[1].os_index == 3,
	      "'3,3': over %d sharing %u", over, pl[0].sharing);
	check(pl[0].core == 1 && pl[0].package == 0, "PU 3: core %d package %d",
	      pl[0].core, pl[0].package);
	free(pl);
	return PASS;
}

static enum result t_none(const void *arg)
{
	bool over = true;
	struct lb_placement *pl = plan(synth32, "none", 4, &over);
	unsigned i;

	(void)arg;
	if (!pl)
		return FAIL;
	check(!over, "none with 4 threads on 32 PUs: oversubscribed");
	for (i = 0; i < 4; i++)
		check(pl[i].os_index == -1 && pl[i].core == -1 &&
			      pl[i].package == -1 && pl[i].numa == -1 &&
			      pl[i].sharing == 0,
		      "thread %u: %d %d %d %d %u", i, pl[i].os_index,
		      pl[i].core, pl[i].package, pl[i].numa, pl[i].sharing);
	free(pl);
	pl = plan(synth32, "none", 33, &over);
	if (!pl)
		return FAIL;
	check(over, "none with 33 threads on 32 PUs: not oversubscribed");
	free(pl);
	return PASS;
}

static enum result t_plan_missing_pu(const void *arg)
{
	const char *list = arg;
	struct lb_pin_policy p = parse_ok(list);
	struct lb_placement pl[4];
	char err[256] = "";
	bool over;

	check(lb_pin_plan(synth32, &p, 4, pl, &over, err, sizeof(err)) < 0,
	      "'%s' accepted on a 32-PU machine", list);
	check(strstr(err, "PU 99") && strstr(err, "PUs: 0-31"), "message: '%s'",
	      err);
	tap_diag("message: %s", err);
	lb_pin_policy_free(&p);
	return PASS;
}

/* ---- --pin parsing ----------------------------------------------------- */

static enum result t_parse_good(const void *arg)
{
	static const unsigned want[] = { 0, 2, 4, 5, 6, 7 };
	struct lb_pin_policy p;
	unsigned i;

	(void)arg;
	p = parse_ok("none");
	check(p.kind == LB_PIN_NONE && !p.npus, "none: kind %d", p.kind);
	p = parse_ok("compact");
	check(p.kind == LB_PIN_COMPACT, "compact: kind %d", p.kind);
	p = parse_ok("scatter");
	check(p.kind == LB_PIN_SCATTER && !strcmp(p.text, "scatter"),
	      "scatter: kind %d text '%s'", p.kind, p.text);
	p = parse_ok("0,2,4-7");
	check(p.kind == LB_PIN_LIST && p.npus == 6, "list: kind %d npus %u",
	      p.kind, p.npus);
	for (i = 0; i < p.npus && i < 6; i++)
		check(p.pus[i] == want[i], "entry %u: %u", i, p.pus[i]);
	check(!strcmp(p.text, "0,2,4-7"), "text '%s'", p.text);
	lb_pin_policy_free(&p);
	p = parse_ok("65535");
	check(p.npus == 1 && p.pus[0] == 65535, "65535: %u entries", p.npus);
	lb_pin_policy_free(&p);
	p = parse_ok("7-7");
	check(p.npus == 1 && p.pus[0] == 7, "7-7: %u entries", p.npus);
	lb_pin_policy_free(&p);
	return PASS;
}

static enum result t_parse_bad(const void *arg)
{
	const char *bad = arg;
	struct lb_pin_policy p;
	char err[512] = "", quoted[64];

	check(lb_pin_parse(bad, &p, err, sizeof(err)) < 0, "'%s' accepted",
	      bad);
	snprintf(quoted, sizeof(quoted), "'%s'", bad);
	check(strstr(err, quoted) != NULL, "message lacks %s: '%s'", quoted,
	      err);
	check(p.pus == NULL && p.npus == 0, "policy not left empty");
	tap_diag("message: %s", err);
	lb_pin_policy_free(&p);
	return PASS;
}

static enum result t_parse_suggest(const void *arg)
{
	struct lb_pin_policy p;
	char err[512] = "";

	(void)arg;
	check(lb_pin_parse("scater", &p, err, sizeof(err)) < 0,
	      "'scater' accepted");
	check(!strcmp(err, "invalid --pin value 'scater': expected none, "
			   "compact, scatter or a PU list like 0,2-3 "
			   "(did you mean 'scatter'?)"),
	      "message: '%s'", err);
	check(lb_pin_parse("Compact", &p, err, sizeof(err)) < 0 &&
		      strstr(err, "did you mean 'compact'"),
	      "Compact: '%s'", err);
	check(lb_pin_parse("xyzzy", &p, err, sizeof(err)) < 0 &&
		      !strstr(err, "did you mean"),
	      "xyzzy: '%s'", err);
	return PASS;
}

/* ---- other machines ------------------------------------------------------ */

/* Three packages of two single-PU cores. */
static enum result t_three_packages(const void *arg)
{
	static const int compact[] = { 0, 1, 2, 3, 4, 5 };
	static const int scatter[] = { 0, 2, 4, 1, 3, 5 };
	static const int scatter8[] = { 0, 2, 4, 1, 3, 5, 0, 2 };
	struct lb_topo *t = load("pack:3 core:2 pu:1");
	struct lb_topo_summary s;

	(void)arg;
	if (!t)
		return FAIL;
	lb_topo_summary(t, &s);
	check(s.packages == 3 && s.cores == 6 && s.pus == 6 && s.smt == 1 &&
		      s.numa_nodes == 1,
	      "%u/%u/%u/%u smt %u", s.packages, s.numa_nodes, s.cores, s.pus,
	      s.smt);
	check_order(t, "compact", compact, 6, false);
	check_order(t, "scatter", scatter, 6, false);
	check_order(t, "scatter", scatter8, 8, true);
	lb_topo_destroy(t);
	return PASS;
}

/*
 * Uneven packages: "pack:2 core:4 pu:2" restricted to PUs 0-3 and 8-15
 * leaves package 0 with 2 cores and package 1 with 4.  Scatter takes core
 * ranks 2 and 3 from package 1 alone, then the SMT siblings.
 */
static enum result t_uneven(const void *arg)
{
	static const int scatter[] = {
		0, 8, 2, 10, 12, 14, 1, 9, 3, 11, 13, 15
	};
	static const int compact[] = {
		0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15
	};
	struct lb_topo *t = load("pack:2 core:4 pu:2");
	struct lb_pin_policy p;
	struct lb_placement pl[2];
	struct lb_topo_summary s;
	char err[256] = "";
	bool over;

	(void)arg;
	if (!t)
		return FAIL;
	check(lb_topo_restrict(t, "0-3,8-15", err, sizeof(err)) == 0,
	      "restrict: %s", err);
	lb_topo_summary(t, &s);
	check(s.packages == 2 && s.cores == 6 && s.pus == 12 && s.smt == 2,
	      "%u/%u/%u smt %u", s.packages, s.cores, s.pus, s.smt);
	check_order(t, "compact", compact, 12, false);
	check_order(t, "scatter", scatter, 12, false);
	p = parse_ok("4");
	check(lb_pin_plan(t, &p, 1, pl, &over, err, sizeof(err)) < 0,
	      "removed PU 4 accepted");
	check(strstr(err, "PU 4 ") != NULL, "message: '%s'", err);
	tap_diag("message: %s", err);
	lb_pin_policy_free(&p);
	check(lb_topo_restrict(t, "100-200", err, sizeof(err)) < 0 &&
		      strstr(err, "100-200"),
	      "restrict to nothing: '%s'", err);
	lb_topo_destroy(t);
	return PASS;
}

/*
 * OS numbering unlike logical order, as Linux numbers SMT siblings on x86
 * (core c has PUs c and c + ncores): plans must name OS indexes.
 */
static enum result t_os_numbering(const void *arg)
{
	static const int compact[] = { 0, 4, 1, 5, 2, 6, 3, 7 };
	static const int scatter[] = { 0, 2, 1, 3, 4, 6, 5, 7 };
	static const int list[] = { 5, 2 };
	struct lb_topo *t = load("pack:2 core:2 pu:2(indexes=0,4,1,5,2,6,3,7)");
	bool over;
	struct lb_placement *pl;

	(void)arg;
	if (!t)
		return FAIL;
	check_order(t, "compact", compact, 8, false);
	check_order(t, "scatter", scatter, 8, false);
	check_order(t, "5,2", list, 2, false);
	pl = plan(t, "5,2", 2, &over);
	if (pl) {
		check(pl[0].core == 1 && pl[0].package == 0 &&
			      pl[1].core == 2 && pl[1].package == 1,
		      "PU 5: core %d package %d; PU 2: core %d package %d",
		      pl[0].core, pl[0].package, pl[1].core, pl[1].package);
		free(pl);
	}
	lb_topo_destroy(t);
	return PASS;
}

/* 1024 PUs, 1024 and 1025 threads. */
static enum result t_large(const void *arg)
{
	struct lb_topo *t = load("pack:4 core:128 pu:2");
	struct lb_placement *pl;
	unsigned i, *seen;
	bool over = true;

	(void)arg;
	if (!t)
		return FAIL;
	pl = plan(t, "scatter", 1024, &over);
	if (!pl) {
		lb_topo_destroy(t);
		return FAIL;
	}
	check(!over, "1024 threads on 1024 PUs: oversubscribed");
	check(pl[0].os_index == 0 && pl[1].os_index == 256 &&
		      pl[3].os_index == 768 && pl[4].os_index == 2 &&
		      pl[511].os_index == 1022 && pl[512].os_index == 1,
	      "scatter: %d %d %d %d .. %d %d", pl[0].os_index, pl[1].os_index,
	      pl[3].os_index, pl[4].os_index, pl[511].os_index,
	      pl[512].os_index);
	seen = lb_xzalloc(1024 * sizeof(*seen));
	for (i = 0; i < 1024; i++)
		if (pl[i].os_index >= 0 && pl[i].os_index < 1024)
			seen[pl[i].os_index]++;
	for (i = 0; i < 1024; i++)
		check(seen[i] == 1, "PU %u used %u times", i, seen[i]);
	free(seen);
	free(pl);
	pl = plan(t, "compact", 1025, &over);
	if (pl) {
		check(over && pl[1024].os_index == 0 && pl[0].sharing == 2 &&
			      pl[1].sharing == 1,
		      "1025 threads: over %d, last PU %d", over,
		      pl[1024].os_index);
		free(pl);
	}
	lb_topo_destroy(t);
	return PASS;
}

static enum result t_bad_synthetic(const void *arg)
{
	struct lb_topo *t = (struct lb_topo *)1;
	char err[256] = "";

	(void)arg;
	check(lb_topo_load(&t, "pack:2 bogus:3", err, sizeof(err)) < 0,
	      "bad description accepted");
	check(t == NULL, "out not cleared");
	check(strstr(err, "'pack:2 bogus:3'") != NULL, "message: '%s'", err);
	tap_diag("message: %s", err);
	return PASS;
}

/* ---- output formats ------------------------------------------------------ */

/* Integer member of a JSON object; -2 when missing or not an integer. */
static long long jint(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? json_integer_value(v) : -2;
}

static enum result t_json(const void *arg)
{
	json_t *j = lb_topo_json(synth32), *list, *pu;

	(void)arg;
	check(jint(j, "packages") == 2 && jint(j, "numa_nodes") == 2 &&
		      jint(j, "cores") == 16 && jint(j, "pus") == 32 &&
		      jint(j, "smt") == 2,
	      "counts");
	check(json_is_false(json_object_get(j, "can_bind")), "can_bind");
	check(json_is_string(json_object_get(j, "desc")), "desc");
	list = json_object_get(j, "pu_list");
	check(json_array_size(list) == 32, "pu_list size %zu",
	      json_array_size(list));
	pu = json_array_get(list, 17);
	check(jint(pu, "os") == 17 && jint(pu, "core") == 8 &&
		      jint(pu, "package") == 1 && jint(pu, "numa") == 1,
	      "PU 17 entry");
	json_decref(j);
	return PASS;
}

static enum result t_print(const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)arg;
	if (!f)
		return skip("open_memstream failed");
	lb_topo_print(synth32, f);
	fclose(f);
	check(strstr(buf, "2 packages, 2 NUMA nodes, 16 cores, 32 PUs") != NULL,
	      "header: %s", buf);
	check(strstr(buf, "Package 0 / NUMA 0 / Core 0: PU 0 1\n") != NULL,
	      "first core line missing");
	check(strstr(buf, "Package 1 / NUMA 1 / Core 15: PU 30 31\n") != NULL,
	      "last core line missing");
	free(buf);
	return PASS;
}

/* ---- binding ------------------------------------------------------------ */

static enum result t_pin_synthetic(const void *arg)
{
	struct lb_placement pl = { .os_index = 0, .sharing = 1 };
	struct lb_placement unpinned = { .os_index = -1 };
	char err[256] = "";

	(void)arg;
	check(lb_pin_self(synth32, &pl, err, sizeof(err)) < 0,
	      "binding to PU 0 of a synthetic topology succeeded");
	check(strstr(err, "synthetic") != NULL, "message: '%s'", err);
	tap_diag("message: %s", err);
	check(lb_pin_self(synth32, &unpinned, err, sizeof(err)) == 0,
	      "os_index -1 is not a no-op");
	return PASS;
}

/* HWLOC_SYNTHETIC in the environment makes hwloc bind nothing. */
static enum result t_pin_env_synthetic(const void *arg)
{
	struct lb_placement pl = { .os_index = 0, .sharing = 1 };
	struct lb_topo_summary s;
	struct lb_topo *t;
	char err[256] = "";
	char *saved = getenv("HWLOC_SYNTHETIC");

	(void)arg;
	if (saved || getenv("HWLOC_XMLFILE") || getenv("HWLOC_THISSYSTEM"))
		return skip("HWLOC_* already set in the environment");
	setenv("HWLOC_SYNTHETIC", "pack:1 core:4 pu:1", 1);
	t = load(NULL);
	unsetenv("HWLOC_SYNTHETIC");
	if (!t)
		return FAIL;
	lb_topo_summary(t, &s);
	check(s.pus == 4 && !s.this_system && !s.can_bind,
	      "pus %u this_system %d can_bind %d", s.pus, s.this_system,
	      s.can_bind);
	check(lb_pin_self(t, &pl, err, sizeof(err)) < 0,
	      "binding under HWLOC_SYNTHETIC succeeded");
	check(strstr(err, "HWLOC_SYNTHETIC") != NULL, "message: '%s'", err);
	tap_diag("message: %s", err);
	lb_topo_destroy(t);
	return PASS;
}

static enum result t_pin_real(const void *arg)
{
	struct lb_topo *t = load(NULL);
	struct lb_topo_summary s;
	struct lb_placement *pl;
	char err[256] = "";
	bool over;
	unsigned i;

	(void)arg;
	if (!t)
		return FAIL;
	lb_topo_summary(t, &s);
	tap_diag("this machine: %u packages, %u NUMA, %u cores, %u PUs, '%s'",
		 s.packages, s.numa_nodes, s.cores, s.pus, s.desc);
	check(s.pus >= 1 && s.cores >= 1 && s.smt >= 1, "empty machine");
	if (!s.can_bind) {
		lb_topo_destroy(t);
		return skip("this system cannot bind threads");
	}
	pl = plan(t, "compact", s.pus, &over);
	for (i = 0; pl && i < s.pus; i++) {
		int r = lb_pin_self(t, &pl[i], err, sizeof(err));
		int cpu = sched_getcpu();

		check(r == 0, "pin to PU %d: %s", pl[i].os_index, err);
		check(cpu == pl[i].os_index, "pinned to PU %d, running on %d",
		      pl[i].os_index, cpu);
	}
	free(pl);
	lb_topo_destroy(t);
	return PASS;
}

/* ---- driver ------------------------------------------------------------ */

struct test {
	const char *name;
	enum result (*run)(const void *arg);
	const void *arg;
};

static const struct test tests[] = {
	{ "synthetic " SYNTH32 ": summary counts and desc", t_synth_summary,
	  NULL },
	{ "summary desc loads back as the same machine", t_desc_roundtrip,
	  NULL },
	{ "compact, 1 thread", t_order, &compact1 },
	{ "compact, 2 threads", t_order, &compact2 },
	{ "compact, 3 threads", t_order, &compact3 },
	{ "compact, 16 threads", t_order, &compact16 },
	{ "scatter, 1 thread", t_order, &scatter1 },
	{ "scatter, 2 threads", t_order, &scatter2 },
	{ "scatter, 3 threads", t_order, &scatter3 },
	{ "scatter, 16 threads", t_order, &scatter16 },
	{ "placements carry core, package and NUMA", t_placement_fields, NULL },
	{ "compact and scatter, 32 threads: exact permutations", t_full_orders,
	  NULL },
	{ "compact, 40 threads: wrap-around and sharing", t_wrap40, "compact" },
	{ "scatter, 40 threads: wrap-around and sharing", t_wrap40, "scatter" },
	{ "list 0,2,4-7: order, wrap-around, repeats", t_list, NULL },
	{ "none: unpinned, oversubscribed past 32 threads", t_none, NULL },
	{ "plan for list 99 on 32 PUs is rejected", t_plan_missing_pu, "99" },
	{ "plan for list 0,99 on 32 PUs is rejected", t_plan_missing_pu,
	  "0,99" },
	{ "parse none, compact, scatter and lists", t_parse_good, NULL },
	{ "parse rejects ''", t_parse_bad, "" },
	{ "parse rejects 'scater'", t_parse_bad, "scater" },
	{ "parse rejects '1-'", t_parse_bad, "1-" },
	{ "parse rejects '5-2'", t_parse_bad, "5-2" },
	{ "parse rejects 'a,b'", t_parse_bad, "a,b" },
	{ "parse rejects '0,,1'", t_parse_bad, "0,,1" },
	{ "parse rejects '99999999999'", t_parse_bad, "99999999999" },
	{ "parse rejects '0,'", t_parse_bad, "0," },
	{ "parse rejects '1 2'", t_parse_bad, "1 2" },
	{ "parse rejects '-3'", t_parse_bad, "-3" },
	{ "parse suggests the policy meant", t_parse_suggest, NULL },
	{ "pack:3 core:2 pu:1: compact, scatter, wrap", t_three_packages,
	  NULL },
	{ "uneven packages (restricted): scatter order, removed PU rejected",
	  t_uneven, NULL },
	{ "Linux-style OS numbering: plans use OS indexes", t_os_numbering,
	  NULL },
	{ "pack:4 core:128 pu:2: 1024 and 1025 threads", t_large, NULL },
	{ "bad synthetic description rejected with a message", t_bad_synthetic,
	  NULL },
	{ "lb_topo_json", t_json, NULL },
	{ "lb_topo_print", t_print, NULL },
	{ "lb_pin_self on a synthetic topology fails cleanly", t_pin_synthetic,
	  NULL },
	{ "lb_pin_self under HWLOC_SYNTHETIC fails cleanly",
	  t_pin_env_synthetic, NULL },
	{ "lb_pin_self to every PU of this machine, checked by sched_getcpu",
	  t_pin_real, NULL },
};

static void run_test(const struct test *t)
{
	enum result r;

	check_failed = false;
	r = t->run(t->arg);
	if (r == SKIP && !check_failed)
		tap_skip("%s", skip_reason);
	else
		tap_ok(r == PASS && !check_failed, "%s", t->name);
}

int main(void)
{
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_plan((int)LB_ARRAY_SIZE(tests));
	synth32 = load(SYNTH32);
	for (i = 0; i < LB_ARRAY_SIZE(tests); i++) {
		if (synth32)
			run_test(&tests[i]);
		else
			tap_ok(false, "%s (no topology)", tests[i].name);
	}
	lb_topo_destroy(synth32);
	return tap_done();
}
