#!/usr/bin/env bash
# `lmx apply` over 10M generated JSON-line events (parse + business logic, one thread),
# next to `wc -l` over the same file in the same run (the cost of just reading the bytes),
# then the business logic alone (domain_bench: apply vs touching the same decoded events).
#   bench/apply_bench.sh            # EVENTS=10000000
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${EVENTS:-10000000}
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)" --target lmx_cli domain_bench >/dev/null
lmx=build/release/apps/lmx/lmx
work=$(mktemp -d "${TMPDIR:-/tmp}/lmx-apply-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$lmx" generate --events "$EVENTS" --users 100000 --items 1000 --seed 42 > "$work/events.jsonl"
echo "input: $EVENTS events, $(du -h "$work/events.jsonl" | cut -f1), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
seconds() { local s e; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN { print e - s }'; }
wc_s=$(seconds wc -l "$work/events.jsonl")
apply_s=$(seconds "$lmx" apply "$work/events.jsonl")
awk -v n="$EVENTS" -v w="$wc_s" -v a="$apply_s" 'BEGIN {
  printf "wc -l:     %.2f s (%.0f lines/s)\n", w, n / w
  printf "lmx apply: %.2f s (%.0f events/s), %.1fx the time of wc -l\n", a, n / a, a / w }'
build/release/bench/domain_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>/dev/null |
  grep -E "median|Benchmark"
