#!/bin/sh
# SPDX-License-Identifier: MIT
# t_layers.sh - scripts/check-layers.sh itself, so that the layer check is
# seen to fail.  A tiny fake tree of three layers (engine above locks above
# runtime: harness/engine, locks, runtime), each built into its static
# library with cc and ar, must pass as it is, and fail, naming the file or
# the symbol, on each fault the check is there for: a back-include (written
# from the top or relative to the including file), headers including each
# other in a loop, two objects calling each other in a loop, and a call up
# with no include at all (a bare extern declaration).
. "${top_srcdir:-.}/tests/lib.sh"
scratch layers
CHECK=$src/scripts/check-layers.sh
case $CHECK in /*) ;; *) CHECK=$PWD/$CHECK ;; esac
CC=${CC:-cc}
LAYERS="engine locks runtime"
tree=$PWD/$out/src
build=$PWD/$out/build
plan 6
for tool in "$CC" ar nm tsort; do
	command -v "$tool" >/dev/null 2>&1 || skip_rest "$tool is not installed"
done

# put FILE LINE...: write FILE of the fake tree, one argument a line
put() {
	f=$tree/$1
	shift
	mkdir -p "$(dirname "$f")"
	printf '%s\n' "$@" >"$f"
}

# fresh: the clean tree, nothing built
fresh() {
	rm -rf "$tree" "$build"
	put runtime/rt.h "#ifndef RT_H" "#define RT_H" \
		"int rt_add(int a, int b);" "#endif"
	put runtime/rt.c '#include "runtime/rt.h"' \
		"int rt_add(int a, int b) { return a + b; }"
	put locks/lk.h "#ifndef LK_H" "#define LK_H" '#include "runtime/rt.h"' \
		"int lk_take(void);" "#endif"
	put locks/lk.c '#include "locks/lk.h"' \
		"int lk_take(void) { return rt_add(1, 2); }"
	put harness/engine/en.h "#ifndef EN_H" "#define EN_H" \
		'#include "locks/lk.h"' "int en_run(void);" "int en_idle(void);" \
		"#endif"
	put harness/engine/en.c '#include "harness/engine/en.h"' \
		"int en_run(void) { return lk_take() + en_idle(); }"
	put harness/engine/idle.c '#include "harness/engine/en.h"' \
		"int en_idle(void) { return 0; }"
}

# layers: build each layer's library in $build, run the check there; its
# exit status in rc, its messages in $out.log
layers() {
	rc=0
	for l in $LAYERS; do
		case $l in engine) d=harness/engine ;; *) d=$l ;; esac
		mkdir -p "$build/$l"
		for c in "$tree/$d"/*.c; do
			o=$build/$l/$(basename "$c" .c).o
			"$CC" -c -I"$tree" -o "$o" "$c" 2>>"$out.cc.log" || rc=99
		done
		rm -f "$build/lib$l.a"
		ar rc "$build/lib$l.a" "$build/$l"/*.o 2>>"$out.cc.log" || rc=99
	done
	if [ $rc -ne 0 ]; then
		echo "the fake tree does not build: $(cat "$out.cc.log")" >"$out.log"
		return
	fi
	(cd "$build" && sh "$CHECK" "$tree" "$LAYERS" "$CC" "") >"$out.log" 2>&1
	rc=$?
}

# fails DESCRIPTION TEXT...: the check failed (exit 1) and said each TEXT
fails() {
	desc=$1
	shift
	said=yes
	for t in "$@"; do
		grep -qF -- "$t" "$out.log" || said="no '$t'"
	done
	if [ $rc -eq 1 ] && [ "$said" = yes ]; then
		ok "$desc: $(grep -v FAILED "$out.log" | tr -s ' \n' ' ')"
	else
		not_ok "$desc: exit $rc, $said in: $(cat "$out.log")"
	fi
}

# 1. the clean tree passes, silently
fresh
layers
if [ $rc -eq 0 ] && [ ! -s "$out.log" ]; then
	ok "a clean tree of three layers passes"
else
	not_ok "clean tree: exit $rc: $(cat "$out.log")"
fi

# 2. a back-include: locks includes a header of engine
fresh
put locks/lk.c '#include "locks/lk.h"' '#include "harness/engine/en.h"' \
	"int lk_take(void) { return rt_add(1, 2); }"
layers
fails "a back-include is named with its file and line" \
	"locks/lk.c:2: includes harness/engine/en.h: layer locks may not use engine"

# 3. the same, written relative to the including file
fresh
put locks/lk.h "#ifndef LK_H" "#define LK_H" '#include "runtime/rt.h"' \
	'#include "../harness/engine/en.h"' "int lk_take(void);" "#endif"
layers
fails "a back-include by a relative path is named too" \
	"locks/lk.h:4: includes harness/engine/en.h: layer locks may not use engine"

# 4. two headers of one layer include each other
fresh
put runtime/a.h "#ifndef A_H" "#define A_H" '#include "runtime/b.h"' "#endif"
put runtime/b.h "#ifndef B_H" "#define B_H" '#include "runtime/a.h"' "#endif"
put runtime/rt.c '#include "runtime/rt.h"' '#include "runtime/a.h"' \
	"int rt_add(int a, int b) { return a + b; }"
layers
fails "headers including each other in a loop" \
	"headers include each other in a loop" "runtime/a.h" "runtime/b.h"

# 5. two objects of one layer call each other (no header loop, no call up)
fresh
put runtime/x.c "int y_fn(int n);" \
	"int x_fn(int n) { return n ? y_fn(n - 1) : 0; }"
put runtime/y.c "int x_fn(int n);" \
	"int y_fn(int n) { return n ? x_fn(n - 1) : 1; }"
layers
fails "two objects calling each other in a loop" \
	"objects call each other in a loop" "runtime/x.o" "runtime/y.o"

# 6. a call up with no include: a bare extern declaration in locks
fresh
put locks/up.c "extern int en_idle(void);" \
	"int lk_up(void) { return en_idle(); }"
layers
fails "a call up through a bare extern declaration" \
	"layer locks calls a layer above it" "en_idle"

finish
