/* SPDX-License-Identifier: MIT */
/*
 * topo.c - machine topology through hwloc, and thread placement plans.
 *
 * At load time the allowed PUs are copied into a flat table in hwloc
 * logical order, each with its core, package and NUMA node and its ranks
 * (PU inside its core, core inside its package).  Every placement policy is
 * then an order over that table: compact is the table itself, scatter is
 * the table sorted once by (PU rank, core rank, package), a list is looked
 * up by OS index.  Plans wrap around that order, so any thread count works.
 * See topo.h for the definitions.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sched_getcpu() */
#endif

#include "harness/machine/topo.h"

#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hwloc.h>

#include "runtime/compiler.h"

/* Longest list lb_pin_parse() expands: "0-65535,0-65535,..." stays sane. */
#define LB_PIN_MAX_LIST (1u << 20)
/* sched_getcpu() checks after binding before lb_pin_self() gives up. */
#define LB_PIN_VERIFY_TRIES 100

struct lb_topo_pu {
	unsigned os; /* kernel CPU number */
	unsigned logical; /* hwloc logical index of the PU */
	int core; /* logical index, -1 if hwloc has no Core */
	int package; /* logical index, -1 if hwloc has no Package */
	int numa; /* logical index, -1 if no NUMA node covers it */
	unsigned pu_rank; /* rank of the PU inside its core */
	unsigned core_rank; /* rank of its core inside its package */
};

struct lb_topo {
	hwloc_topology_t hw;
	bool this_system; /* describes the running machine */
	bool can_bind; /* this_system and hwloc can bind threads */
	char why_not[192]; /* why binding is impossible, when !can_bind */
	unsigned npus; /* allowed PUs */
	unsigned smt; /* max PUs per core */
	struct lb_topo_pu *pus; /* npus entries, hwloc logical order */
	unsigned *scatter; /* npus indexes into pus, scatter order */
	unsigned *by_os; /* npus indexes into pus, by increasing OS index */
	hwloc_bitmap_t allowed; /* OS indexes of the PUs in pus */
};

static const char *const pin_words[] = { "none", "compact", "scatter" };

static const char pin_expected[] =
	"expected none, compact, scatter or a PU list like 0,2-3";

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Write a one-line message into err (if any) and return -1. */
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* strerror() that other threads cannot clobber (GNU strerror_r). */
static const char *errstr(int e, char *buf, size_t len)
{
	return strerror_r(e, buf, len);
}

static hwloc_bitmap_t xbitmap_alloc(void)
{
	hwloc_bitmap_t set = hwloc_bitmap_alloc();

	if (!set)
		lb_xmalloc_fail(sizeof(void *));
	return set;
}

static void *xrealloc_array(void *p, size_t n, size_t size)
{
	void *q;

	if (size && n > SIZE_MAX / size)
		lb_xmalloc_fail(SIZE_MAX);
	q = realloc(p, n && size ? n * size : 1);
	return q ? q : lb_xmalloc_fail(n * size);
}

/* "0-3,8" into buf; "..." marks a list too long for buf. */
static const char *format_pu_set(hwloc_const_bitmap_t set, char *buf,
				 size_t len)
{
	int n = hwloc_bitmap_list_snprintf(buf, len, set);

	if (n >= (int)len && len > 4)
		strcpy(buf + len - 4, "...");
	return buf;
}

/* ---- topology ---------------------------------------------------------- */

static int numa_of(hwloc_topology_t hw, unsigned os)
{
	hwloc_obj_t node = NULL;

	while ((node = hwloc_get_next_obj_by_type(hw, HWLOC_OBJ_NUMANODE,
						  node)))
		if (node->cpuset && hwloc_bitmap_isset(node->cpuset, os))
			return (int)node->logical_index;
	return -1;
}

/*
 * Describe one PU.  Logical order is depth-first, so the PUs of a core are
 * consecutive and so are the cores of a package: ranks are counted against
 * the previous PU's core and package.
 */
static void index_pu(struct lb_topo *t, hwloc_obj_t pu, hwloc_obj_t *prev_core,
		     hwloc_obj_t *prev_pkg, struct lb_topo_pu *prev)
{
	hwloc_topology_t hw = t->hw;
	struct lb_topo_pu *e = &t->pus[t->npus];
	hwloc_obj_t core =
		hwloc_get_ancestor_obj_by_type(hw, HWLOC_OBJ_CORE, pu);
	hwloc_obj_t pkg =
		hwloc_get_ancestor_obj_by_type(hw, HWLOC_OBJ_PACKAGE, pu);
	bool first = t->npus == 0;
	bool new_core = first || !core || core != *prev_core;
	bool new_pkg = first || pkg != *prev_pkg;

	e->os = pu->os_index;
	e->logical = pu->logical_index;
	e->core = core ? (int)core->logical_index : -1;
	e->package = pkg ? (int)pkg->logical_index : -1;
	e->numa = numa_of(hw, pu->os_index);
	e->core_rank = new_pkg ? 0 : prev->core_rank + (new_core ? 1 : 0);
	e->pu_rank = new_core ? 0 : prev->pu_rank + 1;
	if (e->pu_rank + 1 > t->smt)
		t->smt = e->pu_rank + 1;
	*prev_core = core;
	*prev_pkg = pkg;
	t->npus++;
}

struct scatter_key {
	unsigned pu_rank, core_rank, package, logical, index;
};

static int scatter_cmp(const void *a, const void *b)
{
	const struct scatter_key *x = a, *y = b;

	if (x->pu_rank != y->pu_rank)
		return x->pu_rank < y->pu_rank ? -1 : 1;
	if (x->core_rank != y->core_rank)
		return x->core_rank < y->core_rank ? -1 : 1;
	if (x->package != y->package)
		return x->package < y->package ? -1 : 1;
	if (x->logical != y->logical)
		return x->logical < y->logical ? -1 : 1;
	return 0;
}

static void build_scatter(struct lb_topo *t)
{
	struct scatter_key *k = lb_xzalloc(t->npus * sizeof(*k));
	unsigned i;

	for (i = 0; i < t->npus; i++) {
		k[i].pu_rank = t->pus[i].pu_rank;
		k[i].core_rank = t->pus[i].core_rank;
		k[i].package = t->pus[i].package < 0 ? 0 : t->pus[i].package;
		k[i].logical = t->pus[i].logical;
		k[i].index = i;
	}
	qsort(k, t->npus, sizeof(*k), scatter_cmp);
	for (i = 0; i < t->npus; i++)
		t->scatter[i] = k[i].index;
	free(k);
}

struct os_key {
	unsigned os, index;
};

static int os_key_cmp(const void *a, const void *b)
{
	const struct os_key *x = a, *y = b;

	return x->os < y->os ? -1 : x->os > y->os;
}

static void build_by_os(struct lb_topo *t)
{
	struct os_key *k = lb_xzalloc(t->npus * sizeof(*k));
	unsigned i;

	for (i = 0; i < t->npus; i++) {
		k[i].os = t->pus[i].os;
		k[i].index = i;
	}
	qsort(k, t->npus, sizeof(*k), os_key_cmp);
	for (i = 0; i < t->npus; i++)
		t->by_os[i] = k[i].index;
	free(k);
}

static void topo_free_index(struct lb_topo *t)
{
	free(t->pus);
	free(t->scatter);
	free(t->by_os);
	if (t->allowed)
		hwloc_bitmap_free(t->allowed);
	t->pus = NULL;
	t->scatter = NULL;
	t->by_os = NULL;
	t->allowed = NULL;
	t->npus = 0;
	t->smt = 0;
}

/* (Re)build the PU table from the loaded hwloc topology. */
static int topo_index(struct lb_topo *t)
{
	hwloc_const_bitmap_t allowed = hwloc_topology_get_allowed_cpuset(t->hw);
	int n = hwloc_get_nbobjs_by_type(t->hw, HWLOC_OBJ_PU);
	hwloc_obj_t pu = NULL, prev_core = NULL, prev_pkg = NULL;

	topo_free_index(t);
	if (n <= 0)
		return -1;
	t->pus = lb_xzalloc((size_t)n * sizeof(*t->pus));
	t->scatter = lb_xzalloc((size_t)n * sizeof(*t->scatter));
	t->by_os = lb_xzalloc((size_t)n * sizeof(*t->by_os));
	t->allowed = xbitmap_alloc();
	while ((pu = hwloc_get_next_obj_by_type(t->hw, HWLOC_OBJ_PU, pu))) {
		/* hwloc drops disallowed PUs by default; be sure of it. */
		if (!hwloc_bitmap_isset(allowed, pu->os_index))
			continue;
		index_pu(t, pu, &prev_core, &prev_pkg,
			 t->npus ? &t->pus[t->npus - 1] : NULL);
		if (hwloc_bitmap_set(t->allowed, pu->os_index))
			lb_xmalloc_fail(sizeof(void *));
	}
	if (!t->npus)
		return -1;
	build_scatter(t);
	build_by_os(t);
	return 0;
}

/* The environment variable that made hwloc describe another machine. */
static const char *hwloc_env_override(void)
{
	if (getenv("HWLOC_SYNTHETIC"))
		return "HWLOC_SYNTHETIC";
	if (getenv("HWLOC_XMLFILE"))
		return "HWLOC_XMLFILE";
	return NULL;
}

/* Can lb_pin_self() bind with @t, and if not, why not? */
static void topo_bind_support(struct lb_topo *t, const char *synthetic)
{
	const struct hwloc_topology_support *sup;
	const char *var = hwloc_env_override();

	/* With HWLOC_THISSYSTEM=1 hwloc would claim a synthetic is real. */
	t->this_system = !synthetic && hwloc_topology_is_thissystem(t->hw);
	if (synthetic)
		snprintf(
			t->why_not, sizeof(t->why_not),
			"the topology is synthetic ('%.100s'), not this machine",
			synthetic);
	else if (!t->this_system && var)
		snprintf(
			t->why_not, sizeof(t->why_not),
			"%s is set in the environment, so hwloc describes another machine",
			var);
	else if (!t->this_system)
		snprintf(t->why_not, sizeof(t->why_not),
			 "hwloc says the topology is not this system's");
	if (!t->this_system)
		return;
	sup = hwloc_topology_get_support(t->hw);
	t->can_bind = sup && sup->cpubind->set_thisthread_cpubind;
	if (!t->can_bind)
		snprintf(t->why_not, sizeof(t->why_not),
			 "hwloc cannot bind threads on this operating system");
}

int lb_topo_load(struct lb_topo **out, const char *synthetic, char *err,
		 size_t errlen)
{
	struct lb_topo *t;
	char ebuf[128];

	*out = NULL;
	/* Same major ABI at run time as at build time, as hwloc asks. */
	if ((hwloc_get_api_version() >> 16) != (HWLOC_API_VERSION >> 16))
		return fail(
			err, errlen,
			"hwloc library version %#x does not match the headers lockbench was built with (%#x)",
			hwloc_get_api_version(), HWLOC_API_VERSION);
	t = lb_xzalloc(sizeof(*t));
	if (hwloc_topology_init(&t->hw) < 0) {
		free(t);
		return fail(err, errlen, "cannot initialize hwloc: %s",
			    errstr(errno, ebuf, sizeof(ebuf)));
	}
	hwloc_topology_set_io_types_filter(t->hw, HWLOC_TYPE_FILTER_KEEP_NONE);
	if (synthetic && hwloc_topology_set_synthetic(t->hw, synthetic) < 0) {
		lb_topo_destroy(t);
		return fail(
			err, errlen,
			"invalid synthetic topology '%s': hwloc cannot parse it (expected e.g. 'pack:2 numa:1 core:8 pu:2')",
			synthetic);
	}
	if (hwloc_topology_load(t->hw) < 0) {
		int saved = errno;

		lb_topo_destroy(t);
		return fail(err, errlen, "cannot load the %s%s%s topology: %s",
			    synthetic ? "synthetic '" : "machine's",
			    synthetic ? synthetic : "", synthetic ? "'" : "",
			    errstr(saved, ebuf, sizeof(ebuf)));
	}
	if (topo_index(t) < 0) {
		lb_topo_destroy(t);
		return fail(err, errlen, "the %s%s%s topology has no usable PU",
			    synthetic ? "synthetic '" : "machine's",
			    synthetic ? synthetic : "", synthetic ? "'" : "");
	}
	topo_bind_support(t, synthetic);
	*out = t;
	return 0;
}

static int parse_list(const char *arg, const char *what, unsigned **pus,
		      unsigned *npus, char *err, size_t errlen);

int lb_topo_restrict(struct lb_topo *t, const char *pulist, char *err,
		     size_t errlen)
{
	hwloc_bitmap_t set;
	unsigned *pus = NULL, n = 0, i;
	int ret;

	if (parse_list(pulist, "PU list", &pus, &n, err, errlen) < 0)
		return -1;
	set = xbitmap_alloc();
	for (i = 0; i < n; i++)
		if (hwloc_bitmap_set(set, pus[i]))
			lb_xmalloc_fail(sizeof(void *));
	free(pus);
	if (!hwloc_bitmap_intersects(set, t->allowed)) {
		char have[128];

		hwloc_bitmap_free(set);
		return fail(
			err, errlen,
			"PU list '%s': none of these PUs exists on this machine (PUs: %s)",
			pulist, format_pu_set(t->allowed, have, sizeof(have)));
	}
	ret = hwloc_topology_restrict(t->hw, set, 0);
	hwloc_bitmap_free(set);
	if (ret < 0 && errno != EINVAL)
		lb_die("hwloc_topology_restrict failed: error %d", errno);
	if (ret < 0)
		return fail(
			err, errlen,
			"PU list '%s': hwloc cannot restrict the topology to it",
			pulist);
	if (topo_index(t) < 0)
		lb_die("no PU left after restricting to '%s'", pulist);
	return 0;
}

int lb_topo_restrict_to_affinity(struct lb_topo *t, char *desc, size_t len)
{
	hwloc_bitmap_t set;
	char have[128];
	int ret;

	desc[0] = '\0';
	if (!t->this_system)
		return 0;
	set = xbitmap_alloc();
	/* The process's mask, as taskset or a cgroup left it. */
	if (hwloc_get_cpubind(t->hw, set, HWLOC_CPUBIND_PROCESS) < 0 ||
	    hwloc_bitmap_iszero(set) ||
	    hwloc_bitmap_isincluded(t->allowed, set)) {
		hwloc_bitmap_free(set);
		return 0;
	}
	format_pu_set(set, have, sizeof(have));
	ret = hwloc_topology_restrict(t->hw, set, 0);
	hwloc_bitmap_free(set);
	if (ret < 0 || topo_index(t) < 0)
		lb_die("cannot restrict the topology to the affinity mask %s",
		       have);
	snprintf(desc, len, "%s", have);
	return 1;
}

void lb_topo_destroy(struct lb_topo *t)
{
	if (!t)
		return;
	topo_free_index(t);
	if (t->hw)
		hwloc_topology_destroy(t->hw);
	free(t);
}

static unsigned count_type(const struct lb_topo *t, hwloc_obj_type_t type)
{
	int n = hwloc_get_nbobjs_by_type(t->hw, type);

	return n > 0 ? (unsigned)n : 0;
}

static void export_desc(const struct lb_topo *t, char *buf, size_t len)
{
	int n = hwloc_topology_export_synthetic(
		t->hw, buf, len, HWLOC_TOPOLOGY_EXPORT_SYNTHETIC_FLAG_NO_ATTRS);
	char *cut;

	if (n < 0) {
		buf[0] = '\0';
		return;
	}
	if ((size_t)n >= len) {
		/* Truncated: keep whole levels only, so the text stays true. */
		buf[len - 1] = '\0';
		cut = strrchr(buf, ' ');
		*(cut ? cut : buf) = '\0';
	}
}

void lb_topo_summary(const struct lb_topo *t, struct lb_topo_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->packages = count_type(t, HWLOC_OBJ_PACKAGE);
	s->numa_nodes = count_type(t, HWLOC_OBJ_NUMANODE);
	s->cores = count_type(t, HWLOC_OBJ_CORE);
	if (!s->cores)
		s->cores = t->npus;
	s->pus = t->npus;
	s->smt = t->smt;
	s->this_system = t->this_system;
	s->can_bind = t->can_bind;
	export_desc(t, s->desc, sizeof(s->desc));
}

static const char *plural(unsigned n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static bool same_core(const struct lb_topo_pu *a, const struct lb_topo_pu *b)
{
	return a->core >= 0 && a->core == b->core && a->package == b->package &&
	       a->numa == b->numa;
}

static void print_core_line(FILE *f, const struct lb_topo_pu *e)
{
	const char *sep = "";

	fputs("  ", f);
	if (e->package >= 0) {
		fprintf(f, "Package %d", e->package);
		sep = " / ";
	}
	if (e->numa >= 0) {
		fprintf(f, "%sNUMA %d", sep, e->numa);
		sep = " / ";
	}
	if (e->core >= 0)
		fprintf(f, "%sCore %d", sep, e->core);
	fputs(":", f);
}

void lb_topo_print(const struct lb_topo *t, FILE *f)
{
	struct lb_topo_summary s;
	unsigned i;

	lb_topo_summary(t, &s);
	fprintf(f, "%u %s, %u NUMA %s, %u %s, %u %s (up to %u per core)\n",
		s.packages, plural(s.packages, "package", "packages"),
		s.numa_nodes, plural(s.numa_nodes, "node", "nodes"), s.cores,
		plural(s.cores, "core", "cores"), s.pus,
		plural(s.pus, "PU", "PUs"), s.smt);
	if (s.desc[0])
		fprintf(f, "hwloc: %s\n", s.desc);
	if (t->can_bind)
		fputs("threads can be pinned (this system)\n", f);
	else
		fprintf(f, "threads cannot be pinned: %s\n", t->why_not);
	fputs("PUs by OS index, under logical package / NUMA / core numbers:\n",
	      f);
	for (i = 0; i < t->npus; i++) {
		bool cont = i && same_core(&t->pus[i - 1], &t->pus[i]);

		if (!cont)
			print_core_line(f, &t->pus[i]);
		fprintf(f, cont ? " %u" : " PU %u", t->pus[i].os);
		if (i + 1 == t->npus || !same_core(&t->pus[i], &t->pus[i + 1]))
			fputc('\n', f);
	}
}

/* json_object_set_new() that treats failure (out of memory) as fatal. */
static void jset(json_t *obj, const char *key, json_t *val)
{
	if (!val || json_object_set_new(obj, key, val) < 0)
		lb_xmalloc_fail(sizeof(json_t));
}

static json_t *xjson_object(void)
{
	json_t *o = json_object();

	return o ? o : lb_xmalloc_fail(sizeof(json_t));
}

static json_t *pu_json(const struct lb_topo_pu *e)
{
	json_t *o = xjson_object();

	jset(o, "os", json_integer(e->os));
	jset(o, "core", json_integer(e->core));
	jset(o, "package", json_integer(e->package));
	jset(o, "numa", json_integer(e->numa));
	return o;
}

json_t *lb_topo_json(const struct lb_topo *t)
{
	struct lb_topo_summary s;
	json_t *o = xjson_object(), *list = json_array();
	unsigned i;

	if (!list)
		lb_xmalloc_fail(sizeof(json_t));
	lb_topo_summary(t, &s);
	jset(o, "packages", json_integer(s.packages));
	jset(o, "numa_nodes", json_integer(s.numa_nodes));
	jset(o, "cores", json_integer(s.cores));
	jset(o, "pus", json_integer(s.pus));
	jset(o, "smt", json_integer(s.smt));
	jset(o, "this_system", json_boolean(s.this_system));
	jset(o, "can_bind", json_boolean(s.can_bind));
	jset(o, "desc", json_string(s.desc));
	for (i = 0; i < t->npus; i++)
		if (json_array_append_new(list, pu_json(&t->pus[i])) < 0)
			lb_xmalloc_fail(sizeof(json_t));
	jset(o, "pu_list", list);
	return o;
}

/* ---- --pin parsing ----------------------------------------------------- */

/* Edit distance of two short lower-case words, for "did you mean". */
static unsigned edit_distance(const char *a, const char *b)
{
	unsigned row[32], i, j, diag, up, lb = strlen(b);

	if (lb >= LB_ARRAY_SIZE(row))
		return UINT32_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; a[i - 1]; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			row[j] = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[lb];
}

/* The policy word @arg probably meant, or NULL. */
static const char *pin_suggest(const char *arg)
{
	char low[16];
	unsigned i, best = 3;
	const char *word = NULL;

	if (!arg[0] || strlen(arg) >= sizeof(low))
		return NULL;
	for (i = 0; arg[i]; i++)
		low[i] = (char)tolower((unsigned char)arg[i]);
	low[i] = '\0';
	for (i = 0; i < LB_ARRAY_SIZE(pin_words); i++) {
		unsigned d = edit_distance(low, pin_words[i]);

		if (!strncmp(low, pin_words[i], strlen(low)))
			d = 0;
		if (d < best) {
			best = d;
			word = pin_words[i];
		}
	}
	return word;
}

/*
 * One decimal PU number at *sp, advanced past it.  Returns 0, or -1 when
 * there is no digit, -2 when the number exceeds LB_PIN_MAX_PU (*sp is then
 * left at the number, for the message).
 */
static int parse_pu_number(const char **sp, unsigned *val)
{
	const char *s = *sp;
	unsigned long v = 0;
	bool big = false;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > LB_PIN_MAX_PU) {
			big = true;
			v = LB_PIN_MAX_PU + 1;
		}
	}
	if (big)
		return -2;
	*sp = s;
	*val = (unsigned)v;
	return 0;
}

/* What a list error message says was expected, by who asked. */
static const char *expected_for(const char *what)
{
	return strstr(what, "--pin") ? pin_expected :
				       "expected a PU list like 0,2-3";
}

static int list_error(const char *what, const char *arg, const char *at,
		      int why, char *err, size_t errlen)
{
	size_t pos = (size_t)(at - arg) + 1;
	const char *end = at;

	while (isdigit((unsigned char)*end))
		end++;
	if (why == -2)
		return fail(
			err, errlen,
			"invalid %s '%s': PU %.*s is out of range (at most %u); %s",
			what, arg, (int)(end - at), at, LB_PIN_MAX_PU,
			expected_for(what));
	if (at > arg && at[-1] == '-')
		return fail(
			err, errlen,
			"invalid %s '%s': the range ending at position %zu has no upper bound; %s",
			what, arg, pos - 1, expected_for(what));
	if (!*at || *at == ',')
		return fail(err, errlen,
			    "invalid %s '%s': empty entry at position %zu; %s",
			    what, arg, pos, expected_for(what));
	return fail(err, errlen,
		    "invalid %s '%s': unexpected '%c' at position %zu; %s",
		    what, arg, *at, pos, expected_for(what));
}

/* Append lo..hi to the list, growing it geometrically. */
static int list_append(unsigned **pus, unsigned *n, size_t *cap, unsigned lo,
		       unsigned hi)
{
	unsigned v;

	if (*n + (size_t)(hi - lo) + 1 > LB_PIN_MAX_LIST)
		return -1;
	for (v = lo; v <= hi; v++) {
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*pus = xrealloc_array(*pus, *cap, sizeof(**pus));
		}
		(*pus)[(*n)++] = v;
	}
	return 0;
}

/* One entry "N" or "N-M" at *sp; -1 with a message on error. */
static int parse_entry(const char *arg, const char *what, const char **sp,
		       unsigned *lo, unsigned *hi, char *err, size_t errlen)
{
	const char *range_start = *sp;
	int r = parse_pu_number(sp, lo);

	if (r < 0)
		return list_error(what, arg, *sp, r, err, errlen);
	*hi = *lo;
	if (**sp != '-')
		return 0;
	(*sp)++;
	r = parse_pu_number(sp, hi);
	if (r < 0)
		return list_error(what, arg, *sp, r, err, errlen);
	if (*hi < *lo)
		return fail(err, errlen,
			    "invalid %s '%s': range %.*s goes backwards; %s",
			    what, arg, (int)(*sp - range_start), range_start,
			    expected_for(what));
	return 0;
}

/* "0,2,4-7" into a new array of OS indexes; -1 with a message on error. */
static int parse_list(const char *arg, const char *what, unsigned **pus,
		      unsigned *npus, char *err, size_t errlen)
{
	const char *s = arg;
	unsigned lo, hi, n = 0, *list = NULL;
	size_t cap = 0;

	for (;;) {
		if (parse_entry(arg, what, &s, &lo, &hi, err, errlen) < 0)
			goto bad;
		if (list_append(&list, &n, &cap, lo, hi) < 0) {
			fail(err, errlen,
			     "invalid %s '%.40s...': more than %u PUs", what,
			     arg, LB_PIN_MAX_LIST);
			goto bad;
		}
		if (!*s)
			break;
		if (*s != ',') {
			list_error(what, arg, s, -1, err, errlen);
			goto bad;
		}
		s++;
	}
	*pus = list;
	*npus = n;
	return 0;
bad:
	free(list);
	return -1;
}

int lb_pin_parse(const char *arg, struct lb_pin_policy *out, char *err,
		 size_t errlen)
{
	const char *guess;
	unsigned i;

	memset(out, 0, sizeof(*out));
	if (!arg)
		arg = "";
	snprintf(out->text, sizeof(out->text), "%s", arg);
	for (i = 0; i < LB_ARRAY_SIZE(pin_words); i++) {
		if (!strcmp(arg, pin_words[i])) {
			out->kind = (enum lb_pin_kind)(LB_PIN_NONE + i);
			return 0;
		}
	}
	if (isdigit((unsigned char)arg[0])) {
		out->kind = LB_PIN_LIST;
		if (!parse_list(arg, "--pin value", &out->pus, &out->npus, err,
				errlen))
			return 0;
		lb_pin_policy_free(out);
		return -1;
	}
	guess = pin_suggest(arg);
	lb_pin_policy_free(out);
	if (guess)
		return fail(err, errlen,
			    "invalid --pin value '%s': %s (did you mean '%s'?)",
			    arg, pin_expected, guess);
	return fail(err, errlen, "invalid --pin value '%s': %s", arg,
		    pin_expected);
}

void lb_pin_policy_free(struct lb_pin_policy *p)
{
	free(p->pus);
	p->pus = NULL;
	p->npus = 0;
	p->kind = LB_PIN_NONE;
}

/* ---- plans and binding ------------------------------------------------- */

/* Index in t->pus of the PU with OS index os, or -1. */
static int find_pu(const struct lb_topo *t, unsigned os)
{
	unsigned lo = 0, hi = t->npus;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		unsigned v = t->pus[t->by_os[mid]].os;

		if (v == os)
			return (int)t->by_os[mid];
		if (v < os)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int missing_pu(const struct lb_topo *t, const struct lb_pin_policy *p,
		      unsigned os, char *err, size_t errlen)
{
	hwloc_const_bitmap_t complete =
		hwloc_topology_get_complete_cpuset(t->hw);
	char have[128];

	format_pu_set(t->allowed, have, sizeof(have));
	if (complete && hwloc_bitmap_isset(complete, os))
		return fail(
			err, errlen,
			"--pin %s: PU %u is not available to this process (allowed PUs: %s)",
			p->text, os, have);
	return fail(err, errlen,
		    "--pin %s: PU %u does not exist on this machine (PUs: %s)",
		    p->text, os, have);
}

/* The list as indexes into t->pus; NULL with a message if a PU is missing. */
static unsigned *list_order(const struct lb_topo *t,
			    const struct lb_pin_policy *p, char *err,
			    size_t errlen)
{
	unsigned *order, i;

	if (!p->npus || !p->pus) {
		fail(err, errlen, "--pin %s: empty PU list", p->text);
		return NULL;
	}
	order = lb_xzalloc(p->npus * sizeof(*order));
	for (i = 0; i < p->npus; i++) {
		int idx = find_pu(t, p->pus[i]);

		if (idx < 0) {
			missing_pu(t, p, p->pus[i], err, errlen);
			free(order);
			return NULL;
		}
		order[i] = (unsigned)idx;
	}
	return order;
}

static void plan_unpinned(const struct lb_topo *t, unsigned nthreads,
			  struct lb_placement *out, bool *oversubscribed)
{
	unsigned i;

	for (i = 0; i < nthreads; i++) {
		out[i].os_index = -1;
		out[i].core = -1;
		out[i].package = -1;
		out[i].numa = -1;
		out[i].sharing = 0;
	}
	*oversubscribed = nthreads > t->npus;
}

/* Thread i runs on t->pus[order[i % n]] (order NULL: the identity). */
static void plan_wrap(const struct lb_topo *t, const unsigned *order,
		      unsigned n, unsigned nthreads, struct lb_placement *out,
		      bool *oversubscribed)
{
	unsigned *sharing = lb_xzalloc(t->npus * sizeof(*sharing));
	unsigned i, idx;

	*oversubscribed = false;
	for (i = 0; i < nthreads; i++)
		sharing[order ? order[i % n] : i % n]++;
	for (i = 0; i < nthreads; i++) {
		const struct lb_topo_pu *e;

		idx = order ? order[i % n] : i % n;
		e = &t->pus[idx];
		out[i].os_index = (int)e->os;
		out[i].core = e->core;
		out[i].package = e->package;
		out[i].numa = e->numa;
		out[i].sharing = sharing[idx];
		if (sharing[idx] > 1)
			*oversubscribed = true;
	}
	free(sharing);
}

int lb_pin_plan(const struct lb_topo *t, const struct lb_pin_policy *p,
		unsigned nthreads, struct lb_placement *out,
		bool *oversubscribed, char *err, size_t errlen)
{
	unsigned *order;

	switch (p->kind) {
	case LB_PIN_NONE:
		plan_unpinned(t, nthreads, out, oversubscribed);
		return 0;
	case LB_PIN_COMPACT:
		plan_wrap(t, NULL, t->npus, nthreads, out, oversubscribed);
		return 0;
	case LB_PIN_SCATTER:
		plan_wrap(t, t->scatter, t->npus, nthreads, out,
			  oversubscribed);
		return 0;
	case LB_PIN_LIST:
		order = list_order(t, p, err, errlen);
		if (!order)
			return -1;
		plan_wrap(t, order, p->npus, nthreads, out, oversubscribed);
		free(order);
		return 0;
	}
	return fail(err, errlen, "--pin %s: unknown policy kind %d", p->text,
		    (int)p->kind);
}

/*
 * After binding, the kernel moves the thread at its next scheduling point:
 * yield until sched_getcpu() agrees.  Returns the last CPU seen (-1 if
 * sched_getcpu() is unsupported).
 */
static int wait_for_cpu(int os)
{
	int cpu = -1, i;

	for (i = 0; i < LB_PIN_VERIFY_TRIES; i++) {
		cpu = sched_getcpu();
		if (cpu == os || cpu < 0)
			break;
		sched_yield();
	}
	return cpu;
}

/* Does the kernel report the binding we asked for?  -1: cannot tell. */
static int binding_is(const struct lb_topo *t, hwloc_const_bitmap_t want)
{
	const struct hwloc_topology_support *sup =
		hwloc_topology_get_support(t->hw);
	hwloc_bitmap_t got;
	int same;

	if (!sup->cpubind->get_thisthread_cpubind)
		return -1;
	got = xbitmap_alloc();
	if (hwloc_get_cpubind(t->hw, got, HWLOC_CPUBIND_THREAD) < 0) {
		hwloc_bitmap_free(got);
		return -1;
	}
	same = hwloc_bitmap_isequal(got, want);
	hwloc_bitmap_free(got);
	return same;
}

int lb_pin_self(const struct lb_topo *t, const struct lb_placement *pl,
		char *err, size_t errlen)
{
	hwloc_bitmap_t set;
	int os = pl->os_index, cpu, bound;
	char ebuf[128];

	if (os < 0)
		return 0;
	if (!t->can_bind)
		return fail(err, errlen, "cannot pin a thread to PU %d: %s", os,
			    t->why_not);
	if (find_pu(t, (unsigned)os) < 0)
		return fail(
			err, errlen,
			"cannot pin a thread to PU %d: no such PU on this machine",
			os);
	set = xbitmap_alloc();
	hwloc_bitmap_only(set, (unsigned)os);
	if (hwloc_set_cpubind(t->hw, set, HWLOC_CPUBIND_THREAD) < 0) {
		int saved = errno;

		hwloc_bitmap_free(set);
		return fail(err, errlen, "cannot pin a thread to PU %d: %s", os,
			    errstr(saved, ebuf, sizeof(ebuf)));
	}
	bound = binding_is(t, set);
	hwloc_bitmap_free(set);
	if (!bound)
		return fail(
			err, errlen,
			"pinned a thread to PU %d but the kernel reports another binding",
			os);
	cpu = wait_for_cpu(os);
	if (cpu == os || (cpu < 0 && bound > 0))
		return 0;
	if (cpu < 0)
		return fail(
			err, errlen,
			"pinned a thread to PU %d but cannot verify it: sched_getcpu: %s",
			os, errstr(errno, ebuf, sizeof(ebuf)));
	return fail(err, errlen,
		    "pinned a thread to PU %d but it still runs on CPU %d", os,
		    cpu);
}
