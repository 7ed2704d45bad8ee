#!/bin/sh
# SPDX-License-Identifier: MIT
# t_watchdog.sh - faults the harness survives.  Broken locks (test plugins,
# tests/plugins/broken.c, loaded with --lock-lib) in one run: the one that never unlocks is reported
# stuck (which threads, where) and the run goes on; the one that crashes is
# recorded with its signal; the one without exclusion fails its check; the
# good one is measured; exit status 3 (a run could not complete wins over 1,
# a check failed).  Then the parent's own deadline (a stopped child), the
# in-process mode, running out of processes, threads, memory and disk.
. "${top_srcdir:-.}/tests/lib.sh"
scratch watchdog
d=$out
P=$(cd "${top_builddir:-.}/tests/plugins" && pwd)
broken="--lock-lib $P/never-unlock.so --lock-lib $P/crash-lock.so --lock-lib $P/no-exclusion.so"
plan 16

# ASan handles SIGSEGV itself (and exits 1): let the signal kill the child.
under_asan=${ASAN_OPTIONS:+yes}
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0"
export ASAN_OPTIONS

t0=$(date +%s)
"$LB" run $broken -m never-unlock,pthread,crash-lock,no-exclusion \
	-t 2 --duration 100ms --warmup 50ms --stall-timeout 500ms -r 3 -q \
	-o "$d/r.json" >"$d/out" 2>"$d/err"
rc=$?
t1=$(date +%s)
f=$d/r.json
check "the sweep ends in bounded time ($((t1 - t0)) s < 30 s)" \
	[ $((t1 - t0)) -lt 30 ]
check "exit status 3: a run could not complete (rc $rc)" [ $rc -eq 3 ]
s=$(field "$f" 'r["status"] + ": " + r.get("error", "")' never-unlock)
case $s in
"error: stalled: 2 of 2 worker threads"*"stuck in lock() (futex wait on the lock word)"*)
	ok "never-unlock: $s" ;;
*) not_ok "never-unlock: $s" ;;
esac
s=$(field "$f" 'len(r["reps"])' never-unlock)
check "never-unlock: no repetition after the stall (got $s)" [ "$s" = 1 ]
s=$(field "$f" 'r["status"] + ": " + r.get("error", "")' crash-lock)
case $s in
"error: the worker process was killed by SIGSEGV"*) ok "crash-lock: $s" ;;
*) not_ok "crash-lock: $s" ;;
esac
# (the first repetition that lost an update: on a busy machine one may not)
s=$(field "$f" 'r["status"] + ": " + ([x["failure"] for x in r["reps"] if x.get("failure")] + [""])[0]' no-exclusion)
case $s in
"failed: mutual exclusion broken: protected counter "*", atomic counter "*)
	ok "no-exclusion: $s" ;;
*) not_ok "no-exclusion: $s" ;;
esac
s=$(field "$f" 'r["status"] + " " + str(len(r["reps"])) + " " + str(r["summary"]["ops_per_sec"]["median"] > 0)' pthread)
check "pthread measured after the stall and the crash: $s" \
	[ "$s" = "ok 3 True" ]
if grep -q "never-unlock, 2 threads: stalled" "$d/err" &&
	grep -q "crash-lock, 2 threads: the worker process was killed by SIGSEGV" "$d/err"; then
	ok "stderr names the stalled and the crashed configuration"
else
	not_ok "stderr: $(cat "$d/err")"
fi
"$LB" compare "$f" "$f" >"$d/cmp" 2>&1
check "compare reads the file with failed runs (rc $?)" [ $? -eq 0 ]

# No isolation (LOCKBENCH_ISOLATE=0): the stall is reported in-process too,
# and the stuck threads are left behind while the run goes on.
LOCKBENCH_ISOLATE=0 "$LB" run $broken -m never-unlock,pthread \
	-t 2 --duration 50ms --warmup 0 --stall-timeout 200ms -r 1 -q \
	-o "$d/i.json" >/dev/null 2>"$d/err"
rc=$?
s=$(field "$d/i.json" 'r["status"]' never-unlock)/$(field "$d/i.json" 'r["status"]' pthread)
check "LOCKBENCH_ISOLATE=0: stall reported, pthread ok, exit 3 ($s, rc $rc)" \
	[ "$s/$rc" = "error/ok/3" ]

# A check failure alone is exit status 1.  Four threads for 200 ms: on a
# busy machine two must run at once for an update to be lost.
"$LB" run $broken -m no-exclusion,pthread -t 4 \
	--duration 200ms --warmup 0 -r 1 -q -o "$d/x.json" >/dev/null 2>&1
check "only a failed check: exit status 1 (rc $?)" [ $? -eq 1 ]

# The parent's deadline: a child that cannot run its own watchdog (stopped)
# is killed after warm-up + duration + stall timeout + 5 s.
"$LB" run $broken -m pthread -t 1 --duration 500ms \
	--warmup 0 --stall-timeout 100ms -r 1 -q -o "$d/s.json" \
	>/dev/null 2>"$d/err" &
pid=$!
child=""
i=0
while [ -z "$child" ] && [ $i -lt 50 ]; do
	child=$(pgrep -P $pid)
	i=$((i + 1))
	[ -n "$child" ] || sleep 0.1
done
[ -n "$child" ] && kill -STOP "$child"
wait $pid
rc=$?
s=$(field "$d/s.json" 'r["status"] + ": " + r.get("error", "")' pthread)
case "$rc $s" in
"3 error: stalled: the worker process did not finish within "*"was killed; it was "*)
	ok "a stopped child is killed at the parent's deadline: $s" ;;
*) not_ok "stopped child (child '$child', rc $rc): $s $(cat "$d/err")" ;;
esac

# Resource exhaustion.  Root ignores RLIMIT_NPROC: drop to nobody for it.
# limited PREFIX ARGS...: `PREFIX lockbench run -m pthread ARGS`, one short
# repetition into $d/n.json; its exit status in rc, the run's "status:
# error" in s.
limited() {
	prefix=$1
	shift
	rm -f "$d/n.json"
	# shellcheck disable=SC2086
	$prefix "$LB" run -m pthread --duration 10ms --warmup 0 -r 1 -q \
		-o "$d/n.json" "$@" >/dev/null 2>"$d/err"
	rc=$?
	s=$(field "$d/n.json" 'r["status"] + ": " + r.get("error", "")' pthread)
}
asuser=""
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	asuser="setpriv --reuid=65534 --regid=65534 --clear-groups"
	chmod 777 "$d"
fi
if command -v prlimit >/dev/null 2>&1 &&
	{ [ -n "$asuser" ] || [ "$(id -u)" -ne 0 ]; }; then
	# tasks the user already has count against the limit; LeakSanitizer
	# needs a thread of its own at exit
	ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0"
	have=$(ps -u "$(id -u ${asuser:+nobody})" -L --no-headers | wc -l)
	limited "$asuser prlimit --nproc=$((have + 4))" -t 64
	case "$rc $s" in
	"3 error: cannot create worker thread "*" of 64: Resource temporarily unavailable (process limit RLIMIT_NPROC, or no memory for its stack)")
		ok "RLIMIT_NPROC: $s" ;;
	*) not_ok "RLIMIT_NPROC (rc $rc): $s $(cat "$d/err")" ;;
	esac
	limited "$asuser prlimit --nproc=$((have + 1))" -t 1
	case "$rc $s" in
	"3 error: cannot fork the worker process for the repetition: Resource temporarily unavailable"*)
		ok "RLIMIT_NPROC, no fork: $s" ;;
	*) not_ok "RLIMIT_NPROC, no fork (rc $rc): $s $(cat "$d/err")" ;;
	esac
else
	skip "RLIMIT_NPROC: needs prlimit, and setpriv when root"
	skip "RLIMIT_NPROC, no fork: needs prlimit, and setpriv when root"
fi

# Out of memory for thread stacks: an address-space limit (--pin none:
# libhwloc 2.9 dereferences a failed malloc when binding; not under ASan,
# whose shadow memory needs terabytes of address space).
if [ -n "$under_asan" ] || ! command -v prlimit >/dev/null 2>&1; then
	skip "RLIMIT_AS: under AddressSanitizer or without prlimit"
else
	limited "prlimit --as=$((160 * 1024 * 1024))" -t 1024 --pin none
	case "$rc $s" in
	"3 error: cannot create worker thread "*" of 1024: Resource temporarily unavailable"* | \
		"3 error: "*"out of memory allocating"*)
		ok "RLIMIT_AS: $s" ;;
	*) not_ok "RLIMIT_AS (rc $rc): $s $(tail -1 "$d/err")" ;;
	esac
fi

# A disk that fills while writing (RLIMIT_FSIZE: writes fail with EFBIG):
# a clear error, exit 3, and the previous file intact, no temporary left.
quiet_run "$d/full.json" -m pthread -t 1 --duration 10ms --warmup 0 -r 1
cp "$d/full.json" "$d/full.orig"
(
	trap '' XFSZ
	exec prlimit --fsize=2000 "$LB" run -m pthread -t 1 --duration 10ms \
		--warmup 0 -r 2 -q -o "$d/full.json"
) >/dev/null 2>"$d/err"
rc=$?
tmp=$(ls -a "$d" | grep -c '^\.lockbench-')
if [ $rc -eq 3 ] && cmp -s "$d/full.json" "$d/full.orig" && [ "$tmp" -eq 0 ] &&
	grep -q "cannot write '$d/full.json': File too large (the previous file, if any, is intact)" "$d/err"; then
	ok "disk full: $(cat "$d/err")"
else
	not_ok "disk full (rc $rc, tmp $tmp): $(cat "$d/err")"
fi
finish
