#!/bin/sh
# SPDX-License-Identifier: MIT
# t_sweep.sh - `lockbench sweep`: a table of bad specs and bad invocations
# (each: exit 2, one line naming the file and the problem, nothing
# written), a dry run of every preset, a sweep killed with SIGKILL after its
# first checkpoint and resumed (every configuration exactly once, each
# complete), and a quick-shaped sweep whose file validates against
# results/schema.json with CPU per operation and fairness for every run.
LB=${LOCKBENCH:-./lockbench}
src=${top_srcdir:-.}
d=sweep-out.$$
rm -rf "$d"
mkdir "$d"
trap 'rm -rf "$d"' EXIT
. "${top_srcdir:-.}/tests/lib.sh"

# spec NAME: write stdin to $d/NAME.json
spec() {
	cat >"$d/$1.json"
}

# bad WANT ARGS...: exit 2, one stderr line containing WANT, and the
# output file ($d/out.json unless ARGS give -o) neither created nor changed.
bad() {
	want=$1
	shift
	before=$(cksum "$d/out.json" 2>/dev/null)
	"$LB" sweep "$@" >"$d/stdout" 2>"$d/stderr"
	rc=$?
	lines=$(wc -l <"$d/stderr")
	after=$(cksum "$d/out.json" 2>/dev/null)
	left=$(ls -a "$d" | grep -c '^\.lockbench-')
	if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] &&
		grep -qF -- "$want" "$d/stderr" && [ "$before" = "$after" ] &&
		[ "$left" -eq 0 ]; then
		ok "rejects: $(cat "$d/stderr")"
	else
		not_ok "sweep $* (rc=$rc, $lines lines, want '$want'): $(cat "$d/stderr")"
	fi
}

echo "1..49"

# ---------------------------------------------------------- bad specs
printf '{\n  "methods": ["pthread",\n  "threads": [1, 2]\n}\n' |
	spec malformed
bad "malformed.json:3:" "$d/malformed.json" -o "$d/out.json"
bad "invalid JSON" "$d/malformed.json" -o "$d/out.json"
printf '{\n  "methods": ["pthread"],\n  "reps": "3"\n}\n' | spec reps_type
bad "reps_type.json:3:11: reps: expected a whole number, not a string" \
	"$d/reps_type.json" -o "$d/out.json"
printf '{\n  "thread": [1, 2]\n}\n' | spec unknown_key
bad "unknown_key.json:2:3: unknown key 'thread' (did you mean 'threads'?)" \
	"$d/unknown_key.json" -o "$d/out.json"
printf '{"methods": []}\n' | spec empty
bad "methods: empty list" "$d/empty.json" -o "$d/out.json"
printf '{\n  "cs": ["0",\n         "-3ns"]\n}\n' | spec negative
bad "negative.json:3:10: invalid cs[1] value '-3ns': must not be negative" \
	"$d/negative.json" -o "$d/out.json"
printf '{"methods": ["ticket"],\n "depth": 2}\n' | spec depth
bad "depth.json:1:14: method 'ticket' is not recursive: depth 2" \
	"$d/depth.json" -o "$d/out.json"
printf '{"pick": "zipf:0"}\n' | spec pick
bad "pick.json:1:10: invalid pick value 'zipf:0'" "$d/pick.json" \
	-o "$d/out.json"
printf '{"objects": 8}\n' | spec objects
bad "objects.json:1:13: objects: only the bql workload has objects" \
	"$d/objects.json" -o "$d/out.json"
printf '{"workload": "bql", "objects": 4, "locks": [1, 8]}\n' |
	spec locks_objects
bad "locks[1]: 8 locks for 4 objects" "$d/locks_objects.json" \
	-o "$d/out.json"
printf '{"think_dist": "gauss"}\n' | spec think_dist
bad "think_dist: invalid value 'gauss': fixed or exp" "$d/think_dist.json" \
	-o "$d/out.json"
printf '{"methods": ["pthread", "mcs-futx"]}\n' | spec unknown_method
bad "methods[1]: unknown method 'mcs-futx' (did you mean 'mcs-futex'?)" \
	"$d/unknown_method.json" -o "$d/out.json"
printf '{"threads": "1-64", "cs": ["0", "10ns", "20ns", "30ns", "40ns"], "reps": 1, "duration": "1ms", "warmup": "0"}\n' |
	spec huge
bad "pass --yes" "$d/huge.json" -o "$d/out.json"
printf '{"methods": "pthread", "threads": 1, "reps": 1, "duration": "1ms"}\n' |
	spec tiny
mkdir "$d/dir.json"
bad "is a directory" "$d/tiny.json" -o "$d/dir.json"
bad "cannot create a file in '/proc'" "$d/tiny.json" -o /proc/lb-sweep.json
bad "does not exist" "$d/tiny.json" -o "$d/nodir/out.json"
printf '[1, 2]\n' | spec array
bad "array.json: a sweep spec is a JSON object" "$d/array.json" \
	-o "$d/out.json"
printf '{"threads": "5-2"}\n' | spec descending
bad "descending" "$d/descending.json" -o "$d/out.json"
printf '{"duration": "10us"}\n' | spec short
bad "invalid duration value '10us': must be between 1ms" "$d/short.json" \
	-o "$d/out.json"
printf '{"workload": "countr"}\n' | spec workload
bad "unknown workload 'countr' (did you mean 'counter'?)" \
	"$d/workload.json" -o "$d/out.json"
printf '{"workload": ["counter", "rwmix"], "methods": ["pthread"]}\n' |
	spec rw
bad "method 'pthread' has no reader/writer mode" "$d/rw.json" \
	-o "$d/out.json"
printf '{"reps": 0}\n' | spec zero_reps
bad "must be between 1 and 1000" "$d/zero_reps.json" -o "$d/out.json"
printf '{"pin": "scater"}\n' | spec pin
bad "did you mean 'scatter'" "$d/pin.json" -o "$d/out.json"
printf '{"reps": 1, "reps": 2}\n' | spec dup_key
bad "duplicate object key" "$d/dup_key.json" -o "$d/out.json"
printf '{"methods": ["none", "pthread"], "threads": [2, 4]}\n' | spec none
bad "has no mutual exclusion" "$d/none.json" -o "$d/out.json"
printf '{"threads": [1, "2-4"]}\n' | spec mixed_threads
bad "threads[1]: expected a thread count" "$d/mixed_threads.json" \
	-o "$d/out.json"
printf '{"sample_every": "sometimes"}\n' | spec sample
bad "sample_every: expected \"auto\"" "$d/sample.json" -o "$d/out.json"
printf '{"coroutines": [1, 1]}\n' | spec dup_value
bad "coroutines[1]: 1 is listed twice" "$d/dup_value.json" -o "$d/out.json"
printf '' | spec emptyfile
bad "emptyfile.json:1:" "$d/emptyfile.json" -o "$d/out.json"
bad "unknown preset 'quik' (did you mean 'quick'?)" quik -o "$d/out.json"
bad "cannot read spec '$d/missing.json'" "$d/missing.json" -o "$d/out.json"
bad "it is a directory" "$d/dir.json" -o "$d/out.json"
bad "--resume needs -o FILE" quick --resume
bad "unknown option '--dryrun' (did you mean '--dry-run'?)" quick --dryrun
# --resume of files that are not this sweep's result
echo '{"schema": "something-else", "runs": []}' >"$d/out.json"
bad "not a lockbench result file" "$d/tiny.json" -o "$d/out.json" --resume
echo '{"schema": "lockbench-result", "schema_version": 99, "runs": []}' \
	>"$d/out.json"
bad "schema_version 99 is newer" "$d/tiny.json" -o "$d/out.json" --resume
"$LB" run -m pthread -t 1 --duration 1ms --warmup 0 --reps 1 -q \
	-o "$d/out.json" >/dev/null 2>&1
bad "not written by 'lockbench sweep'" "$d/tiny.json" -o "$d/out.json" \
	--resume
rm -f "$d/out.json"

# ---------------------------------------------------------- presets
for p in quick default full; do
	if "$LB" sweep "$p" --dry-run -o "$d/out.json" >"$d/stdout" \
		2>"$d/stderr" &&
		grep -q "estimated duration" "$d/stdout" &&
		[ ! -e "$d/out.json" ]; then
		ok "dry run of preset $p: $(tail -1 "$d/stdout")"
	else
		not_ok "dry run of preset $p: $(cat "$d/stderr")"
	fi
done
# quick is under a minute by its own estimate
if "$LB" sweep quick --dry-run | tail -1 | grep -qE 'duration [0-9]+s$'; then
	ok "quick is estimated under a minute"
else
	not_ok "quick estimate: $("$LB" sweep quick --dry-run | tail -1)"
fi

PY=""
command -v python3 >/dev/null 2>&1 && PY=python3

# ---------------------------------------------------------- resume
cat >"$d/small.json" <<'EOF'
{
  "description": "t_sweep: resume after SIGKILL",
  "methods": ["pthread", "ticket"],
  "threads": [1, 2],
  "cs": ["0", "100ns"],
  "duration": "60ms",
  "warmup": "0",
  "reps": 3
}
EOF
"$LB" sweep "$d/small.json" -q -o "$d/r.json" >/dev/null 2>&1 &
pid=$!
# SIGKILL once the first group (2 methods x 3 repetitions) is complete
# and the next has begun: at least 7 repetitions checkpointed.
i=0
while [ $i -lt 400 ]; do
	c=$(grep -c '"elapsed_ns"' "$d/r.json" 2>/dev/null)
	[ "${c:-0}" -ge 7 ] && break
	sleep 0.02
	i=$((i + 1))
done
kill -KILL $pid 2>/dev/null
wait $pid 2>/dev/null
# SIGKILL may catch a checkpoint's temporary file (no handler runs)
rm -f "$d"/.lockbench-*
first=$(grep -c '"elapsed_ns"' "$d/r.json" 2>/dev/null)
"$LB" sweep "$d/small.json" --resume -o "$d/r.json" >"$d/stdout" 2>"$d/stderr"
rc=$?
if [ $rc -eq 0 ] && grep -qE "resuming .*: [2-7] of 8 configurations already complete" "$d/stdout"; then
	ok "resume after SIGKILL ($first repetitions in the killed file): exit 0, $(grep 'already complete' "$d/stdout")"
else
	not_ok "resume (rc=$rc): $(cat "$d/stderr")"
fi
if [ -z "$PY" ]; then
	ok "# SKIP python3 is not installed"
elif "$PY" - "$d/r.json" >"$d/check" 2>&1 <<'PY'; then
import json, sys
d = json.load(open(sys.argv[1]))
want = {(m, t, cs) for m in ("pthread", "ticket") for t in (1, 2)
        for cs in (0, 100)}
seen = [(r["config"]["method"], r["config"]["threads"], r["config"]["cs_ns"])
        for r in d["runs"]]
assert len(seen) == len(set(seen)), "duplicates: %s" % seen
assert set(seen) == want, "runs: %s" % seen
for r in d["runs"]:
    assert r["status"] == "ok" and len(r["reps"]) == 3, r["config"]
    assert r["summary"]["ops_per_sec"]["n"] == 3, r["config"]
assert d["sweep"]["file"].endswith("small.json")
assert d["sweep"]["spec"]["reps"] == 3
PY
	ok "resumed file: 8 configurations, each once, each with 3 repetitions"
else
	not_ok "resumed file: $(tail -3 "$d/check")"
fi
"$LB" sweep "$d/small.json" --resume -o "$d/r.json" >"$d/stdout" 2>&1
if grep -q "nothing left to run" "$d/stdout"; then
	ok "resuming a complete sweep runs nothing"
else
	not_ok "resume of a complete sweep: $(cat "$d/stdout")"
fi
"$LB" sweep "$d/small.json" --resume --dry-run -o "$d/r.json" >"$d/stdout"
if [ "$(grep -c 'done: kept' "$d/stdout")" -eq 8 ]; then
	ok "--dry-run --resume marks the 8 kept configurations"
else
	not_ok "--dry-run --resume: $(cat "$d/stdout")"
fi
bad "it holds a different sweep" "$d/tiny.json" --resume -o "$d/r.json"

# ---------------------------------------------------------- quick-shaped
# The quick preset with short windows: same matrix, a few seconds.
"$LB" sweep quick --show >"$d/quick.json"
sed -e 's/"duration": "[^"]*"/"duration": "20ms"/' \
	-e 's/"warmup": "[^"]*"/"warmup": "0"/' \
	-e 's/"reps": [0-9]*/"reps": 2/' "$d/quick.json" >"$d/quick-short.json"
"$LB" sweep "$d/quick-short.json" -o "$d/q.json" >"$d/stdout" 2>"$d/stderr"
rc=$?
if [ $rc -eq 0 ] && [ "$(grep -c '^lockbench: \[' "$d/stderr")" -eq 16 ] &&
	grep -q '^== workload counter, cs 200ns' "$d/stdout"; then
	ok "quick-shaped sweep: exit 0, a progress line per run, a table per block"
else
	not_ok "quick-shaped sweep (rc=$rc): $(tail -3 "$d/stderr")"
fi
SCHEMA_PY=""
if [ -n "$PY" ] && "$PY" -c 'import jsonschema' 2>/dev/null; then
	SCHEMA_PY=$PY
fi
if [ -z "$SCHEMA_PY" ]; then
	ok "# SKIP python3-jsonschema is not installed"
elif "$PY" - "$src/results/schema.json" "$d/q.json" >"$d/check" 2>&1 <<'PY'; then
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
d = json.load(open(sys.argv[2]))
jsonschema.validate(d, schema)
assert d["sweep"]["spec"]["methods"] == ["pthread", "mcs-futex", "comutex",
                                         "ticket"]
assert len(d["runs"]) == 16
for r in d["runs"]:
    s = r["summary"]
    assert r["status"] == "ok", r["config"]
    for m in ("cpu_us_per_op", "jain", "min_share", "max_share"):
        assert s[m]["median"] is not None, (m, r["config"])
PY
	ok "quick-shaped result validates against results/schema.json, CPU/op and fairness in every run"
else
	not_ok "quick-shaped result: $(tail -3 "$d/check")"
fi
"$LB" sweep "$d/tiny.json" -q -o "$d/quiet.json" >"$d/stdout" 2>"$d/stderr"
if [ ! -s "$d/stdout" ] && [ ! -s "$d/stderr" ] && [ -s "$d/quiet.json" ]; then
	ok "--quiet prints nothing and writes the file"
else
	not_ok "--quiet: $(cat "$d/stdout" "$d/stderr")"
fi
[ $failed -eq 0 ]
