#!/bin/sh
# SPDX-License-Identifier: MIT
# t_knobs.sh - the contention knobs of issue 5 end to end: bql (one big lock
# and per-object locks, counters exact, a lock without exclusion caught),
# --locks with --pick zipf, --depth on recursive methods, --ops, the
# throughput timeline (each worker's windows add up to its operations),
# hand-off samples (none without a waiter, some with one), and bad values
# of every knob (exit 2, the value named, no file written).
LB=${LOCKBENCH:-./lockbench}
d=knobs-out.$$
rm -rf "$d"
mkdir "$d"
trap 'rm -rf "$d"' EXIT
. "${top_srcdir:-.}/tests/lib.sh"

check() { # DESCRIPTION PYTHON-EXPR-ON-d (prints OK or a reason)
	desc=$1
	out=$(python3 - "$f" "$2" <<'PY' 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
runs = d["runs"]
def reps(r):
    return r["reps"]
res = eval(sys.argv[2])
print("OK" if res is True else "FAIL: %r" % (res,))
PY
)
	case $out in
	OK) ok "$desc" ;;
	*) not_ok "$desc: $out" ;;
	esac
}

common="--duration 150ms --warmup 20ms --reps 2 --no-gate -q"

# bql: default locks are 1 and --objects; counters exact; config recorded.
f=$d/bql.json
if "$LB" run -w bql -m pthread,mcs-futex -t 1,2 --objects 8 --cs-lines 1 \
	$common -o "$f" >"$d/log" 2>&1; then
	ok "bql run"
else
	not_ok "bql run: $(tail -1 "$d/log")"
fi
check "bql: one big lock and per-object locks, 8 objects" \
	'sorted(set(r["config"]["locks"] for r in runs)) == [1, 8] and all(r["config"]["objects"] == 8 and r["config"]["pick"] == "uniform" for r in runs) or [r["config"] for r in runs]'
check "bql: every run ok, protected counters equal the atomic count" \
	'all(r["status"] == "ok" and all(x["counter"] == x["atomic_counter"] > 0 for x in r["reps"]) for r in runs) or [(r["status"], [x.get("failure") for x in r["reps"]]) for r in runs]'
check "timeline: each worker's windows add up to its operations" \
	'all(sum(row) == t for r in runs for x in r["reps"] for row, t in zip(x["timeline"]["ops"], x["thread_ops"])) and all(len(x["timeline"]["ops"]) == len(x["thread_ops"]) for r in runs for x in r["reps"])'
check "timeline: about 10 ms windows over 150 ms, ending at the window's end" \
	'all(10 <= len(x["timeline"]["end_ns"]) <= 16 and x["timeline"]["end_ns"][-1] == x["elapsed_ns"] and x["timeline"]["end_ns"] == sorted(x["timeline"]["end_ns"]) for r in runs for x in r["reps"]) or [x["timeline"]["end_ns"] for r in runs for x in r["reps"]][:2]'
check "hand-off: no sample without a waiter (1 thread)" \
	'all(x["handoff"]["count"] == 0 for r in runs if r["config"]["threads"] == 1 for x in r["reps"])'
check "sampling: bursts of at most 32 samples per window and worker" \
	'all(0 < x["latency"]["count"] <= 32 * len(x["timeline"]["end_ns"]) * len(x["thread_ops"]) for r in runs for x in r["reps"]) or [(x["latency"]["count"], len(x["timeline"]["end_ns"])) for r in runs for x in r["reps"]]'

# Hand-off with a waiter: a long section under a fair lock, two threads.
f=$d/ho.json
"$LB" run -m mcs-futex,ticket -t 2 --cs 2us $common -o "$f" >"$d/log" 2>&1
check "hand-off: samples when a waiter is there (2 threads, --cs 2us)" \
	'all(sum(x["handoff"]["count"] for x in r["reps"]) > 0 for r in runs) or [[x["handoff"]["count"] for x in r["reps"]] for r in runs]'
check "hand-off: each sample is at most its acquisition's latency range" \
	'all(x["handoff"]["count"] == 0 or x["handoff"]["max"] <= x["latency"]["max"] * 1.05 + 100 for r in runs for x in r["reps"])'

# A lock that excludes nothing is caught by bql's check too.
f=$d/noex.json
"$LB" run --lock-lib "${top_builddir:-.}/tests/plugins/no-exclusion.so" \
	-w bql -m no-exclusion -t 2 --objects 1 \
	--cs 200ns $common -o "$f" >"$d/log" 2>&1
rc=$?
check "bql: a lock without mutual exclusion fails its check (exit $rc)" \
	'all(r["status"] == "failed" for r in runs) or [r["status"] for r in runs]'

# --locks with a skewed pick, counter workload.
f=$d/zipf.json
"$LB" run -m ticket,pthread -t 2 --locks 1,16 --pick zipf:1.1 $common \
	-o "$f" >"$d/log" 2>&1
check "counter --locks 1,16 --pick zipf:1.1: recorded, counters exact" \
	'[(r["config"].get("locks"), r["config"].get("pick")) for r in runs] == [(None, None)] * 2 + [(16, "zipf:1.1")] * 2 and all(r["status"] == "ok" for r in runs) or [(r["config"].get("locks"), r["status"]) for r in runs]'

# --depth on recursive methods: nested 3 deep, counters exact.
f=$d/depth.json
"$LB" run -m pthread-recursive,rfifolock -t 2 --depth 3 $common -o "$f" \
	>"$d/log" 2>&1
check "--depth 3 on recursive methods: recorded, counters exact" \
	'all(r["config"]["depth"] == 3 and r["status"] == "ok" for r in runs) and len(runs) == 2 or [(r["config"].get("depth"), r["status"]) for r in runs]'

# --ops: the window ends near the count asked.
f=$d/ops.json
"$LB" run -m pthread,ticket -t 2 --ops 2000000 --reps 2 --no-gate -q \
	-o "$f" >"$d/log" 2>&1
check "--ops 2000000: recorded, every repetition within a factor 2" \
	'all(r["config"]["ops"] == 2000000 and all(1000000 <= x["ops"] <= 4000000 for x in r["reps"]) for r in runs) or [[x["ops"] for x in r["reps"]] for r in runs]'

# Charts: bql (a line per method and lock layout) and the timelines.
src=${top_srcdir:-.}
if "$LB" plot "$d/bql.json" -o "$d/plots" >"$d/log" 2>&1 &&
	python3 "$src/tests/pngcheck.py" "$d/plots/bql-threads.png" >/dev/null &&
	python3 "$src/tests/pngcheck.py" "$d/plots/timeline.png" >/dev/null &&
	python3 "$src/tests/pngcheck.py" "$d/plots/timeline-workers.png" \
		>/dev/null; then
	ok "plot: bql-threads, timeline and timeline-workers charts drawn"
else
	not_ok "plot: $(tail -1 "$d/log")"
fi
t=$(grep '^"' "$d/plots/data/bql-threads.dat" 2>/dev/null | sort | tr '\n' ';')
want='"mcs-futex, 8 locks";"mcs-futex, one big lock";"pthread, 8 locks";"pthread, one big lock";'
if [ "$t" = "$want" ]; then
	ok "plot: bql lines are method x (one big lock, 8 locks)"
else
	not_ok "plot: bql lines: $t"
fi
t=$(grep -c '^"worker' "$d/plots/data/timeline-workers.dat" 2>/dev/null)
if [ "$t" = 2 ]; then
	ok "plot: one timeline line per worker of a 2-thread run"
else
	not_ok "plot: timeline-workers has $t lines, want 2"
fi

# Bad values: exit 2, the value named, nothing written.
bad() { # WANT ARGS...
	want=$1
	shift
	"$LB" run -o "$d/bad.json" "$@" >"$d/stdout" 2>"$d/stderr"
	rc=$?
	if [ $rc -eq 2 ] && grep -q -- "$want" "$d/stderr" &&
		[ "$(wc -l <"$d/stderr")" -eq 1 ] && [ ! -e "$d/bad.json" ]; then
		ok "bad input: $* -> exit 2, names '$want'"
	else
		not_ok "bad input: $* -> exit $rc: $(cat "$d/stderr")"
	fi
}
bad "'0'" --locks 0
bad "zipf:0" --locks 4 --pick zipf:0
bad "zipf:x" --locks 4 --pick zipf:x
bad "skewed" --locks 4 --pick skewed
bad "nothing to pick" --pick zipf:1
bad "'ticket' is not recursive" -m ticket --depth 2
bad "--objects" --objects 8
bad "more locks than" -w bql --objects 4 --locks 8
bad "rwmix" -w rwmix -m pthread-rw --locks 4
bad "'tpool'" -w bql -m tpool
bad "--ops" --ops 0
bad "--depth" -m pthread-recursive --depth 0

echo "1..$n"
[ $failed -eq 0 ]
