/* SPDX-License-Identifier: MIT */
/*
 * floors.c - the hand-off floors (floors.h): two pinned threads, four
 * round trips, and a per-machine cache.
 *
 * The measurements follow the idea of the kernel's tools/perf/bench
 * (sched-pipe: two tasks handing a token back and forth, timed on one side);
 * the code is ours.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness/machine/floors.h"
#include "harness/gitversion.h"
#include "harness/machine/host.h"
#include "harness/util/options.h"
#include "harness/util/fileio.h"
#include "harness/util/signals.h"
#include "runtime/atomics.h"
#include "runtime/clock.h"
#include "runtime/compiler.h"
#include "runtime/coroutine.h"
#include "runtime/futex.h"

const char *const lb_floor_keys[LB_FLOOR_N] = {
	[LB_FLOOR_CACHELINE] = "cacheline",
	[LB_FLOOR_FUTEX] = "futex_wake",
	[LB_FLOOR_EVENTFD] = "eventfd",
	[LB_FLOOR_COROUTINE] = "coroutine_switch",
};

const char *const lb_floor_titles[LB_FLOOR_N] = {
	[LB_FLOOR_CACHELINE] = "cache line (spinning)",
	[LB_FLOOR_FUTEX] = "futex wake",
	[LB_FLOOR_EVENTFD] = "eventfd",
	[LB_FLOOR_COROUTINE] = "coroutine switch",
};

/* Warm-up and measured time of each figure, in ms: 1.3 s in all. */
static const unsigned int warm_ms[LB_FLOOR_N] = { 20, 50, 50, 10 };
static const unsigned int measure_ms[LB_FLOOR_N] = { 250, 400, 400, 150 };
/* A batch is timed as a whole once it lasts this long (clock cost < 1%). */
#define BATCH_NS 20000u
#define MAX_BATCH 65536u
#define MAX_SAMPLES 16384u
/*
 * The wake-ups are timed one round trip at a time, each after this pause:
 * the partner, which answered the previous one, must be asleep again (in
 * FUTEX_WAIT or read(2)) when it is woken, or the figure would mix in
 * hand-offs that found it still awake (a few hundred ns of system calls).
 */
#define SETTLE_NS 5000u
static const bool sleeps[LB_FLOOR_N] = { false, true, true, false };
#define CACHE_FORMAT 1

/* ------------------------------------------------------------ the pair */

static int cmp_long(const void *a, const void *b)
{
	const long *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

/* "0-3,8": the OS indexes of topo.pu_list, for messages. */
static void pu_list_text(json_t *pus, char *buf, size_t len)
{
	size_t i, j, n = json_array_size(pus), used = 0;
	long *v = lb_xzalloc((n + 1) * sizeof(*v));

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		v[i] = (long)json_integer_value(
			json_object_get(json_array_get(pus, i), "os"));
	qsort(v, n, sizeof(*v), cmp_long);
	for (i = 0; i < n && used < len; i = j) {
		for (j = i + 1; j < n && v[j] == v[j - 1] + 1; j++)
			;
		used += (size_t)snprintf(buf + used, len - used, "%s%ld",
					 i ? "," : "", v[i]);
		if (j - 1 > i && used < len)
			used += (size_t)snprintf(buf + used, len - used, "-%ld",
						 v[j - 1]);
	}
	free(v);
}

/* The pu_list entry of OS index @os, or NULL. */
static json_t *find_pu(json_t *pus, long os)
{
	size_t i;
	json_t *p;

	json_array_foreach(pus, i, p)
	{
		if (json_integer_value(json_object_get(p, "os")) == os)
			return p;
	}
	return NULL;
}

static long pu_field(json_t *p, const char *k)
{
	return (long)json_integer_value(json_object_get(p, k));
}

static int parse_pu(const char *s, const char *end, long *out)
{
	long v = 0;

	if (s == end || end - s > 5)
		return -1;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

int lb_floors_pus(const struct lb_topo *t, const char *arg, int pus[2],
		  char *err, size_t errlen)
{
	json_t *topo = lb_topo_json(t),
	       *list = json_object_get(topo, "pu_list");
	char all[256];
	long a, b;
	size_t i, j;
	int rc = -1;

	pu_list_text(list, all, sizeof(all));
	if (arg) {
		const char *comma = strchr(arg, ',');
		json_t *pa, *pb;

		if (!comma || parse_pu(arg, comma, &a) ||
		    parse_pu(comma + 1, comma + strlen(comma), &b)) {
			snprintf(err, errlen,
				 "invalid --pus value '%.64s': expected two PU "
				 "numbers (OS indexes) like 0,1",
				 arg);
			goto out;
		}
		if (a == b) {
			snprintf(
				err, errlen,
				"invalid --pus value '%.64s': the two PUs must "
				"differ",
				arg);
			goto out;
		}
		pa = find_pu(list, a);
		pb = find_pu(list, b);
		if (!pa || !pb) {
			snprintf(err, errlen,
				 "invalid --pus value '%.64s': PU %ld does not "
				 "exist on this machine (PUs: %s)",
				 arg, pa ? b : a, all);
			goto out;
		}
		pus[0] = (int)a;
		pus[1] = (int)b;
		rc = 0;
		goto out;
	}
	if (json_array_size(list) < 2) {
		snprintf(err, errlen,
			 "this machine (or the CPU affinity mask) has a single "
			 "PU (%s): there is no hand-off to measure",
			 all);
		goto out;
	}
	/* another core of the first PU's package, else another core, else
	 * the SMT sibling */
	for (j = 0; j < 3 && rc; j++)
		for (i = 1; i < json_array_size(list) && rc; i++) {
			json_t *p0 = json_array_get(list, 0);
			json_t *p = json_array_get(list, i);
			bool other_core = pu_field(p, "core") !=
						  pu_field(p0, "core") ||
					  pu_field(p, "core") < 0;
			bool same_pkg = pu_field(p, "package") ==
					pu_field(p0, "package");

			if ((j == 0 && other_core && same_pkg) ||
			    (j == 1 && other_core) || j == 2) {
				pus[0] = (int)pu_field(p0, "os");
				pus[1] = (int)pu_field(p, "os");
				rc = 0;
			}
		}
out:
	if (rc)
		lb_one_line(err); /* the value is quoted as typed */
	json_decref(topo);
	return rc;
}

/* ------------------------------------------------------ measurement */

/*
 * What the two threads share.  Each word the threads hand back and forth
 * sits alone on its own pair of cache lines (LB_PAD_SIZE), so that the
 * only line moving in a figure is the one it measures.
 */
struct floors_run {
	/* cache-line ping-pong: A writes odd values, B even ones */
	uint64_t line lb_cacheline_aligned;
	/* futex words: A -> B and B -> A, each thread sleeps on its own */
	uint32_t fx_ab lb_cacheline_aligned;
	uint32_t fx_ba lb_cacheline_aligned;
	/* eventfd phase: set by A before its last write, read by B */
	int stop lb_cacheline_aligned;
	int efd_ab, efd_ba;

	const struct lb_topo *topo;
	struct lb_placement pl[2];
	pthread_barrier_t barrier;
	bool pin_failed[2]; /* each written by its thread before a barrier */
	char pin_err[2][LB_ERRLEN];
	bool interrupted; /* A only */
	bool co_done; /* A only: the coroutine's exit flag */
	struct lb_co *co;
	double *samples[LB_FLOOR_N]; /* ns per round trip, per batch */
	unsigned int nsamples[LB_FLOOR_N];
	uint64_t round_trips[LB_FLOOR_N];
};

#define LINE_STOP UINT64_MAX
#define FUTEX_STOP UINT32_MAX

static void write_u64(int fd)
{
	uint64_t one = 1;

	while (write(fd, &one, sizeof(one)) != sizeof(one))
		if (errno != EINTR)
			lb_die("eventfd write: errno %d", errno);
}

static void read_u64(int fd)
{
	uint64_t v;

	while (read(fd, &v, sizeof(v)) != sizeof(v))
		if (errno != EINTR)
			lb_die("eventfd read: errno %d", errno);
}

/* A's side of @n cache-line round trips; *v is the last value B wrote. */
static void line_batch(struct floors_run *r, unsigned int n, uint64_t *v)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		/*
		 * Hand the line to B.  Release, as a spinning lock's unlock:
		 * it would publish the critical section's stores to the
		 * thread whose acquire load reads this value.
		 */
		lb_store_release(&r->line, *v + 1);
		/* Spin until B's answer; acquire pairs with B's release. */
		while (lb_load_acquire(&r->line) != *v + 2)
			lb_cpu_relax(); /* as the locks' spin loops do */
		*v += 2;
	}
}

static void line_echo(struct floors_run *r)
{
	uint64_t v = 1, x;

	for (;;) {
		/* acquire: pairs with A's release store of v (or STOP) */
		while ((x = lb_load_acquire(&r->line)) != v) {
			if (x == LINE_STOP)
				return;
			lb_cpu_relax();
		}
		/* release: A's acquire load of v + 1 sees what we did */
		lb_store_release(&r->line, v + 1);
		v += 2;
	}
}

/* A's side of @n futex round trips; *seq numbers them. */
static void futex_batch(struct floors_run *r, unsigned int n, uint64_t *seq)
{
	unsigned int i;
	uint32_t s, x;

	for (i = 0; i < n; i++) {
		s = (uint32_t)++ * seq;
		/*
		 * The new value first (release: B's acquire load of it sees
		 * our earlier stores), then the wake: futex.h's rule, so
		 * that B cannot sleep on a value that already changed.
		 */
		lb_store_release(&r->fx_ab, s);
		lb_futex_wake(&r->fx_ab, 1);
		/* sleep until B's answer; acquire pairs with its release */
		while ((x = lb_load_acquire(&r->fx_ba)) != s)
			lb_futex_wait(&r->fx_ba, x, NULL);
	}
}

static void futex_echo(struct floors_run *r)
{
	uint32_t s = 1, x;

	for (;;) {
		/* acquire: pairs with A's release store of s (or STOP) */
		while ((x = lb_load_acquire(&r->fx_ab)) != s) {
			if (x == FUTEX_STOP)
				return;
			lb_futex_wait(&r->fx_ab, x, NULL);
		}
		/* release, then wake: as in futex_batch() */
		lb_store_release(&r->fx_ba, s);
		lb_futex_wake(&r->fx_ba, 1);
		s++;
	}
}

static void eventfd_batch(struct floors_run *r, unsigned int n,
			  uint64_t *unused)
{
	unsigned int i;

	(void)unused;
	for (i = 0; i < n; i++) {
		write_u64(r->efd_ab);
		read_u64(r->efd_ba);
	}
}

static void eventfd_echo(struct floors_run *r)
{
	for (;;) {
		read_u64(r->efd_ab);
		/*
		 * acquire: pairs with A's release store of stop, made before
		 * the write(2) that woke us (the eventfd's counter is updated
		 * and read under the kernel's lock, which orders the two).
		 */
		if (lb_load_acquire(&r->stop))
			return;
		write_u64(r->efd_ba);
	}
}

static void co_entry(void *arg)
{
	struct floors_run *r = arg;

	/* co_done is written by A, the only thread this coroutine runs on */
	while (!r->co_done)
		lb_co_yield();
}

static void co_batch(struct floors_run *r, unsigned int n, uint64_t *unused)
{
	unsigned int i;

	(void)unused;
	for (i = 0; i < n; i++)
		lb_co_enter(r->co); /* returns when it yields */
}

/* Let the partner fall asleep (wake-ups only); returns the time after. */
static uint64_t settle(enum lb_floor_kind k)
{
	uint64_t t = lb_now_ns(), end = t + SETTLE_NS;

	while (sleeps[k] && t < end) {
		lb_cpu_relax();
		t = lb_now_ns();
	}
	return t;
}

/*
 * Time @batch on thread A: a warm-up that also sizes the batch (doubled
 * until it lasts BATCH_NS; one round trip for wake-ups, see SETTLE_NS),
 * then batches until the measured time is over.
 */
static void drive(struct floors_run *r, enum lb_floor_kind k,
		  void (*batch)(struct floors_run *r, unsigned int n,
				uint64_t *state))
{
	uint64_t state = 0, t0, t1, end;
	unsigned int n = 1;

	end = lb_now_ns() + warm_ms[k] * 1000000ull;
	while (!r->interrupted) {
		t0 = settle(k);
		batch(r, n, &state);
		t1 = lb_now_ns();
		if (lb_interrupted())
			r->interrupted = true;
		if (t1 >= end)
			break;
		if (t1 - t0 < BATCH_NS && n < MAX_BATCH && !sleeps[k])
			n *= 2;
	}
	end = lb_now_ns() + measure_ms[k] * 1000000ull;
	while (!r->interrupted && r->nsamples[k] < MAX_SAMPLES) {
		t0 = settle(k);
		batch(r, n, &state);
		t1 = lb_now_ns();
		r->samples[k][r->nsamples[k]++] = (double)(t1 - t0) / n;
		r->round_trips[k] += n;
		if (lb_interrupted())
			r->interrupted = true;
		if (t1 >= end)
			break;
	}
}

static bool pin(struct floors_run *r, int which)
{
	if (lb_pin_self(r->topo, &r->pl[which], r->pin_err[which],
			sizeof(r->pin_err[which])))
		r->pin_failed[which] = true;
	/* the barrier orders both threads' writes before both reads */
	pthread_barrier_wait(&r->barrier);
	return !r->pin_failed[0] && !r->pin_failed[1];
}

/* Thread B: answers A in each phase until told to stop. */
static void *echo_thread(void *arg)
{
	struct floors_run *r = arg;

	if (!pin(r, 1))
		return NULL;
	line_echo(r);
	pthread_barrier_wait(&r->barrier);
	futex_echo(r);
	pthread_barrier_wait(&r->barrier);
	eventfd_echo(r);
	return NULL;
}

/* Thread A: times every phase; the barriers separate them. */
static void *timer_thread(void *arg)
{
	struct floors_run *r = arg;

	if (!pin(r, 0))
		return NULL;
	drive(r, LB_FLOOR_CACHELINE, line_batch);
	/* B waits for an odd value: STOP ends its loop (release: nothing
	 * to publish, the barrier orders the rest) */
	lb_store_release(&r->line, LINE_STOP);
	pthread_barrier_wait(&r->barrier);

	drive(r, LB_FLOOR_FUTEX, futex_batch);
	lb_store_release(&r->fx_ab, FUTEX_STOP);
	lb_futex_wake(&r->fx_ab, 1);
	pthread_barrier_wait(&r->barrier);

	drive(r, LB_FLOOR_EVENTFD, eventfd_batch);
	lb_store_release(&r->stop, 1);
	write_u64(r->efd_ab);

	/* B is done; the coroutine runs on A alone */
	r->co = lb_co_create(co_entry, r);
	drive(r, LB_FLOOR_COROUTINE, co_batch);
	r->co_done = true;
	lb_co_enter(r->co); /* terminates: back to the pool */
	lb_co_pool_flush();
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	const double *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

static double round2(double x)
{
	return round(x * 100) / 100;
}

/* Nearest-rank quantile of sorted @v. */
static double quantile(const double *v, unsigned int n, double q)
{
	return v[(unsigned int)floor((n - 1) * q + 0.5)];
}

static json_t *figure_json(struct floors_run *r, enum lb_floor_kind k)
{
	double *v = r->samples[k], med;
	unsigned int n = r->nsamples[k];

	qsort(v, n, sizeof(*v), cmp_double);
	med = quantile(v, n, 0.5);
	return json_pack("{s:f, s:f, s:f, s:f, s:I, s:I}", "round_trip_ns",
			 round2(med), "p10_ns", round2(quantile(v, n, 0.1)),
			 "p90_ns", round2(quantile(v, n, 0.9)), "one_way_ns",
			 round2(med / 2), "samples", (json_int_t)n,
			 "round_trips", (json_int_t)r->round_trips[k]);
}

static void stamp(char *buf, size_t len)
{
	time_t now = time(NULL);

	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
}

/* Measure between @pus.  Returns the floors object, or NULL with @err. */
static json_t *measure(const struct lb_topo *t, const int pus[2], char *err,
		       size_t errlen)
{
	struct floors_run *r = lb_xaligned_zalloc(LB_PAD_SIZE, sizeof(*r));
	struct lb_pin_policy pol;
	pthread_t ta, tb;
	sigset_t block, old;
	char list[64], when[32];
	uint64_t t0 = lb_now_ns();
	json_t *j = NULL;
	bool over;
	int k;

	r->topo = t;
	snprintf(list, sizeof(list), "%d,%d", pus[0], pus[1]);
	if (lb_pin_parse(list, &pol, err, errlen) ||
	    lb_pin_plan(t, &pol, 2, r->pl, &over, err, errlen)) {
		lb_pin_policy_free(&pol);
		free(r);
		return NULL;
	}
	lb_pin_policy_free(&pol);
	r->efd_ab = eventfd(0, EFD_CLOEXEC);
	r->efd_ba = eventfd(0, EFD_CLOEXEC);
	if (r->efd_ab < 0 || r->efd_ba < 0) {
		snprintf(err, errlen, "cannot create an eventfd: %s",
			 strerror(errno));
		goto out;
	}
	for (k = 0; k < LB_FLOOR_N; k++)
		r->samples[k] = lb_xzalloc(MAX_SAMPLES * sizeof(double));
	lb_check_pthread(pthread_barrier_init(&r->barrier, NULL, 2));
	/* SIGINT/SIGTERM go to the main thread: its handler sets the flag */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	if (pthread_create(&tb, NULL, echo_thread, r)) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		snprintf(err, errlen, "cannot create a thread: %s",
			 strerror(errno));
		goto out_barrier;
	}
	if (pthread_create(&ta, NULL, timer_thread, r)) {
		/* let B through its barrier and out */
		r->pin_failed[0] = true;
		snprintf(r->pin_err[0], sizeof(r->pin_err[0]), "no thread");
		pthread_barrier_wait(&r->barrier);
		pthread_join(tb, NULL);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		snprintf(err, errlen, "cannot create a thread: %s",
			 strerror(errno));
		goto out_barrier;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	if (r->pin_failed[0] || r->pin_failed[1]) {
		snprintf(err, errlen, "cannot pin the threads: %s",
			 r->pin_err[r->pin_failed[0] ? 0 : 1]);
		goto out_barrier;
	}
	if (r->interrupted || lb_interrupted()) {
		snprintf(err, errlen, "interrupted");
		goto out_barrier;
	}
	stamp(when, sizeof(when));
	j = json_pack("{s:[i,i], s:b, s:b, s:s, s:f, s:s}", "pus", pus[0],
		      pus[1], "same_core", r->pl[0].core == r->pl[1].core,
		      "same_package", r->pl[0].package == r->pl[1].package,
		      "measured_at", when, "measure_s",
		      round2((double)(lb_now_ns() - t0) / 1e9), "source",
		      "measured");
	if (!j)
		lb_die("out of memory");
	for (k = 0; k < LB_FLOOR_N; k++)
		json_object_set_new(j, lb_floor_keys[k], figure_json(r, k));
out_barrier:
	pthread_barrier_destroy(&r->barrier);
out:
	for (k = 0; k < LB_FLOOR_N; k++)
		free(r->samples[k]);
	if (r->efd_ab >= 0)
		close(r->efd_ab);
	if (r->efd_ba >= 0)
		close(r->efd_ba);
	free(r);
	return j;
}

/* ------------------------------------------------------------ cache */

/* Why @f is not a plausible floors object for @pus, or NULL. */
static const char *implausible(json_t *f, const int pus[2])
{
	json_t *p = json_object_get(f, "pus");
	int k;

	if (!json_is_object(f))
		return "no floors object";
	if (json_array_size(p) != 2 ||
	    json_integer_value(json_array_get(p, 0)) != pus[0] ||
	    json_integer_value(json_array_get(p, 1)) != pus[1] ||
	    !json_is_integer(json_array_get(p, 0)) ||
	    !json_is_integer(json_array_get(p, 1)))
		return "another PU pair";
	if (!json_is_string(json_object_get(f, "measured_at")) ||
	    !json_is_boolean(json_object_get(f, "same_core")) ||
	    !json_is_boolean(json_object_get(f, "same_package")) ||
	    !json_is_number(json_object_get(f, "measure_s")))
		return "a field is missing";
	for (k = 0; k < LB_FLOOR_N; k++) {
		json_t *g = json_object_get(f, lb_floor_keys[k]);
		double rt =
			json_number_value(json_object_get(g, "round_trip_ns"));
		double p10 = json_number_value(json_object_get(g, "p10_ns"));
		double p90 = json_number_value(json_object_get(g, "p90_ns"));
		double ow = json_number_value(json_object_get(g, "one_way_ns"));

		if (!json_is_object(g) ||
		    !json_is_number(json_object_get(g, "round_trip_ns")) ||
		    !json_is_number(json_object_get(g, "p10_ns")) ||
		    !json_is_number(json_object_get(g, "p90_ns")) ||
		    !json_is_number(json_object_get(g, "one_way_ns")) ||
		    !json_is_integer(json_object_get(g, "samples")) ||
		    !json_is_integer(json_object_get(g, "round_trips")))
			return "a figure is missing";
		if (!(rt > 0 && rt < 1e9 && p10 > 0 && p10 <= rt && rt <= p90 &&
		      p90 < 1e9 && fabs(ow * 2 - rt) < 0.1) ||
		    json_integer_value(json_object_get(g, "samples")) < 1)
			return "implausible figures";
	}
	return NULL;
}

/* What the cache is keyed by. */
static json_t *identity(const struct lb_topo *t, const int pus[2])
{
	json_t *host = lb_host_json(), *id;
	struct lb_topo_summary sum;

	lb_topo_summary(t, &sum);
	id = json_pack("{s:O?, s:O?, s:I, s:O?, s:[i,i], s:s, s:s}", "hostname",
		       json_object_get(host, "hostname"), "cpu_model",
		       json_object_get(host, "cpu_model"), "pus",
		       (json_int_t)sum.pus, "kernel",
		       json_object_get(host, "kernel"), "pu_pair", pus[0],
		       pus[1], "lockbench", PACKAGE_VERSION, "git_commit",
		       LB_GIT_COMMIT);
	json_decref(host);
	if (!id)
		lb_die("out of memory");
	return id;
}

/* mkdir that tolerates an existing directory. */
static int make_dir(const char *d, mode_t mode)
{
	struct stat st;

	if (!mkdir(d, mode))
		return 0;
	if (errno == EEXIST && !stat(d, &st) && S_ISDIR(st.st_mode))
		return 0;
	return -1;
}

/* FNV-1a of the identity: builds of other commits get files of their own */
static uint32_t identity_hash(json_t *id)
{
	char *s = json_dumps(id, JSON_COMPACT | JSON_SORT_KEYS);
	uint64_t h = 14695981039346656037ull;
	const char *c;

	if (!s)
		lb_die("out of memory");
	for (c = s; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ull;
	free(s);
	return (uint32_t)(h ^ (h >> 32));
}

/*
 * The cache file's path for @pus and identity @id ("floors-HOST-A-B-HASH
 * .json": `ab` alternating two builds must not make each invalidate the
 * other's), its directory created.  Returns 0, or -1 with the reason in
 * @err (no HOME, cannot create the directory).
 */
static int cache_path(const int pus[2], json_t *id, char *path, size_t len,
		      char *err, size_t errlen)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char dir[3500], host[65] = "";
	size_t i;

	if (xdg && xdg[0] == '/' && strlen(xdg) < 3000) {
		snprintf(dir, sizeof(dir), "%s", xdg);
	} else if (home && home[0] == '/' && strlen(home) < 3000) {
		snprintf(dir, sizeof(dir), "%s/.cache", home);
	} else {
		snprintf(err, errlen,
			 "neither XDG_CACHE_HOME nor HOME names a directory");
		return -1;
	}
	if (make_dir(dir, 0700)) {
		snprintf(err, errlen, "cannot create '%s': %s", dir,
			 strerror(errno));
		return -1;
	}
	strcat(dir, "/lockbench");
	if (make_dir(dir, 0755)) {
		snprintf(err, errlen, "cannot create '%s': %s", dir,
			 strerror(errno));
		return -1;
	}
	gethostname(host, sizeof(host) - 1);
	for (i = 0; host[i]; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
			    "XYZ0123456789.-_",
			    host[i]))
			host[i] = '_';
	snprintf(path, len, "%s/floors-%s-%d-%d-%08x.json", dir,
		 host[0] ? host : "host", pus[0], pus[1], identity_hash(id));
	return 0;
}

/*
 * The cached floors, or NULL (missing, another machine or build: silent;
 * corrupt: a warning unless @quiet, and the file is rewritten later).
 */
static json_t *cache_read(const char *path, json_t *id, const int pus[2],
			  bool quiet)
{
	json_error_t jerr;
	json_t *doc, *f;
	const char *why = NULL;

	if (access(path, F_OK))
		return NULL;
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		why = "not valid JSON";
	else if (!json_is_object(doc) ||
		 json_integer_value(json_object_get(doc, "format")) !=
			 CACHE_FORMAT ||
		 !json_is_object(json_object_get(doc, "identity")))
		why = "not a lockbench floors cache";
	if (!why && !json_equal(json_object_get(doc, "identity"), id)) {
		json_decref(doc);
		return NULL; /* another machine, kernel or build */
	}
	f = why ? NULL : json_object_get(doc, "floors");
	if (!why)
		why = implausible(f, pus);
	if (why) {
		if (!quiet)
			fprintf(stderr,
				"lockbench: ignoring the floors cache '%s' "
				"(%s): measuring again\n",
				path, why);
		json_decref(doc);
		return NULL;
	}
	f = json_deep_copy(f);
	json_decref(doc);
	json_object_set_new(f, "source", json_string("cache"));
	return f;
}

json_t *lb_floors_get(const struct lb_topo *t, const int pus[2],
		      unsigned int flags, char *path_out, size_t pathlen,
		      char *err, size_t errlen)
{
	bool quiet = flags & LB_FLOORS_QUIET;
	char path[4096] = "", why[LB_ERRLEN];
	json_t *id, *f = NULL;
	bool cache = !(flags & LB_FLOORS_NO_CACHE);

	if (path_out)
		path_out[0] = '\0';
	id = identity(t, pus);
	if (cache &&
	    cache_path(pus, id, path, sizeof(path), why, sizeof(why))) {
		fprintf(stderr,
			"lockbench: warning: no cache for the hand-off floors "
			"(%s): measuring them every time\n",
			why);
		cache = false;
		path[0] = '\0';
	}
	if (cache && !(flags & LB_FLOORS_REFRESH))
		f = cache_read(path, id, pus, quiet);
	if (f) {
		json_decref(id);
		if (path_out)
			snprintf(path_out, pathlen, "%s", path);
		return f;
	}
	if (!quiet)
		fprintf(stderr,
			"lockbench: measuring the hand-off floors between PUs "
			"%d and %d (about 1.5 s%s)\n",
			pus[0], pus[1], cache ? ", once: then cached" : "");
	f = measure(t, pus, err, errlen);
	if (f && cache) {
		json_t *doc = json_pack("{s:i, s:O, s:O}", "format",
					CACHE_FORMAT, "identity", id, "floors",
					f);

		if (!doc)
			lb_die("out of memory");
		if (lb_write_json_atomic(path, doc, why, sizeof(why)))
			fprintf(stderr,
				"lockbench: warning: cannot cache the hand-off "
				"floors: %s\n",
				why);
		else if (path_out)
			snprintf(path_out, pathlen, "%s", path);
		json_decref(doc);
	}
	json_decref(id);
	return f;
}

void lb_floors_attach(json_t *host, const struct lb_topo *t, bool quiet)
{
	const char *env = getenv(LB_FLOORS_ENV);
	char err[LB_ERRLEN];
	json_t *f = NULL;
	int pus[2];

	if (env && !strcmp(env, "0"))
		snprintf(err, sizeof(err), "disabled by " LB_FLOORS_ENV "=0");
	else if (!lb_floors_pus(t, NULL, pus, err, sizeof(err)))
		f = lb_floors_get(t, pus, quiet ? LB_FLOORS_QUIET : 0, NULL, 0,
				  err, sizeof(err));
	if (f) {
		json_object_set_new(host, "floors", f);
		return;
	}
	json_object_set_new(host, "floors", json_null());
	json_object_set_new(host, "floors_note", json_string(err));
	if (!quiet && !(env && !strcmp(env, "0")))
		fprintf(stderr, "lockbench: no hand-off floors: %s\n", err);
}

/* ------------------------------------------------------------ output */

const char *lb_floors_fmt_ns(double ns, char *buf, size_t len)
{
	if (!isfinite(ns))
		snprintf(buf, len, "-");
	else if (ns < 10)
		snprintf(buf, len, "%.1f ns", ns);
	else if (ns < 1000)
		snprintf(buf, len, "%.0f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	return buf;
}

static double fig(const json_t *floors, int k, const char *field)
{
	json_t *g = json_object_get(floors, lb_floor_keys[k]);
	json_t *v = json_object_get(g, field);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

void lb_floors_print_line(FILE *f, const json_t *floors)
{
	static const char *const brief[LB_FLOOR_N] = { "cache line",
						       "futex wake", "eventfd",
						       "coroutine switch" };
	char b[32];
	int k;

	if (!json_is_object(floors))
		return;

	fprintf(f, "hand-off floors (one-way, PU %lld <-> %lld):",
		(long long)json_integer_value(
			json_array_get(json_object_get(floors, "pus"), 0)),
		(long long)json_integer_value(
			json_array_get(json_object_get(floors, "pus"), 1)));
	for (k = 0; k < LB_FLOOR_N; k++)
		fprintf(f, "%s %s %s", k ? "," : "", brief[k],
			lb_floors_fmt_ns(fig(floors, k, "one_way_ns"), b,
					 sizeof(b)));
	fprintf(f, "\n");
}

void lb_floors_print_table(FILE *f, const json_t *floors,
			   const char *cache_path)
{
	const char *src = json_string_value(json_object_get(floors, "source"));
	bool cached = src && !strcmp(src, "cache");
	char b[4][32];
	int k;

	fprintf(f, "hand-off floors between PU %lld and PU %lld (%s)\n",
		(long long)json_integer_value(
			json_array_get(json_object_get(floors, "pus"), 0)),
		(long long)json_integer_value(
			json_array_get(json_object_get(floors, "pus"), 1)),
		json_is_true(json_object_get(floors, "same_core")) ?
			"SMT siblings of one core" :
		json_is_true(json_object_get(floors, "same_package")) ?
			"different cores of one package" :
			"different packages");
	fprintf(f, "%s %s (%.2f s)%s%s\n",
		cached ? "from the cache, measured" : "measured",
		json_string_value(json_object_get(floors, "measured_at")),
		json_number_value(json_object_get(floors, "measure_s")),
		cache_path && *cache_path ? cached ? ": " : ", cached in " : "",
		cache_path ? cache_path : "");
	fprintf(f, "\n%-22s %10s %10s %10s %10s %12s\n", "", "round trip",
		"p10", "p90", "one-way", "round trips");
	for (k = 0; k < LB_FLOOR_N; k++)
		fprintf(f, "%-22s %10s %10s %10s %10s %12lld\n",
			lb_floor_titles[k],
			lb_floors_fmt_ns(fig(floors, k, "round_trip_ns"), b[0],
					 sizeof(b[0])),
			lb_floors_fmt_ns(fig(floors, k, "p10_ns"), b[1],
					 sizeof(b[1])),
			lb_floors_fmt_ns(fig(floors, k, "p90_ns"), b[2],
					 sizeof(b[2])),
			lb_floors_fmt_ns(fig(floors, k, "one_way_ns"), b[3],
					 sizeof(b[3])),
			(long long)json_integer_value(json_object_get(
				json_object_get(floors, lb_floor_keys[k]),
				"round_trips")));
	fprintf(f, "\nround trip: A to B and back (coroutine: enter + yield "
		   "on one thread), median\nof batches, p10/p90 over "
		   "batches; one-way = round trip / 2\n");
}
