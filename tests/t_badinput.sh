#!/bin/sh
# SPDX-License-Identifier: MIT
# t_badinput.sh - a table of bad inputs across every subcommand: options
# (values, units, ranges, unknown names with "did you mean"), sweep specs,
# result files (truncated, wrong or newer schema version, missing fields,
# NaN, not JSON, a directory), paths (unwritable, a directory, missing, the
# same file as input and output).  Each must give exit status 2, exactly one
# line on stderr naming the input and the problem, nothing on stdout, and
# write nothing: every case runs in an empty directory that must stay empty.
LB=${LOCKBENCH:-./lockbench}
case $LB in /*) ;; *) LB=$PWD/$LB ;; esac
top=$PWD/badinput-out.$$
in=$top/in # inputs, made once
w=$top/w # the working directory of each case
rm -rf "$top"
mkdir -p "$in" "$w"
trap 'rm -rf "$top"' EXIT
. "${top_srcdir:-.}/tests/lib.sh"

# A real result file, then broken copies of it.
if ! "$LB" run -m pthread -t 1 --duration 5ms --warmup 0 -r 2 -q \
	-o "$in/good.json" >/dev/null 2>"$top/err"; then
	echo "1..1"
	echo "not ok 1 - cannot make a result file: $(cat "$top/err")"
	exit 1
fi
python3 - "$in" <<'PY'
import json, os, sys
d = sys.argv[1]
text = open(os.path.join(d, "good.json")).read()
good = json.loads(text)
def put(name, doc):
    with open(os.path.join(d, name), "w") as f:
        f.write(doc if isinstance(doc, str) else json.dumps(doc))
def edit(name, fn):
    doc = json.loads(text)
    fn(doc)
    put(name, doc)
put("trunc.json", text[: len(text) // 2])
put("empty.json", "")
put("notjson.json", "lockbench was here\n")
put("array.json", "[1, 2, 3]\n")
put("nan.json", text.replace('"ops_per_sec": ', '"ops_per_sec": NaN, "x": ', 1))
put("inf.json", text.replace('"jain": ', '"jain": 1e999, "y": ', 1))
put("dup.json", text.replace('"schema_version": 1', '"schema_version": 1, "schema_version": 1', 1))
edit("newer.json", lambda j: j.update(schema_version=99))
edit("v0.json", lambda j: j.update(schema_version=0))
edit("verstr.json", lambda j: j.update(schema_version="1"))
edit("otherschema.json", lambda j: j.update(schema="something-else"))
edit("noruns.json", lambda j: j.pop("runs"))
edit("nomethod.json", lambda j: j["runs"][0]["config"].pop("method"))
edit("threadsstr.json", lambda j: j["runs"][0]["config"].update(threads="two"))
edit("status.json", lambda j: j["runs"][0].update(status="great"))
edit("negops.json", lambda j: j["runs"][0]["reps"][0].update(thread_ops=[-5]))
edit("nohost.json", lambda j: j.pop("host"))
PY
mkdir "$in/adir" "$in/ro"
chmod 555 "$in/ro"
# Root writes anywhere: the unwritable-directory cases run as nobody.
as=""
asuser=""
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	asuser="setpriv --reuid=65534 --regid=65534 --clear-groups"
	chmod 777 "$w"
	chmod 755 "$top" "$in"
	chmod 644 "$in"/*.json
fi
printf '{"methods": ["pthread"], "threds": [1]}\n' >"$in/unknown-key.json"
printf '{"methods": ["pthread"],\n "threads": "lots"}\n' >"$in/wrong-type.json"
printf '{"methods": ["pthread"], "threads": [1, 2}\n' >"$in/malformed.json"
printf '{"methods": [], "threads": [1]}\n' >"$in/empty-matrix.json"
printf '{"methods": "all", "threads": "1-64", "cs": ["0", "10ns", "20ns", "40ns", "80ns", "160ns"]}\n' >"$in/huge.json"
printf '{"methods": ["pthread"], "threads": [1], "duration": "5ms", "warmup": "0", "reps": 1}\n' >"$in/spec.json"

# bad WANT CMD ARGS...: run in the empty $w; exit 2, one stderr line
# containing WANT, no stdout, nothing written.
bad() {
	want=$1
	shift
	(cd "$w" && exec $as "$LB" "$@") >"$top/out" 2>"$top/err"
	rc=$?
	lines=$(wc -l <"$top/err")
	left=$(ls -A "$w")
	if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && [ ! -s "$top/out" ] &&
		[ -z "$left" ] && grep -qF -- "$want" "$top/err"; then
		ok "$* -> $(cat "$top/err")"
	else
		not_ok "$* (rc $rc, $lines stderr lines, stdout $(wc -c <"$top/out") bytes, left '$left', want '$want'): $(head -c 600 "$top/err")"
	fi
	rm -rf "$w" && mkdir "$w"
}

R="-m pthread -t 1 --duration 5ms --warmup 0 -r 1 -q"

# --- run: values, units, ranges, names
bad "invalid --cs value '1.5.5us'" run $R --cs 1.5.5us -o o.json
bad "unknown unit 'h'" run $R --duration 2h -o o.json
bad "invalid --stall-timeout value '10ms': must be between 100ms" run $R --stall-timeout 10ms -o o.json
bad "invalid --warmup value '-1s'" run $R --warmup -1s -o o.json
bad "invalid --think value '1e3ns'" run $R --think 1e3ns -o o.json
bad "invalid --cs value '0.1ns': finer than a nanosecond" run $R --cs 0.1ns -o o.json
bad "invalid --duration value '99999999999999999999s': too large" run $R --duration 99999999999999999999s -o o.json
bad "invalid --reps value '1001': must be between 1 and 1000" run $R --reps 1001 -o o.json
bad "invalid --spin value '0'" run $R --spin 0 -o o.json
bad "invalid --coroutines value '0'" run $R --coroutines 0 -o o.json
bad "invalid --read-pct value '101'" run $R --read-pct 101 -o o.json
bad "invalid --reps value '-2'" run $R --reps -2 -o o.json
bad "invalid --offload-mode value 'fast'" run $R --offload-mode fast -o o.json
bad "invalid --offload-work value 'lazy'" run $R --offload-work lazy -o o.json
bad "invalid --think-dist value 'gauss'" run $R --think-dist gauss -o o.json
bad "invalid --cs-lines value 'many'" run $R --cs-lines many -o o.json
bad "invalid --sample-every value 'often'" run $R --sample-every often -o o.json
bad "invalid --threads item '2000'" run $R -t 2000 -o o.json
bad "invalid --threads item '1-8:x1': the factor must be at least 2" run $R -t 1-8:x1 -o o.json
bad "invalid --threads item 'two'" run $R -t two -o o.json
bad "invalid --pin value '1-'" run $R --pin 1- -o o.json
bad "unknown method 'pthred' (did you mean 'pthread'?)" run $R -m pthred -o o.json
bad "unknown method 'never-unlock'" run $R -m never-unlock -o o.json
bad "unknown workload 'rwmax' (did you mean 'rwmix'?)" run $R -w rwmax -o o.json
bad "method 'ticket' has no reader/writer" run $R -w rwmix -m ticket -o o.json
bad "method 'none' has no mutual exclusion" run $R -m none -t 2 -o o.json
bad "unknown option '--treads' (did you mean '--threads'?)" run $R --treads 2 -o o.json
bad "option '--output' needs a value" run $R --output
# --- run: paths
bad "invalid output file '$in/adir': it is a directory" run $R -o "$in/adir"
bad "does not exist" run $R -o "$in/missing/o.json"
bad "'/proc/o.json'" run $R -o /proc/o.json
bad "invalid output file ''" run $R -o ""
if [ "$(id -u)" -ne 0 ] || [ -n "$asuser" ]; then
	as=$asuser
	bad "invalid output file '$in/ro/o.json': directory '$in/ro' is not writable" run $R -o "$in/ro/o.json"
	bad "invalid output directory '$in/ro/p': Permission denied" plot "$in/good.json" -o "$in/ro/p" --data-only
	bad "invalid output file '$in/ro/o.json'" sweep "$in/spec.json" -o "$in/ro/o.json"
	as=""
else
	for i in 1 2 3; do
		n=$((n + 1))
		echo "ok $n # SKIP unwritable directories: root without setpriv"
	done
fi
# --- sweep: spec files, presets, paths
bad "unknown preset 'quik' (did you mean 'quick'?)" sweep quik -o o.json
bad "cannot read spec '$in/nope.json'" sweep "$in/nope.json" -o o.json
bad "cannot read spec '$in/adir': it is a directory" sweep "$in/adir" -o o.json
bad "unknown-key.json:1:" sweep "$in/unknown-key.json" -o o.json
bad "wrong-type.json:2:" sweep "$in/wrong-type.json" -o o.json
bad "malformed.json:1:" sweep "$in/malformed.json" -o o.json
bad "empty-matrix.json" sweep "$in/empty-matrix.json" -o o.json
bad "huge.json" sweep "$in/huge.json" -o o.json
bad "invalid output file '$in/spec.json': it is the spec file" sweep "$in/spec.json" -o "$in/spec.json"
bad "cannot resume '$in/trunc.json'" sweep "$in/spec.json" --resume -o "$in/trunc.json"
bad "cannot resume '$in/newer.json'" sweep "$in/spec.json" --resume -o "$in/newer.json"
bad "--resume needs -o FILE" sweep "$in/spec.json" --resume
# --- plot: result files and paths
bad "plot: expected one or more result files" plot -o p --data-only
bad "$in/nope.json: cannot read" plot "$in/nope.json" -o p --data-only
bad "$in/adir: cannot read: it is a directory" plot "$in/adir" -o p --data-only
bad "$in/trunc.json:" plot "$in/trunc.json" -o p --data-only
bad "$in/empty.json: not a lockbench result file (empty file)" plot "$in/empty.json" -o p --data-only
bad "$in/notjson.json:1:9: not a lockbench result file (invalid JSON" plot "$in/notjson.json" -o p --data-only
bad "$in/array.json: not a lockbench result file" plot "$in/array.json" -o p --data-only
bad "$in/nan.json:" plot "$in/nan.json" -o p --data-only
bad "$in/inf.json:" plot "$in/inf.json" -o p --data-only
bad "$in/dup.json:" plot "$in/dup.json" -o p --data-only
bad "$in/newer.json: schema_version 99 is newer" plot "$in/newer.json" -o p --data-only
bad "$in/v0.json: schema_version 0 is not supported" plot "$in/v0.json" -o p --data-only
bad "$in/verstr.json: 'schema_version' is not an integer" plot "$in/verstr.json" -o p --data-only
bad "$in/otherschema.json: not a lockbench result file" plot "$in/otherschema.json" -o p --data-only
bad "$in/noruns.json: missing 'runs'" plot "$in/noruns.json" -o p --data-only
bad "$in/nomethod.json: runs[0].config: missing 'method'" plot "$in/nomethod.json" -o p --data-only
bad "$in/threadsstr.json: runs[0].config: 'threads' is not an integer" plot "$in/threadsstr.json" -o p --data-only
bad "$in/status.json: runs[0]: unknown status 'great'" plot "$in/status.json" -o p --data-only
bad "$in/negops.json: runs[0].reps[0]: 'thread_ops[0]' is not a count" plot "$in/negops.json" -o p --data-only
bad "$in/nohost.json: missing 'host'" plot "$in/nohost.json" -o p --data-only
bad "invalid output directory '$in/good.json': not a directory" plot "$in/good.json" -o "$in/good.json" --data-only
bad "invalid output directory '/proc/p'" plot "$in/good.json" -o /proc/p --data-only
bad "invalid output directory '$in/missing/p'" plot "$in/good.json" -o "$in/missing/p" --data-only
# --- compare
bad "compare: expected two result files" compare "$in/good.json"
bad "$in/trunc.json:" compare "$in/good.json" "$in/trunc.json"
bad "$in/newer.json: schema_version 99 is newer" compare "$in/newer.json" "$in/good.json"
bad "invalid --threshold value 'big'" compare "$in/good.json" "$in/good.json" --threshold big
bad "invalid --alpha value '0.9'" compare "$in/good.json" "$in/good.json" --alpha 0.9
bad "'throughput'" compare "$in/good.json" "$in/good.json" --metric throughput
# --- ab
bad "ab: both --a CMD and --b CMD are needed" ab --a "$LB"
bad "invalid --a value '': empty command" ab --a "" --b "$LB"
bad "invalid --runs value '1'" ab --a "$LB" --b "$LB" -n 1
bad "unknown option '--bogus'" ab --a "$LB" --b "$LB" -n 2 -- $R --bogus
bad "invalid --keep directory '$in/good.json': not a directory" ab --a "$LB" --b "$LB" -n 2 --keep "$in/good.json" -- $R
# --- topo, list, help
bad "invalid --threads value '0'" topo --threads 0
bad "invalid synthetic topology 'pack:x'" topo --synthetic "pack:x"
bad "list: unexpected argument 'all'" list all
echo "1..$n"
[ $failed -eq 0 ]
