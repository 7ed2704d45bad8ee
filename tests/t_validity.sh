#!/bin/sh
# SPDX-License-Identifier: MIT
# t_validity.sh - the validity gate end to end: repetitions forced invalid
# (an impossible wall-time limit, a stopped worker process, other processes
# spinning) are kept in the file with their reasons, re-run up to
# --retries, left out of the summary and of compare; bad --gate/--retries
# values exit 2 naming the value; --resume counts valid repetitions.
. "${top_srcdir:-.}/tests/lib.sh"
scratch val
nofile=$out.bad.json
spinners=""
# shellcheck disable=SC2016 # expanded at exit
at_exit 'for p in $spinners; do kill "$p" 2>/dev/null; done'
# The test suite turns the gate off for the tests that count repetitions.
unset LOCKBENCH_GATE

plan 20
bad "invalid --gate value 'foo=1'" run --gate foo=1 -o "$nofile"
bad "invalid --gate value 'wall=-1'" run --gate wall=-1 -o "$nofile"
bad "invalid --gate value 'cpu_low=2'" run --gate other_cpu=1,cpu_low=2 -o "$nofile"
bad "'1000'" run --retries 1000 -o "$nofile"
bad "'x'" run --retries x -o "$nofile"
bad "invalid --gate value 'wall=abc'" sweep quick --gate wall=abc -o "$nofile"
bad "'-1'" sweep quick --retries -1 -o "$nofile"
printf '{"methods": ["pthread"], "retries": "2"}\n' >"$out.spec1.json"
bad "retries" sweep "$out.spec1.json" -o "$nofile"
printf '{"methods": ["pthread"], "gate": "bogus=1"}\n' >"$out.spec2.json"
bad "'bogus=1'" sweep "$out.spec2.json" -o "$nofile"

command -v python3 >/dev/null 2>&1 || skip_rest "python3 is missing"

# 1. An impossible wall-time limit: every repetition is invalid, each run
#    retried once, the summary falls back to all of them, the table says so.
"$LB" run -m pthread,ticket -t 1 -d 20ms --warmup 0 -r 2 --retries 1 \
	--gate wall=0 -o "$out.wall.json" >"$out.wall.stdout" 2>"$out.wall.stderr"
rc=$?
if [ $rc -eq 0 ] && [ "$(grep -c '0/2 valid (all kept)' "$out.wall.stdout")" -eq 2 ]; then
	ok "wall=0: exit 0, both rows say '0/2 valid (all kept)'"
else
	not_ok "wall=0: rc $rc: $(cat "$out.wall.stdout" "$out.wall.stderr")"
fi
if grep -q "pthread, 1 thread, repetition 3 invalid: wall 0.0[0-9]* s for 0.020 s asked (limit +0%)" "$out.wall.stderr"; then
	ok "stderr names the invalid repetition and why"
else
	not_ok "stderr: $(cat "$out.wall.stderr")"
fi
pycheck "wall=0: 3 repetitions per run (2 + 1 retry), all kept with their reason, run flagged invalid" "$out.wall.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["runs"]) == 2
for r in d["runs"]:
    c = r["config"]
    assert c["reps"] == 2 and c["retries"] == 1 and c["gate"]["wall"] == 0, c
    assert len(r["reps"]) == 3, len(r["reps"])
    for x in r["reps"]:
        assert x["valid"] is False, x
        assert any(w.startswith("wall ") and "asked (limit +0%)" in w
                   for w in x["invalid"]), x["invalid"]
    assert r["valid"] is False and r["valid_reps"] == 0
    assert r["invalid_reps"] == 3
    assert r["summary"]["ops_per_sec"]["n"] == 3, r["summary"]
PY

# 2. --retries 0 keeps the invalid repetitions without re-running.
quiet_run "$out.r0.json" -m pthread -t 1 -d 20ms --warmup 0 -r 2 --retries 0 \
	--gate wall=0
pycheck "--retries 0: 2 repetitions, both invalid, none re-run" "$out.r0.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
assert r["config"]["retries"] == 0
assert [x["valid"] for x in r["reps"]] == [False, False], r["reps"]
PY

# 3. --no-gate: nothing judged, nothing re-run.
quiet_run "$out.off.json" -m pthread -t 1 -d 20ms --warmup 0 -r 2 --gate wall=0 \
	--no-gate
pycheck "--no-gate: every repetition valid, gate null" "$out.off.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
assert r["config"]["gate"] is None
assert len(r["reps"]) == 2 and all(x["valid"] for x in r["reps"]), r["reps"]
assert r["valid"] is True and r["valid_reps"] == 2
PY

# 4. Other processes spinning on both PUs while 2 threads run, other_cpu=0:
#    invalid, with the CPU they used.
sh -c 'while :; do :; done' &
spinners="$!"
sh -c 'while :; do :; done' &
spinners="$spinners $!"
quiet_run "$out.busy.json" -m pthread -t 2 -d 100ms --warmup 0 -r 1 --retries 0 \
	--gate other_cpu=0
for p in $spinners; do kill "$p" 2>/dev/null; done
spinners=""
pycheck "two spinning processes, other_cpu=0: 'other processes used' with the CPU they took" "$out.busy.json" <<'PY'
import json, re, sys
x = json.load(open(sys.argv[1]))["runs"][0]["reps"][0]
assert x["valid"] is False, x
m = [re.match(r"other processes used ([0-9.]+) CPU \(limit ([0-9.]+): ", w)
     for w in x["invalid"]]
m = [v for v in m if v]
assert m and float(m[0].group(1)) > float(m[0].group(2)), x["invalid"]
PY

# 5. One repetition disturbed for real (its worker process stopped for
#    250 ms from 100 ms into a 200 ms window: the window ends late), the
#    others judged only on wall time: it is replaced, kept, and left out
#    of the summary.
"$LB" run -m pthread -t 1 -d 200ms --warmup 0 -r 3 --retries 2 \
	--gate other_cpu=off,ivcsw=off,cpu_low=off -q -o "$out.stop.json" \
	>/dev/null 2>"$out.stop.stderr" &
lbpid=$!
child=""
i=0
while [ -z "$child" ] && [ $i -lt 500 ]; do
	child=$(pgrep -P $lbpid | head -n 1)
	[ -z "$child" ] && sleep 0.01
	i=$((i + 1))
done
sleep 0.1
kill -STOP "$child" 2>/dev/null
sleep 0.25
kill -CONT "$child" 2>/dev/null
wait $lbpid
pycheck "stopped repetition: invalid (wall), replaced by a retry, summary over the 3 valid ones" "$out.stop.json" <<'PY'
import json, re, statistics, sys
r = json.load(open(sys.argv[1]))["runs"][0]
reps = r["reps"]
assert reps[0]["valid"] is False, reps[0]
assert any(re.match(r"wall (0\.[3-9]|[1-9])[0-9.]* s for 0\.200 s asked \(limit \+10%\)$", w)
           for w in reps[0]["invalid"]), reps[0]
valid = [x for x in reps if x["valid"]]
assert len(valid) == 3 and len(reps) >= 4, [x["valid"] for x in reps]
s = r["summary"]["ops_per_sec"]
assert s["n"] == 3, s
assert abs(s["median"] - statistics.median(x["ops_per_sec"] for x in valid)) < 1e-6 * s["median"], s
assert r["valid"] is True and r["valid_reps"] == 3
PY

# 6. The schema accepts the new keys.
if python3 -c 'import jsonschema' 2>/dev/null; then
	pycheck "a file with invalid repetitions validates against results/schema.json" "$out.wall.json" <<PY
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open("$src/results/schema.json")))
PY
else
	skip "python3-jsonschema is not installed"
fi

# 7. --resume: a run that used its retries is complete, invalid or not.
printf '{"methods": ["pthread"], "threads": [1], "duration": "20ms", "warmup": "0", "reps": 2, "retries": 1, "gate": "wall=0"}\n' >"$out/spec.json"
"$LB" sweep "$out/spec.json" -q -o "$out/s.json" >/dev/null 2>&1
"$LB" sweep "$out/spec.json" --resume -o "$out/s.json" >"$out.stdout" 2>&1
if grep -q "nothing left to run" "$out.stdout" &&
	[ "$(grep -c '"valid": false' "$out/s.json")" -eq 4 ]; then
	ok "resume: 3 invalid repetitions (retries used) make a complete run"
else
	not_ok "resume: $(cat "$out.stdout")"
fi

# 8. compare reads only valid repetitions, and says how many it left out.
quiet_run "$out.base.json" -m pthread -t 1 -d 20ms --warmup 0 -r 6 --no-gate
python3 - "$out.base.json" "$out.new.json" "$out.ctl.json" <<'PY'
import copy, json, sys
d = json.load(open(sys.argv[1]))
run = d["runs"][0]
for x in run["reps"]:
    x["machine"]["other_cpu_s"] = 0.0
json.dump(d, open(sys.argv[1], "w"))
slow = []
for x in run["reps"]:
    y = copy.deepcopy(x)
    y["ops_per_sec"] /= 10
    y["ops"] //= 10
    y["thread_ops"] = [t // 10 for t in y["thread_ops"]]
    slow.append(y)
new, ctl = copy.deepcopy(d), copy.deepcopy(d)
for x in slow:
    x.update(valid=False, invalid=["synthetic: 10 times slower"])
new["runs"][0]["reps"] = run["reps"] + slow
json.dump(new, open(sys.argv[2], "w"))
# control: the slow ones valid, the others not
for x in slow:
    x.update(valid=True)
    del x["invalid"]
fast = copy.deepcopy(run["reps"])
for x in fast:
    x.update(valid=False, invalid=["synthetic"])
ctl["runs"][0]["reps"] = fast + slow
json.dump(ctl, open(sys.argv[3], "w"))
PY
"$LB" compare --metric ops_per_sec "$out.base.json" "$out.new.json" >"$out.cmp" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q "no regression" "$out.cmp" &&
	grep -q "left out: 0 in BASE, 6 in NEW" "$out.cmp"; then
	ok "compare: 6 invalid 10x slower repetitions left out, no regression, noted"
else
	not_ok "compare (rc $rc): $(cat "$out.cmp")"
fi
"$LB" compare --metric ops_per_sec "$out.base.json" "$out.ctl.json" >"$out.cmp" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "REGRESSION" "$out.cmp"; then
	ok "compare control: the same slow repetitions marked valid are a regression"
else
	not_ok "compare control (rc $rc): $(cat "$out.cmp")"
fi
finish
