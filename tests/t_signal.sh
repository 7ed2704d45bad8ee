#!/bin/sh
# SPDX-License-Identifier: MIT
# t_signal.sh - SIGINT/SIGTERM during a run: exit 130/143, the result file
# parses and holds the finished repetitions, no temporary file is left; a
# second SIGINT exits at once, still with a whole file.
. "${top_srcdir:-.}/tests/lib.sh"
scratch signal
d=$out
plan 4

# start_run: a run long enough to be interrupted; its pid in $pid
start_run() {
	rm -f "$d/r.json"
	"$LB" run -m pthread,futex-mutex -t 1 --duration 100ms --warmup 0 \
		--reps 200 -q -o "$d/r.json" >"$d/out" 2>"$d/err" &
	pid=$!
	# wait until the first checkpoint exists (bounded: 10 s)
	i=0
	while [ ! -s "$d/r.json" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# interrupt SIGNAL WANT [twice]: send SIGNAL, expect exit WANT and a whole
# file
interrupt() {
	sig=$1
	want=$2
	start_run
	sleep 0.5
	kill -"$sig" $pid
	[ "$3" = twice ] && kill -"$sig" $pid
	wait $pid
	rc=$?
	reps=$(grep -c '"elapsed_ns"' "$d/r.json" 2>/dev/null)
	tmp=$(ls -a "$d" | grep -c '^\.lockbench-')
	if [ $rc -eq "$want" ] && [ "${reps:-0}" -ge 1 ] && [ "$tmp" -eq 0 ] &&
		tail -c 2 "$d/r.json" | grep -q '}'; then
		ok "SIG$sig${3:+ twice}: exit $rc, $reps finished repetitions kept, no temporary file"
	else
		not_ok "SIG$sig${3:+ twice}: exit $rc (want $want), reps ${reps:-none}, tmp $tmp: $(cat "$d/err")"
	fi
}

interrupt INT 130
interrupt TERM 143
interrupt INT 130 twice
start_run
sleep 0.3
kill -INT $pid
wait $pid
if grep -q "repetitions are in $d/r.json" "$d/err"; then
	ok "the message says where the finished repetitions are"
else
	not_ok "message: $(cat "$d/err")"
fi
finish
