#!/bin/sh
# SPDX-License-Identifier: MIT
# t_schema.sh - a real result file validates against results/schema.json
# (files with invalid repetitions and with hand-off floors are validated by
# t_validity.sh and t_floors.sh).
. "${top_srcdir:-.}/tests/lib.sh"
scratch schema
plan 1
jsonschema_python || skip_rest "python3-jsonschema is not installed"
if ! quiet_run "$out.json" -m pthread,ticket -t 1,2 --duration 20ms \
	--warmup 0 --reps 2; then
	not_ok "lockbench run failed: $(cat "$out.run.log")"
elif "$PY" - "$src/results/schema.json" "$out.json" >"$out.log" 2>&1 <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
jsonschema.validate(json.load(open(sys.argv[2])), schema)
PY
then
	ok "result file validates against results/schema.json"
else
	not_ok "schema validation: $(tail -5 "$out.log")"
fi
finish
