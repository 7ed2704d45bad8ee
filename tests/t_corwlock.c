/* SPDX-License-Identifier: MIT */
/*
 * t_corwlock.c - TAP tests of the CoRwlock (locks/corwlock.h):
 *   - readers share: four readers (two threads x two coroutines)
 *     rendezvous inside the read section;
 *   - writers exclude: a stress of readers, writers, trylock, upgrade and
 *     downgrade; nobody sees a writer together with anybody else, the
 *     counter is exact and no reader sees a half-done write;
 *   - FIFO order with batching: R R W R R W queued behind a writer are
 *     granted as {R R} W {R R} W, each pair inside together;
 *   - a new reader does not overtake a queued writer, even though only
 *     readers hold the lock;
 *   - no writer starvation under a continuous stream of overlapping
 *     readers;
 *   - upgrade (alone, with another reader inside, behind a queued writer)
 *     and downgrade (lets the queued readers in, not the writer behind).
 * Waiting is by queue probes and bounded rendezvous (tests/cothread.h), not
 * by sleeping.  Built a second time with ThreadSanitizer (make check-tsan).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "locks/corwlock.h"
#include "runtime/atomics.h"
#include "tests/cothread.h"
#include "tests/tap.h"

struct rwt {
	struct corwlock rw;
	/* Who is inside, by relaxed atomics: the exclusion checks. */
	unsigned int readers, writers, max_readers;
	unsigned int violations; /* a writer together with anybody */
	unsigned int timeouts; /* bounded waits that gave up */
	unsigned int seq; /* grant order */
	unsigned int arrived; /* readers past a rendezvous point, monotonic */
	/* Protected by rw. */
	uint64_t counter, copy;
	uint64_t torn; /* reads that saw counter != copy, atomic */
};

static struct rwt *rwt_new(void)
{
	struct rwt *t = lb_xaligned_zalloc(LB_PAD_SIZE, sizeof(*t));

	corwlock_init(&t->rw, NULL);
	return t;
}

static void rwt_free(struct rwt *t)
{
	corwlock_destroy(&t->rw);
	free(t);
}

static unsigned int ld(const unsigned int *p)
{
	return lb_load_relaxed(p);
}

static void enter_read(struct rwt *t)
{
	unsigned int n = lb_fetch_add_relaxed(&t->readers, 1) + 1;
	unsigned int max = ld(&t->max_readers);

	while (n > max &&
	       !__atomic_compare_exchange_n(&t->max_readers, &max, n, true,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	if (ld(&t->writers))
		lb_fetch_add_relaxed(&t->violations, 1);
}

static void leave_read(struct rwt *t)
{
	__atomic_fetch_sub(&t->readers, 1, __ATOMIC_RELAXED);
}

static void enter_write(struct rwt *t)
{
	if (__atomic_exchange_n(&t->writers, 1, __ATOMIC_RELAXED) ||
	    ld(&t->readers))
		lb_fetch_add_relaxed(&t->violations, 1);
}

static void leave_write(struct rwt *t)
{
	lb_store_relaxed(&t->writers, 0);
}

static void wait_or_count(struct rwt *t, bool ok)
{
	if (!ok)
		lb_fetch_add_relaxed(&t->timeouts, 1);
}

static unsigned int grant_no(struct rwt *t)
{
	return lb_fetch_add_relaxed(&t->seq, 1);
}

/*
 * Rendezvous inside the read section: count ourselves in, wait until @n
 * have arrived.  The count never goes down, so nobody misses the moment.
 */
static void rendezvous(struct rwt *t, unsigned int n)
{
	lb_fetch_add_relaxed(&t->arrived, 1);
	wait_or_count(t, COT_WAIT(ld(&t->arrived) >= n));
}

/* ---- readers share ---- */

#define SHARE_READERS 4

static void share_reader(void *arg)
{
	struct rwt *t = arg;

	corwlock_rdlock(&t->rw, NULL);
	enter_read(t);
	rendezvous(t, SHARE_READERS);
	leave_read(t);
	corwlock_rdunlock(&t->rw, NULL);
}

static void test_readers_share(void)
{
	struct rwt *t = rwt_new();
	struct cothread th[2];
	void *args[2] = { t, t };

	cothread_start_k(&th[0], share_reader, args, 2);
	cothread_start_k(&th[1], share_reader, args, 2);
	cothread_join(th, 2);
	tap_ok(t->max_readers == SHARE_READERS && !t->timeouts &&
		       !t->violations,
	       "readers share: %u of %d readers (2 threads x 2 coroutines) "
	       "inside at once, %u timeouts",
	       t->max_readers, SHARE_READERS, t->timeouts);
	rwt_free(t);
}

/* ---- writers exclude: the stress ---- */

static unsigned int stress_iters = 20000;

struct sworker {
	struct rwt *t;
	unsigned int id;
	uint64_t writes;
};

static void write_section(struct rwt *t)
{
	unsigned int j;

	enter_write(t);
	t->counter++;
	for (j = 0; j < 8; j++)
		lb_barrier();
	t->copy++;
	leave_write(t);
}

/* @linger: go round the event loop inside, so that readers overlap. */
static void read_section(struct rwt *t, bool linger)
{
	uint64_t c;
	unsigned int j;

	enter_read(t);
	c = t->counter;
	for (j = 0; j < 8; j++)
		lb_barrier();
	if (linger)
		cot_pause();
	if (c != t->copy)
		lb_fetch_add_relaxed(&t->torn, 1);
	leave_read(t);
}

static void stress_body(void *arg)
{
	struct sworker *w = arg;
	struct rwt *t = w->t;
	void *rw = &t->rw;
	unsigned int i;

	for (i = 0; i < stress_iters; i++) {
		switch ((i + w->id) % 8) {
		case 0:
			corwlock_lock(rw, NULL);
			write_section(t);
			corwlock_unlock(rw, NULL);
			w->writes++;
			break;
		case 3: /* read, then write under the upgraded lock */
			corwlock_rdlock(rw, NULL);
			read_section(t, false);
			corwlock_upgrade(rw);
			write_section(t);
			corwlock_unlock(rw, NULL);
			w->writes++;
			break;
		case 5: /* write, then read under the downgraded lock */
			corwlock_lock(rw, NULL);
			write_section(t);
			corwlock_downgrade(rw);
			read_section(t, false);
			corwlock_rdunlock(rw, NULL);
			w->writes++;
			break;
		case 6:
			if (!corwlock_trylock(rw, NULL))
				break;
			write_section(t);
			corwlock_unlock(rw, NULL);
			w->writes++;
			break;
		default:
			corwlock_rdlock(rw, NULL);
			read_section(t, i % 16 < 8);
			corwlock_rdunlock(rw, NULL);
		}
	}
}

static void test_stress(unsigned int nthreads, unsigned int k)
{
	struct rwt *t = rwt_new();
	struct cothread *th = lb_xzalloc(nthreads * sizeof(*th));
	struct sworker *w = lb_xzalloc(nthreads * k * sizeof(*w));
	void *args[COT_MAX];
	uint64_t writes = 0;
	unsigned int i, j;

	for (i = 0; i < nthreads; i++) {
		for (j = 0; j < k; j++) {
			w[i * k + j] = (struct sworker){ t, i * k + j, 0 };
			args[j] = &w[i * k + j];
		}
		cothread_start_k(&th[i], stress_body, args, k);
	}
	cothread_join(th, nthreads);
	for (i = 0; i < nthreads * k; i++)
		writes += w[i].writes;
	tap_ok(t->counter == writes && t->copy == writes && !t->violations &&
		       !t->torn && corwlock_owners(&t->rw) == 0,
	       "writers exclude: %u threads x %u coroutines x %u ops (read, "
	       "write, trylock, upgrade, downgrade): counter %llu of %llu "
	       "writes, %u overlaps, %llu torn reads, max %u readers inside",
	       nthreads, k, stress_iters, (unsigned long long)t->counter,
	       (unsigned long long)writes, t->violations,
	       (unsigned long long)t->torn, t->max_readers);
	free(w);
	free(th);
	rwt_free(t);
}

/* ---- FIFO order, readers batched ---- */

#define FIFO_N 6

struct fifo {
	struct rwt *t;
	unsigned int order[FIFO_N]; /* grant position -> waiter */
	unsigned int started;
	struct cothread th[FIFO_N];
	bool queued_ok;
};

struct fifo_waiter {
	struct fifo *f;
	unsigned int id;
	bool read;
};

static struct fifo_waiter fifo_waiters[FIFO_N];

static void fifo_waiter_body(void *arg)
{
	struct fifo_waiter *w = arg;
	struct rwt *t = w->f->t;

	if (w->read) {
		corwlock_rdlock(&t->rw, NULL);
		w->f->order[grant_no(t)] = w->id;
		enter_read(t);
		/* Granted together with the other reader of its pair. */
		rendezvous(t, w->id < 2 ? 2 : 4);
		leave_read(t);
		corwlock_rdunlock(&t->rw, NULL);
	} else {
		corwlock_lock(&t->rw, NULL);
		w->f->order[grant_no(t)] = w->id;
		enter_write(t);
		leave_write(t);
		corwlock_unlock(&t->rw, NULL);
	}
}

static void fifo_holder(void *arg)
{
	static const bool kinds[FIFO_N] = {
		true, true, false, true, true, false
	};
	struct fifo *f = arg;
	struct rwt *t = f->t;
	unsigned int i;

	corwlock_lock(&t->rw, NULL);
	f->queued_ok = true;
	for (i = 0; i < FIFO_N && f->queued_ok; i++) {
		fifo_waiters[i] = (struct fifo_waiter){ f, i, kinds[i] };
		cothread_start(&f->th[i], fifo_waiter_body, &fifo_waiters[i]);
		f->started++;
		f->queued_ok = COT_WAIT(corwlock_queued(&t->rw, NULL) == i + 1);
	}
	corwlock_unlock(&t->rw, NULL);
}

static bool pair_is(const unsigned int *pos, unsigned int a, unsigned int b)
{
	return (pos[0] == a && pos[1] == b) || (pos[0] == b && pos[1] == a);
}

static void test_fifo(void)
{
	struct lb_evctx *ev;
	struct fifo *f = lb_xzalloc(sizeof(*f));
	bool order_ok;

	f->t = rwt_new();
	ev = cothread_run_here(fifo_holder, f);
	cothread_join(f->th, f->started);
	lb_evctx_free(ev);
	order_ok = pair_is(&f->order[0], 0, 1) && f->order[2] == 2 &&
		   pair_is(&f->order[3], 3, 4) && f->order[5] == 5;
	tap_ok(f->queued_ok && order_ok && f->t->max_readers == 2 &&
		       !f->t->violations && !f->t->timeouts,
	       "FIFO: R0 R1 W2 R3 R4 W5 queued behind a writer, granted "
	       "%u %u %u %u %u %u, readers batched (max %u inside), %u "
	       "overlaps, %u timeouts",
	       f->order[0], f->order[1], f->order[2], f->order[3], f->order[4],
	       f->order[5], f->t->max_readers, f->t->violations,
	       f->t->timeouts);
	rwt_free(f->t);
	free(f);
}

/* ---- a new reader does not overtake a queued writer ---- */

struct overtake {
	struct rwt *t;
	struct cothread th[2];
	unsigned int started;
	unsigned int w_pos, r_pos;
	unsigned int r_in; /* the late reader got in, atomic */
	int owners_seen;
	unsigned int queued_seen;
	bool ok;
};

static void overtake_writer(void *arg)
{
	struct overtake *o = arg;

	corwlock_lock(&o->t->rw, NULL);
	o->w_pos = grant_no(o->t);
	corwlock_unlock(&o->t->rw, NULL);
}

static void overtake_reader(void *arg)
{
	struct overtake *o = arg;

	corwlock_rdlock(&o->t->rw, NULL);
	lb_store_relaxed(&o->r_in, 1);
	o->r_pos = grant_no(o->t);
	corwlock_rdunlock(&o->t->rw, NULL);
}

static void overtake_holder(void *arg)
{
	struct overtake *o = arg;
	void *rw = &o->t->rw;

	corwlock_rdlock(rw, NULL);
	cothread_start(&o->th[0], overtake_writer, o);
	o->started = 1;
	o->ok = COT_WAIT(corwlock_queued(rw, NULL) == 1);
	if (o->ok) {
		cothread_start(&o->th[1], overtake_reader, o);
		o->started = 2;
		/* Either it queues behind the writer, or it got in (wrong). */
		o->ok = COT_WAIT(corwlock_queued(rw, NULL) == 2 ||
				 ld(&o->r_in));
		o->queued_seen = corwlock_queued(rw, NULL);
		o->owners_seen = corwlock_owners(rw);
		o->ok = o->ok && !ld(&o->r_in) && o->queued_seen == 2 &&
			o->owners_seen == 1;
	}
	corwlock_rdunlock(rw, NULL);
}

static void test_no_overtake(void)
{
	struct lb_evctx *ev;
	struct overtake *o = lb_xzalloc(sizeof(*o));

	o->t = rwt_new();
	ev = cothread_run_here(overtake_holder, o);
	cothread_join(o->th, o->started);
	lb_evctx_free(ev);
	tap_ok(o->ok && o->w_pos == 0 && o->r_pos == 1,
	       "a reader arriving while a reader holds the lock and a writer "
	       "waits queues behind the writer (queued %u, owners %d), and "
	       "the writer goes first (writer #%u, reader #%u)",
	       o->queued_seen, o->owners_seen, o->w_pos, o->r_pos);
	rwt_free(o->t);
	free(o);
}

/* ---- no writer starvation under a stream of readers ---- */

#define STREAM_PATIENCE 20000 /* pauses a reader waits for a successor */

static unsigned int stream_cap = 20000;

struct stream {
	struct rwt *t;
	unsigned int writer_waiting, writer_done; /* atomic */
	unsigned int reads, reads_while_waiting; /* atomic */
	unsigned int starved; /* a reader hit the cap, atomic */
};

/*
 * A reader leaves only once another reader is inside (or after a bounded
 * patience), so that the read lock is never free while readers keep
 * coming: only a lock that stops new readers behind a queued writer lets
 * the writer in.
 */
static void stream_reader(void *arg)
{
	struct stream *s = arg;
	struct rwt *t = s->t;
	unsigned int j;

	while (!lb_load_acquire(&s->writer_done)) {
		if (ld(&s->reads_while_waiting) >= stream_cap) {
			lb_store_relaxed(&s->starved, 1);
			break;
		}
		corwlock_rdlock(&t->rw, NULL);
		enter_read(t);
		for (j = 0; j < STREAM_PATIENCE && ld(&t->readers) < 2 &&
			    !lb_load_acquire(&s->writer_done);
		     j++)
			cot_pause();
		leave_read(t);
		corwlock_rdunlock(&t->rw, NULL);
		lb_fetch_add_relaxed(&s->reads, 1);
		if (ld(&s->writer_waiting))
			lb_fetch_add_relaxed(&s->reads_while_waiting, 1);
	}
}

static void stream_writer(void *arg)
{
	struct stream *s = arg;
	struct rwt *t = s->t;

	/* Let the stream get going; give up quietly if it never does. */
	wait_or_count(t, COT_WAIT(ld(&s->reads) >= 100 || ld(&s->starved)));
	lb_store_relaxed(&s->writer_waiting, 1);
	corwlock_lock(&t->rw, NULL);
	enter_write(t);
	leave_write(t);
	lb_store_release(&s->writer_done, 1);
	corwlock_unlock(&t->rw, NULL);
}

static void test_no_starvation(void)
{
	struct stream *s = lb_xzalloc(sizeof(*s));
	struct cothread th[3];
	void *args[2] = { s, s };

	s->t = rwt_new();
	cothread_start_k(&th[0], stream_reader, args, 2);
	cothread_start_k(&th[1], stream_reader, args, 2);
	cothread_start(&th[2], stream_writer, s);
	cothread_join(th, 3);
	tap_ok(ld(&s->writer_done) && !s->starved && !s->t->violations &&
		       !s->t->timeouts,
	       "no writer starvation: the writer got in under a stream of "
	       "overlapping readers (2 threads x 2 coroutines, max %u "
	       "inside) after %u reads while it waited (cap %u)",
	       s->t->max_readers, s->reads_while_waiting, stream_cap);
	rwt_free(s->t);
	free(s);
}

/* ---- upgrade ---- */

static void upgrade_alone(void *arg)
{
	bool *ok = arg;
	struct rwt *t = rwt_new();

	corwlock_rdlock(&t->rw, NULL);
	corwlock_upgrade(&t->rw);
	*ok = corwlock_owners(&t->rw) == -1;
	corwlock_unlock(&t->rw, NULL);
	*ok = *ok && corwlock_owners(&t->rw) == 0;
	rwt_free(t);
}

static void test_upgrade_alone(void)
{
	bool ok = false;

	lb_evctx_free(cothread_run_here(upgrade_alone, &ok));
	tap_ok(ok, "upgrade of the only reader is immediate (owners -1), "
		   "unlock frees it");
}

struct upgrade {
	struct rwt *t;
	struct cothread th;
	unsigned int other_in, other_released; /* atomic */
	int owners_during, owners_after;
	unsigned int w_pos, a_pos;
	bool ok;
};

/* Another reader: inside until the upgrader has queued its write ticket. */
static void upgrade_other_reader(void *arg)
{
	struct upgrade *u = arg;

	corwlock_rdlock(&u->t->rw, NULL);
	lb_store_relaxed(&u->other_in, 1);
	u->ok = COT_WAIT(corwlock_queued(&u->t->rw, NULL) == 1);
	/* The upgrader gave up its read lock: only we are left. */
	u->owners_during = corwlock_owners(&u->t->rw);
	lb_store_relaxed(&u->other_released, 1);
	corwlock_rdunlock(&u->t->rw, NULL);
}

static void upgrade_with_reader(void *arg)
{
	struct upgrade *u = arg;

	corwlock_rdlock(&u->t->rw, NULL);
	cothread_start(&u->th, upgrade_other_reader, u);
	if (!COT_WAIT(ld(&u->other_in)))
		lb_die("the other reader never got in");
	corwlock_upgrade(&u->t->rw);
	u->owners_after = corwlock_owners(&u->t->rw);
	u->ok = u->ok && ld(&u->other_released);
	corwlock_unlock(&u->t->rw, NULL);
}

static void test_upgrade_with_reader(void)
{
	struct lb_evctx *ev;
	struct upgrade *u = lb_xzalloc(sizeof(*u));

	u->t = rwt_new();
	ev = cothread_run_here(upgrade_with_reader, u);
	cothread_join(&u->th, 1);
	lb_evctx_free(ev);
	tap_ok(u->ok && u->owners_during == 1 && u->owners_after == -1,
	       "upgrade with another reader inside waits for it (owners %d "
	       "while waiting, %d after)",
	       u->owners_during, u->owners_after);
	rwt_free(u->t);
	free(u);
}

static void upgrade_queued_writer(void *arg)
{
	struct upgrade *u = arg;

	corwlock_lock(&u->t->rw, NULL);
	u->w_pos = grant_no(u->t);
	corwlock_unlock(&u->t->rw, NULL);
}

static void upgrade_behind_writer(void *arg)
{
	struct upgrade *u = arg;

	corwlock_rdlock(&u->t->rw, NULL);
	cothread_start(&u->th, upgrade_queued_writer, u);
	u->ok = COT_WAIT(corwlock_queued(&u->t->rw, NULL) == 1);
	/* Our read lock goes, the writer queued first goes first. */
	corwlock_upgrade(&u->t->rw);
	u->a_pos = grant_no(u->t);
	u->owners_after = corwlock_owners(&u->t->rw);
	corwlock_unlock(&u->t->rw, NULL);
}

static void test_upgrade_behind_writer(void)
{
	struct lb_evctx *ev;
	struct upgrade *u = lb_xzalloc(sizeof(*u));

	u->t = rwt_new();
	ev = cothread_run_here(upgrade_behind_writer, u);
	cothread_join(&u->th, 1);
	lb_evctx_free(ev);
	tap_ok(u->ok && u->w_pos == 0 && u->a_pos == 1 && u->owners_after == -1,
	       "upgrade behind a queued writer lets the writer go first "
	       "(writer #%u, upgrader #%u)",
	       u->w_pos, u->a_pos);
	rwt_free(u->t);
	free(u);
}

/* ---- downgrade ---- */

struct downgrade {
	struct rwt *t;
	struct cothread th[3];
	unsigned int started;
	unsigned int w2_in; /* atomic */
	bool queued_ok, w2_out_while_reading;
};

static void downgrade_reader(void *arg)
{
	struct downgrade *d = arg;

	corwlock_rdlock(&d->t->rw, NULL);
	enter_read(d->t);
	rendezvous(d->t, 3);
	leave_read(d->t);
	corwlock_rdunlock(&d->t->rw, NULL);
}

static void downgrade_writer(void *arg)
{
	struct downgrade *d = arg;

	corwlock_lock(&d->t->rw, NULL);
	lb_store_relaxed(&d->w2_in, 1);
	enter_write(d->t);
	leave_write(d->t);
	corwlock_unlock(&d->t->rw, NULL);
}

static void downgrade_holder(void *arg)
{
	struct downgrade *d = arg;
	void (*const bodies[3])(void *) = { downgrade_reader, downgrade_reader,
					    downgrade_writer };
	struct rwt *t = d->t;
	unsigned int i;

	corwlock_lock(&t->rw, NULL);
	enter_write(t);
	d->queued_ok = true;
	for (i = 0; i < 3 && d->queued_ok; i++) {
		cothread_start(&d->th[i], bodies[i], d);
		d->started++;
		d->queued_ok = COT_WAIT(corwlock_queued(&t->rw, NULL) == i + 1);
	}
	leave_write(t);
	corwlock_downgrade(&t->rw);
	enter_read(t);
	/* The two queued readers join us; the writer behind them does not. */
	rendezvous(t, 3);
	d->w2_out_while_reading = !ld(&d->w2_in);
	leave_read(t);
	corwlock_rdunlock(&t->rw, NULL);
}

static void test_downgrade(void)
{
	struct lb_evctx *ev;
	struct downgrade *d = lb_xzalloc(sizeof(*d));

	d->t = rwt_new();
	ev = cothread_run_here(downgrade_holder, d);
	cothread_join(d->th, d->started);
	lb_evctx_free(ev);
	tap_ok(d->queued_ok && d->t->max_readers == 3 &&
		       d->w2_out_while_reading && ld(&d->w2_in) &&
		       !d->t->violations && !d->t->timeouts,
	       "downgrade lets the 2 queued readers in with the holder (max "
	       "%u inside), the writer queued behind them waits, %u overlaps",
	       d->t->max_readers, d->t->violations);
	rwt_free(d->t);
	free(d);
}

int main(void)
{
	const char *scale = getenv("LB_TEST_SCALE");

	alarm(600); /* a deadlock fails the test, never hangs it */
	if (scale && !strcmp(scale, "tsan")) {
		stress_iters = 2000;
		stream_cap = 5000;
	}
	tap_plan(10);
	test_readers_share();
	test_stress(2, 4);
	test_stress(4, 1);
	test_fifo();
	test_no_overtake();
	test_no_starvation();
	test_upgrade_alone();
	test_upgrade_with_reader();
	test_upgrade_behind_writer();
	test_downgrade();
	return tap_done();
}
