#!/bin/sh
# SPDX-License-Identifier: MIT
# t_example.sh - the out-of-tree example (examples/mylock) against the
# INSTALLED lockbench: `make install DESTDIR=tmp`, then the example's own
# Makefile finds <lockbench/lock.h> through the installed lockbench.pc
# only (a missing header or a broken .pc fails here), and the installed
# binary validates the lock and runs it briefly.
. "${top_srcdir:-.}/tests/lib.sh"
build=$(cd "${top_builddir:-.}" && pwd)
scratch example
d=$(cd "$out" && pwd)
plan 5

# Our own make, not the one running the suite (its jobserver).
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$build" install \
	DESTDIR="$d/root" >"$d/install.log" 2>&1
rc=$?
pc=$(find "$d/root" -name lockbench.pc | head -n 1)
hdr=$(find "$d/root" -path '*/include/lockbench/lock.h' | head -n 1)
bin=$(find "$d/root" -type f -name lockbench -perm -u+x | head -n 1)
if [ $rc = 0 ] && [ -n "$pc" ] && [ -n "$hdr" ] && [ -n "$bin" ]; then
	ok "make install DESTDIR: lockbench, lockbench.pc, lockbench/lock.h"
else
	not_ok "make install (rc $rc): pc '$pc' header '$hdr' binary '$bin': $(tail -n 5 "$d/install.log")"
fi

# pkg-config sees only the installed tree (sysroot: the DESTDIR).
PKG_CONFIG_PATH=$(dirname "$pc")
PKG_CONFIG_LIBDIR=$PKG_CONFIG_PATH
PKG_CONFIG_SYSROOT_DIR=$d/root
export PKG_CONFIG_PATH PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
flags=$(pkg-config --cflags lockbench | sed "s/ *$//")
if [ "$flags" = "-I$(dirname "$(dirname "$hdr")")" ]; then
	ok "pkg-config --cflags lockbench: $flags"
else
	not_ok "pkg-config --cflags lockbench: '$flags' (header at $hdr)"
fi

cp -R "$src/examples/mylock" "$d/mylock"
chmod -R u+w "$d/mylock"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$d/mylock" CFLAGS="-O2" \
	>"$d/build.log" 2>&1
rc=$?
if [ $rc = 0 ] && [ -f "$d/mylock/mylock.so" ]; then
	ok "the example builds out of tree with the installed header"
else
	not_ok "example build (rc $rc): $(cat "$d/build.log")"
fi

"$bin" validate --lock-lib "$d/mylock/mylock.so" --iters 5000 \
	>"$d/val" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q "^mylock: valid" "$d/val"; then
	ok "installed lockbench validates it: $(grep -c '^  ok' "$d/val") checks"
else
	not_ok "validate (rc $rc): $(cat "$d/val")"
fi

"$bin" run --lock-lib "$d/mylock/mylock.so" -m mylock,pthread -t 1,2 -r 1 \
	--duration 50ms --warmup 10ms -q -o "$d/r.json" >"$d/run" 2>&1
rc=$?
s=$(python3 -c 'import json,sys; print(" ".join(r["config"]["method"] + ":" + r["status"] for r in json.load(open(sys.argv[1]))["runs"]))' "$d/r.json" 2>&1)
if [ $rc = 0 ] && [ "$s" = "mylock:ok pthread:ok mylock:ok pthread:ok" ]; then
	ok "and runs it beside pthread at 1 and 2 threads"
else
	not_ok "run (rc $rc): $s $(cat "$d/run")"
fi
finish
