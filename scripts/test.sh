#!/bin/sh
# SPDX-License-Identifier: MIT
# test.sh - the whole test suite, as CI runs it (.ci/run calls only this):
#   1. install what is missing and build (scripts/setup.sh), warnings fatal;
#   2. make check: the TAP tests (locks, placement, options, statistics,
#      command line, end to end, coding style);
#   3. make check-tsan: the lock tests again under ThreadSanitizer;
#   4. make check-asan: the whole suite again under AddressSanitizer and
#      UndefinedBehaviorSanitizer, built from the tarball;
#   5. make fuzz: the libFuzzer targets (fuzz/), FUZZ_SECONDS each
#      (default here 60: two targets, two minutes);
#   6. make distcheck: the tarball builds and passes from a clean tree.
# The last line is the totals: "N passed, N failed".
set -u
cd "$(dirname "$0")/.."

passed=0
failed=0
log=test-logs
rm -rf "$log"
mkdir -p "$log"

# step NAME COMMAND...: run one step, keep its log, never stop early.
step() {
	name=$1
	shift
	printf '%s: ' "$name"
	t0=$(date +%s)
	if "$@" >"$log/$name.log" 2>&1; then
		echo "ok ($(($(date +%s) - t0)) s)"
		return 0
	fi
	echo "FAILED after $(($(date +%s) - t0)) s (last lines of $log/$name.log follow)"
	tail -n 30 "$log/$name.log" | sed 's/^/    /'
	return 1
}

# count_tap FILE: add a TAP log's ok / not ok lines to the totals.
count_tap() {
	p=$(grep -c '^ok ' "$1")
	f=$(grep -c '^not ok ' "$1")
	passed=$((passed + p))
	failed=$((failed + f))
}

# count_automake PREFIX LOG...: add automake's per-test results (every TAP
# line is a PASS/FAIL/SKIP line there) to the totals; show the failures.
count_automake() {
	prefix=$1
	shift
	for f in "$@"; do
		[ -f "$f" ] || continue
		p=$(grep -c '^PASS: ' "$f")
		s=$(grep -c '^SKIP: ' "$f")
		x=$(grep -c -E '^(FAIL|ERROR|XPASS): ' "$f")
		passed=$((passed + p + s))
		failed=$((failed + x))
		grep -E '^(FAIL|ERROR|XPASS): ' "$f" | sed "s/^/    $prefix/"
	done
}

if ! step setup scripts/setup.sh; then
	echo "0 passed, 1 failed"
	exit 1
fi

if step check make -j"$(nproc)" check; then :; else failed=$((failed + 1)); fi
# Every TAP line of every test, from automake's per-test logs.
count_automake "" tests/*.log

if step tsan make check-tsan; then :; else failed=$((failed + 1)); fi
for f in tsan/*.log; do
	[ -f "$f" ] && count_tap "$f"
done

if step asan make check-asan; then :; else failed=$((failed + 1)); fi
count_automake "asan: " asan/lockbench-*/tests/*.log

if step fuzz make fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-60}"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi
grep -h '^    fuzz_' "$log/fuzz.log" 2>/dev/null

# The tarball's own make check: the timing claim of t_ab.sh was just made
# by the in-tree run above, so it is skipped here (LB_SANITIZED) to save
# CI time.
if step distcheck env LB_SANITIZED=1 make distcheck; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
