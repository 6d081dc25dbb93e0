#!/usr/bin/env bash
# The main job on the embedded default (a file journal in ./data, no server): builds lmx,
# appends a generated workload of 1M events, runs the engine until it has caught up,
# appends more, restarts the engine and shows that it resumed from its snapshot and
# replayed only the new tail. Finally checks the engine's state against `lmx apply`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)" --target lmx_cli
lmx=build/release/apps/lmx/lmx
data=./data
rm -rf "$data"
export LMX_LOG="file:$data"

step() { printf '\n== %s\n' "$*"; }

step "produce 1,000,000 events into $data/journal"
$lmx produce --events 1000000 --users 100000 --items 1000 --seed 42

step "run the engine until it has caught up (results in $data/results, snapshot in $data/snapshots)"
$lmx run --exit-when-caught-up

step "produce 100,000 more events"
$lmx produce --events 100000 --users 100000 --items 1000 --seed 43

step "restart: recover from the snapshot, replay only the new tail"
$lmx run --exit-when-caught-up

step "check: the engine's state equals lmx apply over the same events"
{ $lmx generate --events 1000000 --users 100000 --items 1000 --seed 42
  $lmx generate --events 100000 --users 100000 --items 1000 --seed 43; } > "$data/events.jsonl"
$lmx export > "$data/export.jsonl"
$lmx apply "$data/events.jsonl" | cmp - "$data/export.jsonl"
echo "identical: $(wc -l < "$data/export.jsonl") users and items"
$lmx query user 42
$lmx query item sku-1
