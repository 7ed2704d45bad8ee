#!/bin/sh
# SPDX-License-Identifier: MIT
# t_ab.sh - regression checks on real runs:
#   * two separate invocations of the same binary compared with `compare`
#     must not give a regression (nor an improvement): on a busy machine
#     they may well be "undecided" (exit 4), which is an honest answer;
#   * `ab` of the build against itself (the CI smoke test, cheap form)
#     reports no regression and no improvement;
#   * `ab` against the same build with a lock made 30% slower through the
#     test-only knob LOCKBENCH_TEST_SLOWDOWN reports a regression of that
#     lock and of no other;
#   * the knob is recorded in the result file and rejected when malformed;
#   * the sequential options are checked for bad values.
# The only timing claim is the injected slowdown, which is large; it must
# be caught at the default alpha.  The false-alarm rates themselves are
# measured on simulated samples by tests/t_verdict.  CPU time per operation
# gates besides throughput (compare.h): other processes on a busy machine
# take time slices from a run, which throughput feels and CPU per operation
# does not.
LB=${LOCKBENCH:-./lockbench}
out=ab-out.$$
trap 'rm -rf "$out" "$out".*' EXIT
. "${top_srcdir:-.}/tests/lib.sh"

# 200 ns of work in the section: the injected slowdown is then a few hundred
# spin turns, which the processor cannot hide behind the lock's atomics as
# it partly hid the two or three turns of a 4 ns section (the knob gave
# 5-13% for 30% there, and flaked); the A/A noise is smaller too.
RUN="-m pthread,ticket -t 1 --cs 200ns --duration 50ms --warmup 20ms --reps 5"
echo "1..9"

# 1. the same command twice, compared
# shellcheck disable=SC2086
"$LB" run $RUN -q -o "$out.r1.json" >/dev/null 2>&1
# shellcheck disable=SC2086
"$LB" run $RUN -q -o "$out.r2.json" >/dev/null 2>&1
"$LB" compare "$out.r1.json" "$out.r2.json" >"$out.cmp" 2>&1
rc=$?
# No false alarm between two processes: exit 0 (equivalent) or 4
# (undecided), never 1.  Under sanitizers and in distcheck (LB_SANITIZED)
# only the plumbing is checked: the files compare (exit 0, 1 or 4, not 2).
# The message stays on one line: compare's table goes below as diagnostics.
if { [ $rc -eq 0 ] || [ $rc -eq 4 ]; } &&
	! grep -q '^REGRESSION\|^improvement' "$out.cmp"; then
	ok "compare: two runs of the same binary, no regression ($(grep 'verdict:' "$out.cmp"))"
elif [ -n "${LB_SANITIZED:-}" ] && [ $rc -ne 2 ] &&
	grep -q "verdict:" "$out.cmp"; then
	ok "compare: two runs of the same binary # SKIP timing claim made in-tree; $(grep 'verdict:' "$out.cmp")"
else
	not_ok "compare: two runs of the same binary (rc=$rc): $(grep 'verdict:' "$out.cmp")"
fi
sed 's/^/# /' "$out.cmp"

# 2. self A/B: the CI smoke test, six pairs, one look
# shellcheck disable=SC2086
"$LB" ab --a "$LB" --b "$LB" -n 6 -- $RUN >"$out.self" 2>&1
rc=$?
if { [ $rc -eq 0 ] || [ $rc -eq 4 ]; } &&
	! grep -q '^REGRESSION\|^improvement' "$out.self" &&
	grep -q "verdict: no regression\|verdict: undecided" "$out.self"; then
	ok "ab: the build against itself, no regression, no improvement ($(grep 'verdict:' "$out.self"))"
else
	not_ok "ab: the build against itself (rc=$rc): $(grep 'verdict:' "$out.self")"
fi
sed 's/^/# /' "$out.self"

# 3-4. A/B with ticket made 30% slower.  Under a sanitizer (check-asan
# sets LB_SANITIZED) timing means nothing, and in distcheck (scripts/test.sh
# sets it too) it was just measured by the in-tree make check: run it
# short, for tests 4-5 only, and skip the timing claim.
slow_runs=10
[ -n "${LB_SANITIZED:-}" ] && slow_runs=2
# shellcheck disable=SC2086
"$LB" ab --a "$LB" --b "env LOCKBENCH_TEST_SLOWDOWN=ticket:30 $LB" -n $slow_runs \
	--metric ops_per_sec,cpu_us_per_op --keep "$out.slow" \
	-- $RUN >"$out.ab" 2>&1
rc=$?
# CPUs other processes used during A's repetitions (the machine state
# every repetition records): a machine this busy cannot measure 30%.
busy=$(python3 -c 'import glob, json, statistics, sys
v = [r["machine"]["other_cpu_s"] / (r["elapsed_ns"] / 1e9)
     for f in glob.glob(sys.argv[1] + "/a-*.json")
     for run in json.load(open(f))["runs"] for r in run["reps"]
     if r["machine"].get("other_cpu_s") is not None and r["elapsed_ns"] > 0]
print("%.2f" % statistics.median(v) if v else "0")' "$out.slow" 2>/dev/null ||
	echo 0)
if [ -n "${LB_SANITIZED:-}" ]; then
	n=$((n + 1))
	echo "ok $n # SKIP sanitizer build: timing is not representative (make check runs this)"
elif [ $rc -eq 1 ] &&
	grep -q '^REGRESSION .*ticket, 1 thread' "$out.ab"; then
	ok "ab: the injected 30% slowdown of ticket is caught"
elif python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) > 0.5 else 1)" "$busy"; then
	n=$((n + 1))
	echo "ok $n # SKIP other processes used $busy of the CPUs during the A/B: too busy to measure a 30% slowdown"
else
	not_ok "ab: injected slowdown not caught (rc=$rc, other processes used $busy CPUs): $(cat "$out.ab")"
fi
if ! grep -q '^REGRESSION .*pthread\|^improvement .*pthread' "$out.ab"; then
	ok "ab: the lock that was not slowed is not flagged"
else
	not_ok "ab: pthread flagged: $(cat "$out.ab")"
fi
sed 's/^/# /' "$out.ab"

# 5. the knob is recorded in the file, and compare warns about it
if grep -q '"test_slowdown_pct": 30' "$out.slow/b-01.json" &&
	! grep -q test_slowdown "$out.slow/a-01.json" &&
	grep -q "injected test slowdown" "$out.ab"; then
	ok "the slowdown is recorded in the result file and flagged"
else
	not_ok "the slowdown is not recorded or not flagged"
fi

# 6. a malformed knob is a usage error
LOCKBENCH_TEST_SLOWDOWN=ticket:lots "$LB" run -m ticket -t 1 \
	--duration 10ms --reps 1 -q -o "$out.bad.json" >/dev/null \
	2>"$out.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "LOCKBENCH_TEST_SLOWDOWN" "$out.err"; then
	ok "malformed LOCKBENCH_TEST_SLOWDOWN: exit 2 ($(cat "$out.err"))"
else
	not_ok "malformed LOCKBENCH_TEST_SLOWDOWN (rc=$rc): $(cat "$out.err")"
fi

# 7. ab without --b
"$LB" ab --a "$LB" >/dev/null 2>"$out.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "both --a CMD and --b CMD" "$out.err"; then
	ok "ab without --b: usage error"
else
	not_ok "ab without --b (rc=$rc): $(cat "$out.err")"
fi
# 8-9. the sequential options refuse bad values (exit 2, one line)
"$LB" ab --a "$LB" --b "$LB" --budget soon >/dev/null 2>"$out.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "invalid --budget value 'soon'" "$out.err"; then
	ok "ab --budget soon: usage error"
else
	not_ok "ab --budget soon (rc=$rc): $(cat "$out.err")"
fi
"$LB" ab --a "$LB" --b "$LB" --max-runs 1 >/dev/null 2>"$out.err"
rc=$?
if [ $rc -eq 2 ] && grep -q -- "--max-runs" "$out.err"; then
	ok "ab --max-runs 1: usage error"
else
	not_ok "ab --max-runs 1 (rc=$rc): $(cat "$out.err")"
fi
[ $failed -eq 0 ]
