#!/bin/sh
# SPDX-License-Identifier: MIT
# t_style.sh - every C file matches the project's .clang-format (Linux
# kernel style).  Fails, naming the file, when one does not.
. "${top_srcdir:-.}/tests/lib.sh"
plan 1
command -v clang-format >/dev/null 2>&1 ||
	skip_rest "clang-format is not installed (scripts/setup.sh installs it)"
differ=""
for f in $(cd "$src" && find runtime locks workloads harness tests fuzz \
	-name '*.[ch]' 2>/dev/null | sort); do
	if ! clang-format --dry-run --Werror --style=file \
		"$src/$f" >/dev/null 2>&1; then
		differ="$differ $f"
	fi
done
if [ -z "$differ" ]; then
	ok "all C files match .clang-format ($(clang-format --version))"
else
	not_ok "files differ from .clang-format (run clang-format -i):$differ"
fi
finish
