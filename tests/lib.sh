# SPDX-License-Identifier: MIT
# tests/lib.sh - what the shell tests (tests/t_*.sh) share: TAP output
# (plan, ok, not_ok, skip), a scratch directory removed at exit, the
# bad-input check (exit 2, one line naming the value, nothing written),
# quiet runs of lockbench and small Python checks on result files.
# Sourced, never run:
#
#   . "${top_srcdir:-.}/tests/lib.sh"
#
# TAP is the Test Anything Protocol read by automake's tap-driver
# (https://testanything.org/tap-specification.html): a plan "1..N" first
# or last, one "ok N - ..." or "not ok N - ..." line per test point.
# Every line these functions print is one line, whatever the message
# quotes: a quoted table would otherwise put lines starting with "ok" into
# the TAP stream.  Longer output goes out as "# " comment lines (diag).

# the binary under test, absolute (tests may run it from elsewhere)
LB=${LOCKBENCH:-./lockbench}
case $LB in /*) ;; *) LB=$PWD/$LB ;; esac
# shellcheck disable=SC2034 # the tests use it
src=${top_srcdir:-.}
n=0        # test points so far
failed=0   # of which failed
planned="" # the plan, once printed

# oneline TEXT: TEXT with its line breaks as spaces.
oneline() {
	printf '%s' "$1" | tr '\n' ' '
}

# plan N: the plan, printed first.  A test whose count is only known at
# its end prints nothing here and lets finish print it.
plan() {
	planned=$1
	echo "1..$1"
}

ok() {
	n=$((n + 1))
	echo "ok $n - $(oneline "$1")"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $(oneline "$1")"
}

# skip REASON: a test point that cannot be made here, and why.
skip() {
	n=$((n + 1))
	echo "ok $n # SKIP $(oneline "$1")"
}

# skip_rest REASON: skip every planned test point not yet made, and end
# the test (status 0).
skip_rest() {
	while [ "$n" -lt "${planned:-0}" ]; do
		skip "$1"
	done
	exit 0
}

# check DESCRIPTION COMMAND...: ok if COMMAND succeeds.
check() {
	lb_desc=$1
	shift
	if "$@"; then ok "$lb_desc"; else not_ok "$lb_desc"; fi
}

# diag FILE: FILE's lines as TAP comments.
diag() {
	sed 's/^/# /' "$1"
}

# finish: the plan if none was printed; the test's status (0: all passed).
# The last command of every test.
finish() {
	[ -n "$planned" ] || echo "1..$n"
	[ "$failed" -eq 0 ]
}

# scratch NAME: the directory NAME-out.PID (empty) in $out, removed at
# exit with the files beside it ($out.*), after the commands at_exit gave.
scratch() {
	out=$1-out.$$
	rm -rf "$out"
	mkdir -p "$out"
	trap lb_cleanup EXIT
}
lb_at_exit=""
# at_exit COMMAND: run COMMAND (a shell command line) when the test ends.
at_exit() {
	lb_at_exit="$lb_at_exit$1;"
}
lb_cleanup() {
	eval "$lb_at_exit"
	rm -rf "$out" "$out".*
}

# bad WANT ARGS...: `lockbench ARGS` must reject its input: exit status 2,
# exactly one line on stderr that contains WANT (a fixed string, the bad
# value or the problem), nothing on stdout, and, if $nofile names a path,
# that path not there afterwards (a file there is removed first).  One test
# point; stderr is left in $out.stderr.
nofile=""
bad() {
	lb_want=$1
	shift
	[ -z "$nofile" ] || [ -d "$nofile" ] || rm -f -- "$nofile"
	"$LB" "$@" >"$out.stdout" 2>"$out.stderr"
	lb_rc=$?
	lb_lines=$(wc -l <"$out.stderr")
	lb_wrote=""
	[ -z "$nofile" ] || [ ! -e "$nofile" ] || lb_wrote=", wrote $nofile"
	if [ $lb_rc -eq 2 ] && [ "$lb_lines" -eq 1 ] && [ ! -s "$out.stdout" ] &&
		[ -z "$lb_wrote" ] && grep -qF -- "$lb_want" "$out.stderr"; then
		ok "rejects: $* -> $(cat "$out.stderr")"
	else
		not_ok "rejects: $* (rc=$lb_rc, $lb_lines stderr lines, $(wc -c <"$out.stdout") bytes on stdout$lb_wrote, want '$lb_want'): $(head -c 600 "$out.stderr")"
	fi
}

# quiet_run FILE ARGS...: `lockbench run ARGS -q -o FILE`, its stdout and
# stderr in $out.run.log; returns its exit status.
quiet_run() {
	lb_file=$1
	shift
	"$LB" run "$@" -q -o "$lb_file" >"$out.run.log" 2>&1
}

# field FILE EXPR [METHOD]: print the Python expression EXPR over the JSON
# document d of FILE; with METHOD, r is the first run of that method
# ("no-such-run" is printed when there is none).  Nothing if FILE is not
# JSON or EXPR fails.
field() {
	python3 - "$@" 2>/dev/null <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
if len(sys.argv) > 3:
    runs = [r for r in d["runs"] if r["config"]["method"] == sys.argv[3]]
    if not runs:
        print("no-such-run")
        sys.exit(0)
    r = runs[0]
print(eval(sys.argv[2]))
PY
}

# pycheck DESCRIPTION ARGS... <<'PY' ... PY: ok if the Python program on
# stdin, run with ARGS, exits 0 (an assert that fails is not_ok with the
# last lines of its output).
pycheck() {
	lb_desc=$1
	shift
	if python3 - "$@" >"$out.py.log" 2>&1; then
		ok "$lb_desc"
	else
		not_ok "$lb_desc: $(tail -3 "$out.py.log")"
	fi
}

# jsonschema_python: the Python that has the jsonschema module, in $PY;
# fails if there is none.
jsonschema_python() {
	for PY in python3 /usr/bin/python3; do
		"$PY" -c 'import jsonschema' 2>/dev/null && return 0
	done
	PY=""
	return 1
}

# gnuplot_path: the gnuplot configure found (config.h), or nothing.
gnuplot_path() {
	sed -n 's/^#define LB_GNUPLOT "\(.*\)"$/\1/p' \
		"${top_builddir:-.}/config.h"
}
