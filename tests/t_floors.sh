#!/bin/sh
# SPDX-License-Identifier: MIT
# t_floors.sh - `lockbench floors`: bad input (one line naming the value,
# exit 2, no cache written), the real measurement (four figures, positive,
# p10 <= median <= p90, a coroutine switch cheaper than a wake-up), the
# cache (written, reused without measuring again, a corrupt or foreign one
# ignored and rewritten, an unwritable directory only a warning), host.floors
# in a run's result file (and null with a note under LOCKBENCH_FLOORS=0),
# and the charts: reference lines in the data and in what gnuplot is given
# for a file with floors, none for a file without.
# The measurements are real: a few seconds in all.
. "${top_srcdir:-.}/tests/lib.sh"
scratch floors
# our own cache, never the user's; floors on (make check turns them off)
XDG_CACHE_HOME=$(cd "$out" && pwd)/cache
export XDG_CACHE_HOME
unset LOCKBENCH_FLOORS
# bad input measures nothing: no cache directory
nofile=$XDG_CACHE_HOME

plan 21
command -v python3 >/dev/null 2>&1 || skip_rest "python3 is missing"
if [ "$("$LB" topo | sed -n 's/.* \([0-9]*\) PUs.*/\1/p' | head -1)" = 1 ]; then
	skip_rest "a single PU: no hand-off"
fi

if "$LB" floors --help >"$out.stdout" 2>&1 && grep -q -- "--pus A,B" "$out.stdout" &&
	"$LB" --help | grep -q "^  floors "; then
	ok "floors --help, and floors in lockbench --help"
else
	not_ok "floors --help: $(head -3 "$out.stdout")"
fi
bad "PU 4096 does not exist on this machine" floors --pus 0,4096
bad "'1,1': the two PUs must differ" floors --pus 1,1
bad "invalid --pus value 'x,1'" floors --pus x,1
bad "invalid --pus value '0'" floors --pus 0
bad "did you mean '--pus'" floors --psu 0,1
bad "unexpected argument 'now'" floors now

# 8-10: the real measurement, into an empty cache
t0=$(date +%s)
"$LB" floors --json >"$out/first.json" 2>"$out.stderr"
rc=$?
t1=$(date +%s)
check=$(python3 - "$out/first.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
bad = []
for k in ("cacheline", "futex_wake", "eventfd", "coroutine_switch"):
    f = d[k]
    rt = f["round_trip_ns"]
    if not (0 < f["p10_ns"] <= rt <= f["p90_ns"] < 1e9):
        bad.append("%s: p10 %s median %s p90 %s" % (k, f["p10_ns"], rt, f["p90_ns"]))
    if abs(f["one_way_ns"] * 2 - rt) > 0.1 or f["samples"] < 1 or f["round_trips"] < f["samples"]:
        bad.append("%s: one-way/samples %s" % (k, f))
co = d["coroutine_switch"]["round_trip_ns"]
for k in ("futex_wake", "eventfd"):
    if not co < d[k]["round_trip_ns"]:
        bad.append("coroutine switch %s not below %s %s" % (co, k, d[k]["round_trip_ns"]))
if d["source"] != "measured" or len(d["pus"]) != 2 or d["pus"][0] == d["pus"][1]:
    bad.append("source/pus %s %s" % (d["source"], d["pus"]))
print("; ".join(bad) if bad else "ok")
EOF
)
if [ $rc -eq 0 ] && [ "$check" = ok ]; then
	ok "measured: four figures, positive, p10 <= median <= p90, coroutine < wake-ups ($((t1 - t0)) s)"
else
	not_ok "measurement (rc=$rc): $check $(cat "$out.stderr")"
fi
if [ $((t1 - t0)) -le 20 ] && grep -q "measuring the hand-off floors" "$out.stderr"; then
	ok "measuring says so on stderr and takes seconds, not minutes"
else
	not_ok "measuring: $((t1 - t0)) s, stderr: $(cat "$out.stderr")"
fi
cache=$(ls "$XDG_CACHE_HOME"/lockbench/floors-*.json 2>/dev/null | head -1)
first_at=$(field "$out/first.json" 'd["measured_at"]')
if [ -n "$cache" ] && [ -n "$first_at" ] &&
	[ "$(field "$cache" 'd["floors"]["measured_at"]')" = "$first_at" ] &&
	[ "$(field "$cache" 'd["identity"]["pu_pair"]')" = "$(field "$out/first.json" 'd["pus"]')" ]; then
	ok "cache written: $(basename "$cache")"
else
	not_ok "no cache file with the figures in $XDG_CACHE_HOME/lockbench: $(ls -R "$XDG_CACHE_HOME" 2>&1)"
fi

# 11-12: reused, not measured again
"$LB" floors --json >"$out/second.json" 2>"$out.stderr"
rc=$?
if [ $rc -eq 0 ] && [ "$(field "$out/second.json" 'd["source"]')" = cache ] &&
	[ "$(field "$out/second.json" 'd["measured_at"]')" = "$first_at" ] &&
	[ "$(field "$out/second.json" 'd["futex_wake"]')" = "$(field "$out/first.json" 'd["futex_wake"]')" ] &&
	[ ! -s "$out.stderr" ]; then
	ok "second call: from the cache, same figures and timestamp, nothing measured"
else
	not_ok "cache not reused (rc=$rc): $(head -c 300 "$out/second.json") $(cat "$out.stderr")"
fi
"$LB" floors >"$out.stdout" 2>&1
if grep -q "^from the cache, measured $first_at" "$out.stdout" &&
	grep -q "^cache line (spinning) .* ns" "$out.stdout" &&
	grep -q "^futex wake  *[0-9.]* [mun]s" "$out.stdout" &&
	grep -q "^eventfd " "$out.stdout" && grep -q "^coroutine switch " "$out.stdout"; then
	ok "the table: four rows, from the cache"
else
	not_ok "table: $(cat "$out.stdout")"
fi

# 13: a corrupt cache is ignored and rewritten
echo '{"format": 1, "identity": {' >"$cache"
"$LB" floors --json >"$out/third.json" 2>"$out.stderr"
rc=$?
if [ $rc -eq 0 ] && grep -q "ignoring the floors cache .*not valid JSON" "$out.stderr" &&
	[ "$(field "$out/third.json" 'd["source"]')" = measured ] &&
	[ "$(field "$cache" 'd["floors"]["measured_at"]')" = "$(field "$out/third.json" 'd["measured_at"]')" ]; then
	ok "a corrupt cache: ignored, measured again, rewritten"
else
	not_ok "corrupt cache (rc=$rc): $(cat "$out.stderr")"
fi
# 14: a cache of another build (or implausible figures) is not trusted
python3 - "$cache" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["floors"]["futex_wake"]["round_trip_ns"] = -5
json.dump(d, open(sys.argv[1], "w"))
EOF
"$LB" floors --json >"$out/fourth.json" 2>"$out.stderr"
if grep -q "implausible figures" "$out.stderr" &&
	[ "$(field "$out/fourth.json" 'd["futex_wake"]["round_trip_ns"] > 0')" = True ] &&
	[ "$(field "$cache" 'd["floors"]["futex_wake"]["round_trip_ns"] > 0')" = True ]; then
	ok "implausible cached figures: ignored and rewritten"
else
	not_ok "implausible cache: $(cat "$out.stderr")"
fi

# 15-17: run records host.floors from the cache; LOCKBENCH_FLOORS=0 a null
cached_at=$(field "$cache" 'd["floors"]["measured_at"]')
"$LB" run -m pthread -t 1 --duration 50ms --reps 1 -o "$out/run.json" \
	>"$out.stdout" 2>"$out.stderr"
rc=$?
if [ $rc -eq 0 ] && [ "$(field "$out/run.json" 'd["host"]["floors"]["source"]')" = cache ] &&
	[ "$(field "$out/run.json" 'd["host"]["floors"]["measured_at"]')" = "$cached_at" ] &&
	[ "$(field "$out/run.json" 'd["host"]["floors"]["cacheline"]["one_way_ns"] > 0')" = True ] &&
	grep -q "^hand-off floors (one-way, PU" "$out.stdout"; then
	ok "run: host.floors from the cache, and in the table's header"
else
	not_ok "run's host.floors (rc=$rc): $(field "$out/run.json" 'd["host"].get("floors")') $(cat "$out.stderr")"
fi
LOCKBENCH_FLOORS=0 "$LB" run -m pthread -t 1 --duration 50ms --reps 1 -q \
	-o "$out/run0.json" >"$out.stdout" 2>"$out.stderr"
rc=$?
if [ $rc -eq 0 ] && [ "$(field "$out/run0.json" 'd["host"]["floors"]')" = None ] &&
	field "$out/run0.json" 'd["host"]["floors_note"]' | grep -q "LOCKBENCH_FLOORS=0"; then
	ok "LOCKBENCH_FLOORS=0: host.floors null, floors_note says why"
else
	not_ok "LOCKBENCH_FLOORS=0 (rc=$rc): $(field "$out/run0.json" 'd["host"]') $(cat "$out.stderr")"
fi
if ! jsonschema_python; then
	skip "python3-jsonschema is not installed"
elif "$PY" - "$src/results/schema.json" "$out/run.json" "$out/run0.json" \
	>"$out.log" 2>&1 <<'EOF'
import copy, json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
for f in sys.argv[2:]:
    jsonschema.validate(json.load(open(f)), schema)
d = json.load(open(sys.argv[2]))
d["host"]["floors"]["eventfd"]["p10_ns"] = "fast"
try:
    jsonschema.validate(d, schema)
    sys.exit("a bad floors object validated")
except jsonschema.ValidationError:
    pass
EOF
then
	ok "both result files validate against results/schema.json (a bad floor does not)"
else
	not_ok "schema: $(tail -3 "$out.log")"
fi

# 18: an unwritable cache directory: a warning, the figures all the same
touch "$out/notadir"
XDG_CACHE_HOME=$(cd "$out" && pwd)/notadir "$LB" floors --json \
	>"$out/nocache.json" 2>"$out.stderr"
rc=$?
if [ $rc -eq 0 ] && grep -q "warning: no cache for the hand-off floors" "$out.stderr" &&
	[ "$(field "$out/nocache.json" 'd["eventfd"]["round_trip_ns"] > 0')" = True ]; then
	ok "no writable cache directory: warned, measured anyway"
else
	not_ok "unwritable cache (rc=$rc): $(cat "$out.stderr")"
fi

# 19-21: charts.  A fake gnuplot records what it is given, then draws.
GP=$(gnuplot_path)
if [ ! -x "$GP" ]; then
	skip "gnuplot is not installed"
	skip "gnuplot is not installed"
	skip "gnuplot is not installed"
else
	cat >"$out/gnuplot" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >>"$(pwd)/$out/gnuplot.args"
exec "$GP" "\$@"
EOF
	chmod +x "$out/gnuplot"
	# a file with floors, latency percentiles, acquire and offload runs
	python3 - "$out/run.json" "$src/results/examples" "$out" <<'EOF'
import json, sys
floors = json.load(open(sys.argv[1]))["host"]["floors"]
for n in ("cs0", "acquire", "offload-submit_co"):
    d = json.load(open("%s/%s.json" % (sys.argv[2], n)))
    d["host"]["floors"] = floors
    json.dump(d, open("%s/f-%s.json" % (sys.argv[3], n), "w"))
EOF
	rm -f "$out/gnuplot.args"
	if LOCKBENCH_GNUPLOT=$(pwd)/$out/gnuplot "$LB" plot "$out/f-cs0.json" \
		"$out/f-acquire.json" "$out/f-offload-submit_co.json" -o "$out/p" \
		>"$out.log" 2>&1 &&
		python3 "$src/tests/pngcheck.py" "$out/p/latency.png" >/dev/null &&
		python3 "$src/tests/pngcheck.py" "$out/p/acquire-latency.png" >/dev/null &&
		[ -s "$out/p/offload-latency.png" ] &&
		grep -q '^# floor [0-9.e+]* "floor: futex wake, one-way' "$out/p/data/latency.dat" &&
		grep -q '^# floor [0-9.e+]* "floor: cache line (spinning), one-way' "$out/p/data/latency.dat" &&
		grep -q '^# floor [0-9.e+]* "floor: eventfd, one-way' "$out/p/data/acquire-latency.dat" &&
		grep -q '^# floor [0-9.e+]* "floor: eventfd, round trip' "$out/p/data/offload-latency.dat" &&
		grep "/latency.dat" "$out/gnuplot.args" | grep -q "nrefs=2; refy2=.*reftitle2='floor: futex wake"; then
		ok "a file with floors: charts drawn, the floors in the .dat and in gnuplot's parameters"
	else
		not_ok "plot with floors: $(tail -3 "$out.log") $(head -4 "$out/p/data/latency.dat")"
	fi
	futex=$(field "$out/run.json" '"%.10g" % d["host"]["floors"]["futex_wake"]["one_way_ns"]')
	if grep -q "^# floor $futex \"" "$out/p/data/latency.dat" &&
		! grep -q "^# floor" "$out/p/data/throughput-threads.dat" &&
		grep -q "Grey dashed lines: the hand-off floors" "$out/p/index.html"; then
		ok "the reference line is the file's one-way futex floor ($futex ns), on latency charts only"
	else
		not_ok "reference line values: $(grep '^# floor' "$out/p/data/"*.dat)"
	fi
	rm -f "$out/gnuplot.args"
	if LOCKBENCH_GNUPLOT=$(pwd)/$out/gnuplot "$LB" plot "$src/results/examples/cs0.json" \
		"$out/run0.json" -o "$out/q" >"$out.log" 2>&1 &&
		python3 "$src/tests/pngcheck.py" "$out/q/latency.png" >/dev/null &&
		[ -s "$out/gnuplot.args" ] && ! grep -q "nrefs" "$out/gnuplot.args" &&
		! grep -q "^# floor" "$out/q/data/"*.dat &&
		! grep -q "hand-off floors" "$out/q/index.html"; then
		ok "files without floors (an example, a LOCKBENCH_FLOORS=0 run): charts as before, no line"
	else
		not_ok "plot without floors: $(tail -3 "$out.log") $(grep -c nrefs "$out/gnuplot.args")"
	fi
fi
finish
