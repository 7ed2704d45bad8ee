#!/bin/sh
# SPDX-License-Identifier: MIT
# t_style.sh - every C file matches the project's .clang-format (Linux
# kernel style).  Fails, naming the file, when one does not.
src=${top_srcdir:-.}
echo "1..1"
if ! command -v clang-format >/dev/null 2>&1; then
	echo "ok 1 # SKIP clang-format is not installed (scripts/setup.sh installs it)"
	exit 0
fi
bad=""
for f in $(cd "$src" && find runtime locks workloads harness tests fuzz \
	-name '*.[ch]' 2>/dev/null | sort); do
	if ! clang-format --dry-run --Werror --style=file \
		"$src/$f" >/dev/null 2>&1; then
		bad="$bad $f"
	fi
done
if [ -z "$bad" ]; then
	echo "ok 1 - all C files match .clang-format ($(clang-format --version))"
else
	echo "not ok 1 - files differ from .clang-format (run clang-format -i):$bad"
	exit 1
fi
