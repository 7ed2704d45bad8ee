#!/bin/sh
# SPDX-License-Identifier: MIT
# setup.sh - install what is missing (Debian/Ubuntu, apt-get) and build.
# Idempotent: a second run installs nothing and rebuilds only what changed.
#   scripts/setup.sh [extra ./configure arguments]
set -eu
cd "$(dirname "$0")/.."

PACKAGES="gcc make autoconf automake autoconf-archive pkg-config git \
liburcu-dev libhwloc-dev hwloc libjansson-dev gnuplot-nox clang-format \
python3 python3-jsonschema chromium clang libclang-rt-14-dev"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "setup.sh: please install:$missing" >&2
		exit 1
	fi
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	echo "setup.sh: installing:$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing \
		>/dev/null
fi

if [ ! -x configure ] || [ configure.ac -nt configure ] ||
	[ Makefile.am -nt Makefile.in ]; then
	autoreconf -fi
fi
if [ ! -f Makefile ] || [ configure -nt config.status ] || [ $# -gt 0 ]; then
	./configure -q --enable-werror "$@"
fi
make -s -j"$(nproc)"
