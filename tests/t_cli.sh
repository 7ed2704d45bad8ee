#!/bin/sh
# SPDX-License-Identifier: MIT
# t_cli.sh - the command line as a user meets it: help, list, topo, and a
# table of bad inputs, each of which must give one line naming the bad
# value, exit status 2, and write no result file.
. "${top_srcdir:-.}/tests/lib.sh"
scratch cli
nofile=$out.json

# rejects WANT CMD ARGS...: `lockbench CMD -o FILE ARGS` is bad input that
# names WANT, and FILE is not written.
rejects() {
	want=$1
	cmd=$2
	shift 2
	bad "$want" "$cmd" -o "$nofile" "$@"
}

# good DESCRIPTION EXPECTED-SUBSTRING ARGS...: exit 0, stdout contains it.
good() {
	desc=$1
	want=$2
	shift 2
	"$LB" "$@" >"$out.stdout" 2>"$out.stderr"
	rc=$?
	if [ $rc -eq 0 ] && grep -qF -- "$want" "$out.stdout"; then
		ok "$desc"
	else
		not_ok "$desc (rc=$rc): $(head -c 300 "$out.stderr")"
	fi
}

plan 37
good "--help lists the commands" "commands:" --help
good "help run shows the run options" "--duration DUR" help run
good "run --help" "--threads LIST" run --help
good "--version" "lockbench 0." --version
good "list shows mcs-futex" "mcs-futex" list
good "list shows flags" "fair,sleeps" list
good "list shows the counter workload" "counter" list
good "list shows pinning policies" "scatter" list
good "topo shows the machine" "PU" topo
good "topo plans threads" "placement of 4 threads" topo --threads 4
good "topo on a synthetic machine" "placement of 3 threads" topo \
	--synthetic "pack:2 numa:1 core:8 pu:2" --pin scatter --threads 3
rejects "unknown method 'mcs-futx'" run -m mcs-futx
rejects "did you mean 'mcs-futex'" run -m mcs-futx
rejects "between 1 and 1024" run -t 0
rejects "'5-2'" run -t 5-2
rejects "'-3ns'" run --cs -3ns
rejects "unknown unit 'parsec'" run --duration 1parsec
rejects "PU 99" run --pin 99 -t 1
rejects "needs a value" run --cs
rejects "did you mean '--duration'" run --duration=1s --dration 1s
rejects "'--bogus'" run --bogus
rejects "'-Z'" run -Z
rejects "'5x'" run --reps 5x
rejects "'0'" run --reps 0
rejects "listed twice" run -m pthread,pthread
rejects "empty item" run -m pthread,,ticket
rejects "unknown workload 'countr'" run -w countr
rejects "'scater'" run --pin scater
rejects "missing unit" run --think 100
rejects "between 1ms" run --duration 10us
rejects "unexpected argument 'extra'" run extra
rejects "unknown command 'rn'" rn
rejects "did you mean 'run'" rn
# an output path that cannot be written is refused before running
"$LB" run -m pthread -t 1 --duration 1ms --reps 1 -o "$out" \
	>/dev/null 2>"$out.stderr"
rc=$?
if [ $rc -eq 2 ] && grep -qF "is a directory" "$out.stderr"; then
	ok "output path that is a directory is refused"
else
	not_ok "output path that is a directory (rc=$rc): $(cat "$out.stderr")"
fi
"$LB" run -m pthread -t 1 --duration 1ms --reps 1 \
	-o "$out.nodir/r.json" >/dev/null 2>"$out.stderr"
rc=$?
if [ $rc -eq 2 ] && grep -qF "does not exist" "$out.stderr"; then
	ok "output in a missing directory is refused"
else
	not_ok "output in a missing directory (rc=$rc): $(cat "$out.stderr")"
fi
"$LB" >/dev/null 2>"$out.stderr"
rc=$?
if [ $rc -eq 2 ] && grep -qF "usage:" "$out.stderr"; then
	ok "no command: usage on stderr, exit 2"
else
	not_ok "no command (rc=$rc)"
fi
# the process's CPU affinity (taskset) limits the placement plan
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
	taskset -c 1 "$LB" topo --threads 2 >"$out.stdout" 2>&1
	if grep -qF "using PUs 1 only" "$out.stdout" &&
		[ "$(grep -cE '^ +[01] +1 ' "$out.stdout")" -eq 2 ]; then
		ok "taskset -c 1: both threads planned on PU 1"
	else
		not_ok "taskset -c 1: $(cat "$out.stdout")"
	fi
else
	skip "needs taskset and 2 CPUs"
fi
finish
