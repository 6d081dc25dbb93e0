#!/usr/bin/env bash
# The main job on the embedded default (no server): builds lmx, generates a workload and
# applies it, printing the canonical export's size and the result summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)" --target lmx_cli
lmx=build/release/apps/lmx/lmx
mkdir -p data
$lmx generate --events 1000000 --users 10000 --items 1000 --seed 42 > data/sample.jsonl
echo "applying $(wc -l < data/sample.jsonl) events from data/sample.jsonl"
start=$(date +%s.%N)
$lmx apply --summary data/sample.jsonl > data/sample.export.jsonl
end=$(date +%s.%N)
echo "export: $(wc -l < data/sample.export.jsonl) entities in data/sample.export.jsonl"
awk -v s="$start" -v e="$end" 'BEGIN { printf "wall time: %.2f s (%.0f events/s, parse + apply)\n", e - s, 1000000 / (e - s) }'
