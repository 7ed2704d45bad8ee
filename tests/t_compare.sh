#!/bin/sh
# SPDX-License-Identifier: MIT
# t_compare.sh - `lockbench compare` on synthetic result files with known
# changes (tests/mkresult.py): the four verdicts (REGRESSION, improvement,
# equivalent, undecided) and their exit statuses (1, 0, 0, 4), two regimes,
# the JSON fields; and on bad input: every bad file gives one line naming
# the file and the problem, and exit status 2.
LB=${LOCKBENCH:-./lockbench}
src=${top_srcdir:-.}
MK="$src/tests/mkresult.py"
out=cmp-out.$$
trap 'rm -f "$out".*' EXIT
. "${top_srcdir:-.}/tests/lib.sh"

echo "1..24"
if ! command -v python3 >/dev/null 2>&1; then
	for i in $(seq 1 24); do echo "ok $i # SKIP python3 is missing"; done
	exit 0
fi

# expect RC WANT DESCRIPTION ARGS...: exit status RC, stdout has WANT
expect() {
	rc_want=$1
	want=$2
	desc=$3
	shift 3
	"$LB" compare "$@" >"$out.stdout" 2>"$out.stderr"
	rc=$?
	if [ $rc -eq "$rc_want" ] && grep -qF -- "$want" "$out.stdout"; then
		ok "$desc"
	else
		not_ok "$desc (rc=$rc, want $rc_want and '$want'): $(head -c 400 "$out.stdout") $(cat "$out.stderr")"
	fi
}

# bad WANT DESCRIPTION ARGS...: exit 2, one stderr line containing WANT
bad() {
	want=$1
	desc=$2
	shift 2
	"$LB" compare "$@" >"$out.stdout" 2>"$out.stderr"
	rc=$?
	lines=$(wc -l <"$out.stderr")
	if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] &&
		grep -qF -- "$want" "$out.stderr"; then
		ok "$desc -> $(cat "$out.stderr")"
	else
		not_ok "$desc (rc=$rc, $lines lines, want '$want'): $(cat "$out.stderr")"
	fi
}

python3 "$MK" "$out.base.json" --seed 1
python3 "$MK" "$out.same.json" --seed 1
python3 "$MK" "$out.slow.json" --slower 0.2 --spread 0.01 --seed 2
python3 "$MK" "$out.noisy.json" --slower 0.01 --spread 0.02 --seed 3
python3 "$MK" "$out.v2.json" --schema-version 2
python3 "$MK" "$out.v0.json" --schema-version 0
python3 "$MK" "$out.noops.json" --drop ops_per_sec
python3 "$MK" "$out.nothr.json" --drop thread_ops
python3 "$MK" "$out.one.json" --reps 1 --slower 0.2
python3 "$MK" "$out.one0.json" --reps 1
python3 "$MK" "$out.extra.json" --extra-method --seed 1
python3 "$MK" "$out.fail.json" --fail ticket --seed 1
python3 "$MK" "$out.busy.json" --slower 0.2 --busy 3.5 --seed 2
python3 "$MK" "$out.wide.json" --spread 0.3 --seed 6
python3 "$MK" "$out.reg25.json" --reps 12 --regimes 0.25 --seed 5
python3 "$MK" "$out.reg50.json" --reps 12 --regimes 0.5 --seed 4
printf '{"runs": [1, 2,, 3]}\n' >"$out.notjson.json"
printf '{"schema": "something-else", "schema_version": 1}\n' \
	>"$out.other.json"

expect 0 "verdict: no regression" "identical files: no regression" \
	"$out.base.json" "$out.same.json"
expect 1 "verdict: REGRESSION" "20% slower, tight spread: regression" \
	"$out.base.json" "$out.slow.json"
# worst first: the first row of the table is a regression
if "$LB" compare "$out.base.json" "$out.slow.json" |
	sed -n '7p' | grep -q '^REGRESSION .*throughput\|^REGRESSION .*CPU/op'; then
	ok "the table lists the worst change first"
else
	not_ok "the table lists the worst change first"
fi
expect 0 "verdict: no regression" "1% slower in 2% noise: equivalent, no regression" \
	"$out.base.json" "$out.noisy.json"
expect 0 "improvement " "20% faster is an improvement, exit 0" \
	"$out.slow.json" "$out.base.json"
expect 4 "verdict: undecided" "one repetition each: undecided (exit 4), not guessed" \
	"$out.one0.json" "$out.one.json"
expect 4 "verdict: undecided" "30% noise: neither equivalent nor a regression, exit 4" \
	"$out.base.json" "$out.wide.json"
if "$LB" compare "$out.base.json" "$out.wide.json" |
	grep -q '^undecided .*throughput .*\[0\.[0-9]*, 1\.[0-9]*\] *-[0-9.]*%'; then
	ok "an undecided row shows its interval and the detectable change"
else
	not_ok "an undecided row shows its interval and the detectable change: $("$LB" compare "$out.base.json" "$out.wide.json" | head -c 600)"
fi
expect 4 "bimodal: BASE 75% fast / 25% slow, NEW 50% / 50%" \
	"two regimes whose shares shift: reported, never equivalent" \
	--metric ops_per_sec "$out.reg25.json" "$out.reg50.json"
expect 0 "new configuration (only in NEW): mcs-futex" \
	"a configuration only in NEW is reported as new" \
	"$out.base.json" "$out.extra.json"
expect 0 "missing configuration (only in BASE): mcs-futex" \
	"a configuration only in BASE is reported as missing" \
	"$out.extra.json" "$out.base.json"
expect 1 "FAILED in NEW" "a run failing its check in NEW is a regression" \
	"$out.base.json" "$out.fail.json"
expect 4 "machine busy" \
	"slower while other processes took the CPUs: undecided" \
	"$out.base.json" "$out.busy.json"
expect 1 "verdict: REGRESSION" "--metric ops_per_sec alone" \
	--metric ops_per_sec "$out.base.json" "$out.slow.json"
# --json is valid JSON with the verdict
if "$LB" compare --json "$out.base.json" "$out.slow.json" >"$out.json.out"; then
	rc=0
else
	rc=$?
fi
if [ $rc -eq 1 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=[x for x in d["results"] if x["metric"] == "ops_per_sec"][0]; sys.exit(0 if d["results"][0]["verdict"] == "REGRESSION" and d["verdict"] == "regression" and d["regressions"] > 0 and d["exit_status"] == 1 and r["verdict"] == "REGRESSION" and r["gated"] and r["hi"] < 0.95 and r["lo"] <= r["change"] <= r["hi"] and 0 < r["detectable"] < 1 and r["scale"] == "ratio" else 1)' "$out.json.out"; then
	ok "--json: machine-readable verdict, exit 1"
else
	not_ok "--json (rc=$rc): $(head -c 300 "$out.json.out")"
fi
bad "invalid --gate value 'speed'" "an unknown --gate metric is refused" \
	--gate speed "$out.base.json" "$out.slow.json"
expect 0 "verdict: no regression" "--gate cpu_us_per_op: CPU/op decides" \
	--gate cpu_us_per_op "$out.base.json" "$out.same.json"
bad "schema_version 2 is newer" "a newer schema version is refused" \
	"$out.base.json" "$out.v2.json"
bad "schema_version 0 is not supported" "an older schema version is refused" \
	"$out.v0.json" "$out.base.json"
bad "missing 'ops_per_sec'" "a missing field is named" \
	"$out.base.json" "$out.noops.json"
bad "runs[0].reps[0]: missing 'thread_ops'" "the place of the problem is named" \
	"$out.base.json" "$out.nothr.json"
bad "invalid JSON" "a file that is not JSON is refused" \
	"$out.base.json" "$out.notjson.json"
bad "not a lockbench result file" "another JSON document is refused" \
	"$out.other.json" "$out.base.json"
bad "cannot read" "a missing file is refused" \
	"$out.base.json" "$out.nonexistent.json"
[ $failed -eq 0 ]
