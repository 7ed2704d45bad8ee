#!/bin/sh
# SPDX-License-Identifier: MIT
# ci-regress.sh - has a change made a lock slower?  For your own CI.
#
#   scripts/ci-regress.sh BASE_REV [CAND_REV]
#
# Builds BASE_REV and CAND_REV (default: the working tree as it is, with
# uncommitted changes) in temporary directories (git worktree for a
# revision, a copy of the tree otherwise), then runs `lockbench ab`: the
# two builds interleaved A B A B on this machine on a small preset, one
# sample per invocation, looking again after every quarter of the
# invocations until every configuration is decided or the budget is spent.
# Exit status: 0 no regression (every gated configuration equivalent or
# improved), 1 regression, 2 bad usage or a build failed, 3 a run failed,
# 4 undecided (no regression shown, but the data could not show
# equivalence within the budget: a quieter machine or a larger budget
# decides it; treat it as a failure or as a warning, not as a pass).
# Nothing in the repository is changed; the temporary directories are
# removed at the end.
#
# Environment: LB_AB_BUDGET (time for ab, default 3min), LB_AB_MAX_RUNS
# (invocations of each at most, default 24), LB_AB_RUNS (exactly this many
# invocations of each, one look, instead), LB_AB_ARGS (run options,
# default below), LB_AB_OPTS (extra ab options, such as "--threshold 10%
# --gate ops_per_sec"), KEEP=1 (keep the builds).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
usage() {
	echo "usage: scripts/ci-regress.sh BASE_REV [CAND_REV]" >&2
	exit 2
}
[ $# -ge 1 ] && [ $# -le 2 ] || usage
base_rev=$1
cand_rev=${2:-}
runs=${LB_AB_RUNS:-}
budget=${LB_AB_BUDGET:-3min}
max_runs=${LB_AB_MAX_RUNS:-24}
args=${LB_AB_ARGS:-"-m pthread,mcs-futex,ticket -t 1,2 --duration 100ms --warmup 20ms --reps 3"}
opts=${LB_AB_OPTS:-}

cd "$top" || exit 2
git rev-parse --verify -q "$base_rev^{commit}" >/dev/null ||
	{ echo "ci-regress.sh: unknown revision '$base_rev'" >&2; exit 2; }
if [ -n "$cand_rev" ]; then
	git rev-parse --verify -q "$cand_rev^{commit}" >/dev/null ||
		{ echo "ci-regress.sh: unknown revision '$cand_rev'" >&2; exit 2; }
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/lockbench-ci.XXXXXX") || exit 2
cleanup() {
	for d in base cand; do
		[ -d "$work/$d/.git" ] || [ -f "$work/$d/.git" ] &&
			git -C "$top" worktree remove --force "$work/$d" 2>/dev/null
	done
	[ "${KEEP:-0}" = 1 ] || rm -rf "$work"
	git -C "$top" worktree prune 2>/dev/null
}
trap cleanup EXIT INT TERM

# build DIR REV: check REV out into DIR (or copy the working tree) and build
build() {
	dir=$1
	rev=$2
	if [ -n "$rev" ]; then
		git worktree add -q --detach "$dir" "$rev" || return 1
	else
		mkdir -p "$dir" &&
			git ls-files -z --cached --others --exclude-standard |
			xargs -0 cp --parents -t "$dir" 2>/dev/null
		git rev-parse --short=12 HEAD >"$dir/.tarball-commit" 2>/dev/null
		sed -i 's/$/-dirty/' "$dir/.tarball-commit"
	fi
	(cd "$dir" && autoreconf -fi && ./configure -q &&
		make -s -j"$(nproc)") >"$dir.build.log" 2>&1
}

echo "ci-regress: building base $base_rev"
if ! build "$work/base" "$base_rev"; then
	echo "ci-regress.sh: the base build failed:" >&2
	tail -20 "$work/base.build.log" >&2
	exit 2
fi
echo "ci-regress: building candidate ${cand_rev:-(working tree)}"
if ! build "$work/cand" "$cand_rev"; then
	echo "ci-regress.sh: the candidate build failed:" >&2
	tail -20 "$work/cand.build.log" >&2
	exit 2
fi
if [ -n "$runs" ]; then
	seq="-n $runs"
	echo "ci-regress: A/B, $runs invocations each: $args"
else
	seq="--max-runs $max_runs --budget $budget"
	echo "ci-regress: A/B, up to $max_runs invocations each within $budget: $args"
fi
# shellcheck disable=SC2086
"$work/cand/lockbench" ab --a "$work/base/lockbench" \
	--b "$work/cand/lockbench" $seq $opts -- $args
