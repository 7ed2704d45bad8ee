#!/bin/sh
# SPDX-License-Identifier: MIT
# t_signal.sh - SIGINT/SIGTERM during a run: exit 130/143, the result file
# parses and holds the finished repetitions, no temporary file is left; a
# second SIGINT exits at once, still with a whole file.
LB=${LOCKBENCH:-./lockbench}
d=signal-out.$$
rm -rf "$d"
mkdir "$d"
trap 'rm -rf "$d"' EXIT
echo "1..4"

# start_run: a run long enough to be interrupted; its pid in $pid
start_run() {
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

# check N SIGNAL WANT: send SIGNAL, expect exit WANT and a whole file
check() {
	n=$1
	sig=$2
	want=$3
	rm -f "$d/r.json"
	start_run
	sleep 0.5
	kill -"$sig" $pid
	[ "$4" = twice ] && kill -"$sig" $pid
	wait $pid
	rc=$?
	reps=$(grep -c '"elapsed_ns"' "$d/r.json" 2>/dev/null)
	tmp=$(ls -a "$d" | grep -c '^\.lockbench-')
	if [ $rc -eq "$want" ] && [ "${reps:-0}" -ge 1 ] && [ "$tmp" -eq 0 ] &&
		tail -c 2 "$d/r.json" | grep -q '}'; then
		echo "ok $n - SIG$sig${4:+ twice}: exit $rc, $reps finished repetitions kept, no temporary file"
	else
		echo "not ok $n - SIG$sig${4:+ twice}: exit $rc (want $want), reps ${reps:-none}, tmp $tmp: $(cat "$d/err")"
	fi
}

check 1 INT 130
check 2 TERM 143
check 3 INT 130 twice
rm -f "$d/r.json"
start_run
sleep 0.3
kill -INT $pid
wait $pid
if grep -q "repetitions are in $d/r.json" "$d/err"; then
	echo "ok 4 - the message says where the finished repetitions are"
else
	echo "not ok 4 - message: $(cat "$d/err")"
fi
