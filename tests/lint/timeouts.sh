#!/usr/bin/env bash
# Fails when a registered test has no TIMEOUT property: without one a hang stalls the whole
# run until CI's own limit, instead of failing that test.
#   tests/lint/timeouts.sh CTEST BUILD_DIR
set -euo pipefail
ctest=$1
build=$2
"$ctest" --test-dir "$build" --show-only=json-v1 | python3 -c '
import json, sys
tests = json.load(sys.stdin)["tests"]
missing = [t["name"] for t in tests
           if not any(p["name"] == "TIMEOUT" and float(p["value"]) > 0 for p in t.get("properties", []))]
for name in missing:
    print("no TIMEOUT:", name)
if missing:
    sys.exit(1)
print(f"timeouts: all {len(tests)} tests have one")
'
