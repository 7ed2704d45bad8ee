#!/bin/sh
# SPDX-License-Identifier: MIT
# t_plot.sh - `lockbench plot`: every chart kind as a non-empty PNG and SVG
# from the committed example result files (results/examples/) and from a
# synthetic file with latency percentiles; the index page; --data-only and
# the missing-gnuplot path; and the index page rendered by headless
# Chromium into a screenshot that must not be blank.
LB=${LOCKBENCH:-./lockbench}
src=${top_srcdir:-.}
out=plot-out.$$
trap 'rm -rf "$out" "$out".*' EXIT
n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
}

skip() {
	n=$((n + 1))
	echo "ok $n # SKIP $1"
}

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

echo "1..14"
ex="$src/results/examples"
if [ ! -x "$(sed -n 's/^#define LB_GNUPLOT "\(.*\)"$/\1/p' "${top_builddir:-.}/config.h")" ] ||
	! command -v python3 >/dev/null 2>&1; then
	for i in $(seq 1 14); do echo "ok $i # SKIP gnuplot or python3 is missing"; done
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
python3 "$src/tests/mkresult.py" "$out.lat.json" --latency
if "$LB" plot "$out.lat.json" -o "$out.lat" >"$out.log" 2>&1; then
	chart_ok "$out.lat" latency
else
	not_ok "plot of a file with latency percentiles: $(cat "$out.log")"
fi
if grep -q 'throughput-threads.png' "$out/index.html" &&
	grep -q 'share.svg' "$out/index.html" &&
	grep -q '<table class="figures">' "$out/index.html" &&
	grep -q 'Not drawn: <b>latency' "$out/index.html" &&
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
