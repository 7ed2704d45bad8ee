#!/bin/sh
# SPDX-License-Identifier: MIT
# check-layers.sh - the layers of lockbench, enforced.  Run by every build
# (Makefile.am: all-local) after the layer libraries are made:
#
#   scripts/check-layers.sh SRCDIR "LAYERS" "CC LDFLAGS" "EXTERNAL LIBS"
#
# LAYERS lists the layers from the top down (cli ... runtime); layer NAME
# is the folder harness/NAME, or NAME at the top of the tree, and the
# library libNAME.a in the current (build) directory.  A layer may use the
# layers listed after it, never one before it.  Four checks, each fatal:
#
#  1. includes: a file of a layer includes no header of a layer above it;
#  2. include loops: no headers include each other in a loop;
#  3. call loops: no two objects call each other in a loop (nm: an object
#     that uses a symbol another defines depends on it);
#  4. calls up: each layer's library, linked whole (--whole-archive) with
#     only the layers below it, has no undefined symbol: a call that runs
#     back up fails here even when no header says so.
#
# Messages name the file and the include or symbol.  Exit 0 or 1.
set -u
srcdir=$1
layers=$2
cc=$3
extlibs=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

dir_of_layer() {
	case $1 in
	runtime | locks | workloads) echo "$1" ;;
	*) echo "harness/$1" ;;
	esac
}

# rank LAYER: its position from the top (1 = cli).
i=0
for l in $layers; do
	i=$((i + 1))
	echo "$(dir_of_layer "$l") $i $l"
done >"$tmp/ranks"

# ------------------------------------------------------------ 1. includes
(cd "$srcdir" && for d in $(awk '{print $1}' "$tmp/ranks"); do
	ls "$d"/*.c "$d"/*.h 2>/dev/null
done) >"$tmp/files"
# "FILE LINE HEADER", HEADER named from the top of the tree: as the
# compiler does, a header beside the including file wins over one named
# from the top (-I$(top_srcdir)), so "../harness/x.h" cannot hide an
# include that runs up.
while read -r f; do
	grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$srcdir/$f" |
		sed 's/^\([0-9]*\):[^"]*"\([^"]*\)".*/\1 \2/' |
		while read -r line hdr; do
			d=$(dirname "$f")
			if [ "$d" != . ] && [ -e "$srcdir/$d/$hdr" ]; then
				hdr=$(realpath -m --relative-to="$srcdir" \
					"$srcdir/$d/$hdr")
			fi
			echo "$f $line $hdr"
		done
done <"$tmp/files" >"$tmp/includes"
awk -v ranks="$tmp/ranks" '
	BEGIN { while ((getline l < ranks) > 0) { split(l, a, " ");
		rank[a[1]] = a[2]; name[a[1]] = a[3] } }
	function layer(path,   d) {
		d = path; sub(/\/[^\/]*$/, "", d);
		return (d in rank) ? d : "" }
	{
		from = layer($1); to = layer($3)
		if (from == "" || to == "") next
		if (rank[to] < rank[from])
			printf("%s:%s: includes %s: layer %s may not use %s, " \
			       "which is above it\n", $1, $2, $3, name[from],
			       name[to])
	}' "$tmp/includes" >"$tmp/up"
if [ -s "$tmp/up" ]; then
	sed 's/^/check-layers: /' "$tmp/up" >&2
	fail=1
fi

# --------------------------------------------------------- 2. include loops
awk '{ print $1, $3 }' "$tmp/includes" | grep -v ' config.h$' |
	grep -v ' harness/gitversion.h$' >"$tmp/incpairs"
if ! tsort "$tmp/incpairs" >/dev/null 2>"$tmp/incloop"; then
	echo "check-layers: headers include each other in a loop:" >&2
	grep -v 'input contains a loop' "$tmp/incloop" |
		sed 's/^tsort: /    /' >&2
	fail=1
fi

# ------------------------------------------------------------ 3. call loops
# nm's POSIX format, "libL.a[OBJ]: SYMBOL TYPE [VALUE SIZE]", made
# "L/OBJ SYMBOL TYPE" (the default format glues the address to the object's
# name, which would make every definer a node of its own: no loop found).
for l in $layers; do
	[ -f "lib$l.a" ] || { echo "check-layers: lib$l.a missing" >&2; exit 1; }
	nm -A -P "lib$l.a" 2>/dev/null |
		sed -n "s|^lib$l\.a\[\(.*\)\]: \([^ ]*\) \([A-Za-z]\).*|$l/\1 \2 \3|p"
done >"$tmp/nm"
awk '
	$3 ~ /^[TDBRVWGS]$/ { def[$2] = $1 }
	$3 == "U" { use[++n] = $1 " " $2 }
	END { for (i = 1; i <= n; i++) { split(use[i], a, " ");
		if ((a[2] in def) && def[a[2]] != a[1])
			print a[1], def[a[2]] } }' "$tmp/nm" | sort -u >"$tmp/callpairs"
if ! tsort "$tmp/callpairs" >/dev/null 2>"$tmp/callloop"; then
	echo "check-layers: objects call each other in a loop:" >&2
	grep -v 'input contains a loop' "$tmp/callloop" |
		sed 's/^tsort: /    /' >&2
	fail=1
fi

# -------------------------------------------------------------- 4. calls up
echo 'int main(void) { return 0; }' >"$tmp/stub.c"
below=""
rev=""
for l in $layers; do
	rev="$l $rev"
done
for l in $rev; do
	# shellcheck disable=SC2086
	if ! $cc -o "$tmp/link-$l" "$tmp/stub.c" -Wl,--whole-archive "lib$l.a" \
		-Wl,--no-whole-archive $below $extlibs 2>"$tmp/link-$l.log"; then
		echo "check-layers: layer $l calls a layer above it:" >&2
		grep -E 'undefined reference|multiple definition' \
			"$tmp/link-$l.log" | sed 's/^/    /' | head -n 20 >&2
		fail=1
	fi
	below="lib$l.a $below"
done

[ "$fail" -eq 0 ] || echo "check-layers: FAILED (layers, top down: $layers)" >&2
exit "$fail"
