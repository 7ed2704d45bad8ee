#!/bin/sh
# SPDX-License-Identifier: MIT
# ab-trials.sh - how often does `lockbench ab` decide what it should?  Runs
# repeated A/B trials of one build against itself and against itself made
# slower with the test-only knob LOCKBENCH_TEST_SLOWDOWN, and tabulates
# the verdicts.
#
#   scripts/ab-trials.sh [-n TRIALS] [-l LOCKBENCH] [-d DIR] KIND...
#
# KIND:  aa     the build against itself (pthread, mcs-futex; 1 and 2 threads)
#        slow1  B has pthread and mcs-futex 10% slower, 1 thread
#        slow2  B has pthread and mcs-futex 20% slower, 2 threads
# Every trial keeps its JSON (DIR/KIND-N.json), its stderr, the load
# average before it and its duration; DIR/trials.tsv has one line per
# gated row, and the table at the end counts the verdicts per kind,
# configuration and metric.  Environment: LB_TRIAL_AB_OPTS (ab options,
# default "--max-runs 12"), LB_TRIAL_RUN (run options besides -m and -t,
# default "--cs 200ns --duration 100ms --warmup 20ms --reps 3").
set -u
n=10
lb=./lockbench
dir=ab-trials
while getopts n:l:d: opt; do
	case $opt in
	n) n=$OPTARG ;;
	l) lb=$OPTARG ;;
	d) dir=$OPTARG ;;
	*) echo "usage: scripts/ab-trials.sh [-n TRIALS] [-l LOCKBENCH] [-d DIR] KIND..." >&2
		exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || set -- aa slow1 slow2
abopts=${LB_TRIAL_AB_OPTS:-"--max-runs 12"}
run=${LB_TRIAL_RUN:-"--cs 200ns --duration 100ms --warmup 20ms --reps 3"}
mkdir -p "$dir" || exit 2
tsv=$dir/trials.tsv
[ -f "$tsv" ] || printf 'kind\ttrial\tload1\tseconds\texit\tpairs\tconfig\tmetric\tverdict\tchange\tlo\thi\tdetectable\tnote\n' >"$tsv"

# trial-major, kinds interleaved: the load drifts over every kind alike
t=1
while [ $t -le "$n" ]; do
	for kind in "$@"; do
		case $kind in
		aa) b=$lb threads=1,2 ;;
		slow1) b="env LOCKBENCH_TEST_SLOWDOWN=pthread:10,mcs-futex:10 $lb" threads=1 ;;
		slow2) b="env LOCKBENCH_TEST_SLOWDOWN=pthread:20,mcs-futex:20 $lb" threads=2 ;;
		*) echo "ab-trials.sh: unknown kind '$kind' (aa, slow1, slow2)" >&2
			exit 2 ;;
		esac
		out=$dir/$kind-$t
		load=$(cut -d' ' -f1 /proc/loadavg)
		start=$(date +%s)
		# shellcheck disable=SC2086
		"$lb" ab --a "$lb" --b "$b" --json $abopts -- -m pthread,mcs-futex \
			-t "$threads" $run >"$out.json" 2>"$out.err"
		rc=$?
		secs=$(($(date +%s) - start))
		python3 - "$out.json" "$kind" "$t" "$load" "$secs" "$rc" >>"$tsv" <<'EOF'
import json, sys
path, kind, t, load, secs, rc = sys.argv[1:]
try:
    d = json.load(open(path))
except ValueError:
    print("\t".join([kind, t, load, secs, rc, "", "(no JSON)", "", "", "", "", "", "", ""]))
    sys.exit(0)
def f(v):
    return "" if v is None else "%.4g" % v
for r in d["results"]:
    if not r["gated"]:
        continue
    print("\t".join([kind, t, load, secs, rc, str(r["n_base"]), r["config"],
                     r["metric"], r["verdict"], f(r["change"]), f(r["lo"]),
                     f(r["hi"]), f(r["detectable"]), r["note"]]))
EOF
		echo "ab-trials: $kind $t: exit $rc, ${secs}s, load $load" >&2
	done
	t=$((t + 1))
done

python3 - "$tsv" <<'EOF'
import collections, csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
trials = collections.defaultdict(dict)
count = collections.defaultdict(collections.Counter)
for r in rows:
    trials[r["kind"]][r["trial"]] = (r["exit"], r["seconds"], r["load1"], r["pairs"])
    count[(r["kind"], r["config"], r["metric"])][r["verdict"]] += 1
for kind, ts in trials.items():
    ex = collections.Counter(v[0] for v in ts.values())
    secs = [int(v[1]) for v in ts.values()]
    loads = [float(v[2]) for v in ts.values()]
    pairs = [int(v[3] or 0) for v in ts.values()]
    print("%s: %d trials, exit statuses %s, %d-%d s each (mean %.0f), pairs %d-%d, load1 before %.1f-%.1f"
          % (kind, len(ts), dict(sorted(ex.items())), min(secs), max(secs),
             sum(secs) / len(secs), min(pairs), max(pairs), min(loads), max(loads)))
    for (k, c, m), v in sorted(count.items()):
        if k == kind:
            print("    %-45s %-14s %s" % (c, m, ", ".join("%s %d" % x for x in sorted(v.items()))))
EOF
