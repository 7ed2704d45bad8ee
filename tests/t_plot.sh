#!/bin/sh
# SPDX-License-Identifier: MIT
# t_plot.sh - `lockbench plot`: every chart kind as a non-empty PNG and SVG
# from the committed example result files (results/examples/) and from a
# synthetic file with latency percentiles; the acquire and offload charts
# from small real runs made here (and from the committed acquire and offload
# examples); bad latency_ns / loop_progress / offload_mode values; the
# index page; --data-only, the missing-gnuplot and missing-templates paths;
# and the index page rendered by headless Chromium into a screenshot that
# must not be blank.
LB=${LOCKBENCH:-./lockbench}
src=${top_srcdir:-.}
out=plot-out.$$
trap 'rm -rf "$out" "$out".*' EXIT
. "${top_srcdir:-.}/tests/lib.sh"

# chart_ok DIR NAME: PNG not blank, SVG an svg document
chart_ok() {
	if [ -s "$1/$2.png" ] && [ -s "$1/$2.svg" ] &&
		grep -q '<svg' "$1/$2.svg" &&
		python3 "$src/tests/pngcheck.py" "$1/$2.png" >"$out.png.log"; then
		ok "chart $2: PNG and SVG ($(cat "$out.png.log"))"
	else
		not_ok "chart $2: PNG/SVG missing or blank: $(cat "$out.png.log" 2>/dev/null)"
	fi
}

echo "1..23"
ex="$src/results/examples"
if [ ! -x "$(sed -n 's/^#define LB_GNUPLOT "\(.*\)"$/\1/p' "${top_builddir:-.}/config.h")" ] ||
	! command -v python3 >/dev/null 2>&1; then
	for i in $(seq 1 23); do echo "ok $i # SKIP gnuplot or python3 is missing"; done
	exit 0
fi

if "$LB" plot "$ex/cs0.json" "$ex/cs200ns.json" -o "$out" >"$out.log" 2>&1; then
	ok "plot of the committed examples"
else
	not_ok "plot of the committed examples: $(cat "$out.log")"
fi
for c in throughput-threads throughput-cs fairness-threads cpu-threads share; do
	chart_ok "$out" "$c"
done
# (the examples carry latency too; the synthetic file checks the chart alone)
python3 "$src/tests/mkresult.py" "$out.lat.json" --latency
if "$LB" plot "$out.lat.json" -o "$out.lat" >"$out.log" 2>&1; then
	chart_ok "$out.lat" latency
else
	not_ok "plot of a file with latency percentiles: $(cat "$out.log")"
fi
if grep -q 'throughput-threads.png' "$out/index.html" &&
	grep -q 'share.svg' "$out/index.html" &&
	grep -q '<table class="figures">' "$out/index.html" &&
	grep -q 'Not drawn: <b>acquire-latency' "$out/index.html" &&
	! grep -qiE '<script|https?://' "$out/index.html"; then
	ok "index.html: charts, figures, hosts, what was not drawn, no script or network"
else
	not_ok "index.html content"
fi
lines=$(grep -c '^"' "$out/data/throughput-threads.dat")
if [ "$lines" -eq 6 ] && grep -q '^"ticket, cs 200ns (.* #2)"' \
	"$out/data/throughput-threads.dat"; then
	ok "two files on one chart: one labelled line per method and file"
else
	not_ok "series of two files: $(grep '^"' "$out/data/throughput-threads.dat")"
fi
rm -rf "$out.d"
if LOCKBENCH_GNUPLOT=/nonexistent/gnuplot "$LB" plot --data-only \
	"$ex/cs0.json" -o "$out.d" >"$out.log" 2>&1 &&
	[ -s "$out.d/data/throughput-threads.dat" ] && [ ! -e "$out.d/share.png" ]; then
	ok "--data-only writes the data without gnuplot"
else
	not_ok "--data-only: $(cat "$out.log")"
fi
LOCKBENCH_GNUPLOT=/nonexistent/gnuplot "$LB" plot "$ex/cs0.json" \
	-o "$out.e" >"$out.log" 2>"$out.err"
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l <"$out.err")" -eq 1 ] &&
	grep -q "gnuplot is not installed" "$out.err"; then
	ok "without gnuplot: says so, exit 2 ($(cat "$out.err"))"
else
	not_ok "without gnuplot (rc=$rc): $(cat "$out.err")"
fi
"$LB" plot --templates "$out.none" "$ex/cs0.json" -o "$out.t" >"$out.log" 2>"$out.err"
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l <"$out.err")" -eq 1 ] && [ ! -e "$out.t" ] &&
	grep -q "no gnuplot templates in '$out.none'" "$out.err"; then
	ok "--templates without templates: says so, exit 2, nothing written"
else
	not_ok "--templates without templates (rc=$rc): $(cat "$out.err")"
fi
python3 "$src/tests/mkresult.py" "$out.v9.json" --schema-version 9
"$LB" plot "$out.v9.json" -o "$out.f" >"$out.log" 2>"$out.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "schema_version 9 is newer" "$out.err"; then
	ok "a bad result file: one line, exit 2"
else
	not_ok "a bad result file (rc=$rc): $(cat "$out.err")"
fi
"$LB" plot >"$out.log" 2>"$out.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "expected one or more result files" "$out.err"; then
	ok "no file: usage error"
else
	not_ok "no file (rc=$rc): $(cat "$out.err")"
fi

# The acquire and offload workloads' charts, from small real runs.
wl_charts="acquire-latency acquire-loop offload-latency offload-throughput"
# in_index DIR CHART...: each drawn and shown in DIR/index.html
in_index() {
	d=$1
	shift
	for c in "$@"; do
		grep -q "src=\"$c.png\"" "$d/index.html" || return 1
		! grep -q "Not drawn: <b>$c<" "$d/index.html" || return 1
	done
}
# drawn DIR CHART...: non-empty PNG and SVG of each
drawn() {
	d=$1
	shift
	for c in "$@"; do
		[ -s "$d/$c.png" ] && [ -s "$d/$c.svg" ] || return 1
	done
}
run="run --duration 50ms --warmup 10ms --reps 2 -q"
if "$LB" $run -w acquire -m rfifolock,comutex -t 1,2 -o "$out.acq.json" \
	>"$out.log" 2>&1 &&
	"$LB" $run -w offload -m tpool --offload-mode submit_co -t 1 \
		-o "$out.off.json" >>"$out.log" 2>&1 &&
	"$LB" plot "$out.acq.json" "$out.off.json" -o "$out.wl" \
		>>"$out.log" 2>&1; then
	ok "plot of fresh acquire and offload results"
else
	not_ok "acquire/offload runs and plot: $(tail -3 "$out.log")"
fi
for c in $wl_charts; do
	chart_ok "$out.wl" "$c"
done
if grep -q '^"rfifolock p99' "$out.wl/data/acquire-latency.dat" &&
	grep -q '^"comutex p50' "$out.wl/data/acquire-latency.dat" &&
	grep -q '^"submit_co, busy p99' "$out.wl/data/offload-latency.dat" &&
	in_index "$out.wl" $wl_charts &&
	grep -q 'id="wl-figures"' "$out.wl/index.html" &&
	grep -q 'Not drawn: <b>acquire-loop' "$out/index.html"; then
	ok "acquire/offload: p50 and p99 per line, in index.html with their table"
else
	not_ok "acquire/offload series or index.html: $(grep -h '^"' "$out.wl"/data/acquire-*.dat "$out.wl"/data/offload-*.dat)"
fi
# bad workload figures: one line naming the file and the place, exit 2
bad=0
for edit in 'latency_ns:"fast"' 'loop_progress:{"iterations":1,"per_sec":"x","kicks":0}' \
	'latency_ns:{"n":1,"p50":-1,"p90":1,"p99":1,"max":1}' 'offload_mode:"sideways"'; do
	python3 - "$out.acq.json" "$out.off.json" "$out.bad.json" "$edit" <<'PYEOF'
import json, sys
acq, off, dst, edit = sys.argv[1:]
key, val = edit.split(":", 1)
d = json.load(open(off if key == "offload_mode" else acq))
if key == "offload_mode":
    d["runs"][0]["config"][key] = json.loads(val)
else:
    d["runs"][0]["reps"][1][key] = json.loads(val)
json.dump(d, open(dst, "w"))
PYEOF
	"$LB" plot "$out.bad.json" -o "$out.badp" >"$out.log" 2>"$out.err"
	rc=$?
	if [ $rc -ne 2 ] || [ "$(wc -l <"$out.err")" -ne 1 ] ||
		! grep -q "$out.bad.json: runs\[0\]" "$out.err"; then
		bad=1
		echo "# $edit: rc=$rc $(cat "$out.err")"
	fi
done
if [ $bad -eq 0 ]; then
	ok "bad latency_ns, loop_progress, offload_mode: one line, exit 2"
else
	not_ok "bad workload figures not refused cleanly"
fi
if [ -e "$ex/acquire.json" ] && [ -e "$ex/offload-inline.json" ]; then
	if "$LB" plot "$ex/cs0.json" "$ex/cs200ns.json" "$ex/acquire.json" \
		"$ex"/offload-*.json -o "$out.all" >"$out.log" 2>&1 &&
		drawn "$out.all" throughput-threads throughput-cs \
			fairness-threads latency cpu-threads share $wl_charts &&
		in_index "$out.all" $wl_charts; then
		ok "every chart kind from the committed examples"
	else
		not_ok "plot of all the committed examples: $(cat "$out.log")"
	fi
else
	not_ok "results/examples/acquire.json or offload-*.json is missing"
fi

# The index page in headless Chromium: a screenshot that is not blank.
CHROMIUM=""
for c in chromium chromium-browser google-chrome; do
	if command -v "$c" >/dev/null 2>&1; then
		CHROMIUM=$c
		break
	fi
done
if [ -z "$CHROMIUM" ]; then
	skip "chromium is not installed (scripts/setup.sh installs it)"
else
	profile=$(mktemp -d "$PWD/$out.profile.XXXXXX")
	page="file://$(cd "$out" && pwd)/index.html"
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$profile" --screenshot="$PWD/$out.shot.png" \
		--window-size=1200,900 "$page" >"$out.chromium.log" 2>&1
	if [ -s "$out.shot.png" ] &&
		python3 "$src/tests/pngcheck.py" "$out.shot.png" 64 >"$out.png.log"; then
		ok "index.html renders in headless Chromium: $(cat "$out.png.log")"
	else
		not_ok "Chromium screenshot blank or missing: $(cat "$out.png.log" 2>/dev/null) $(tail -3 "$out.chromium.log")"
	fi
	rm -rf "$profile"
fi
[ $failed -eq 0 ]
