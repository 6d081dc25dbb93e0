#!/usr/bin/env bash
# What the engine's state costs in memory, measured as the peak RSS of `lmx run
# --exit-when-caught-up` (ring, state, id record and the snapshot it saves at exit) on the
# embedded file journal. See BENCHMARKS.md, section "Memory".
#
#   bench/memory_bench.sh                      # USERS="1000000 10000000" ITEMS=1000 IDS=2000000
#
# 1. Builds the release preset's lmx CLI, and prints the ring slot sizes (sizeof of an input
#    slot, an Event, and of an output slot, a Result) from a tiny program built against the
#    public headers.
# 2. For each user count U: a journal of U + ITEMS events that creates every user and item
#    (the workload's opening events), applied by `lmx run`; prints the peak RSS. The bytes
#    per user are the difference between two counts over the difference in users.
# 3. Command ids: at the first user count, IDS more events each with its own id after the
#    setup, against the same IDS events without ids; the difference over the ids the record
#    keeps (at most the horizon, 1,000,000) is the bytes per recorded id.
# Everything lives in one temporary directory under TMPDIR, removed on exit (~1 GB).
set -euo pipefail

read -r -a USER_COUNTS <<< "${USERS:-1000000 10000000}"
ITEMS=${ITEMS:-1000}
IDS=${IDS:-2000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

cmake --preset release -S "$ROOT" >/dev/null
cmake --build --preset release -j2 --target lmx_cli >/dev/null
LMX=$ROOT/build/release/apps/lmx/lmx
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lmx-memory-bench-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

cat > "$WORK/sizes.cpp" <<'CPP'
#include <cstdio>
#include "lmx/core/event.hpp"
#include "lmx/core/result.hpp"
int main() { std::printf("input slot (Event) %zu bytes, output slot (Result) %zu bytes\n",
                         sizeof(lmx::Event), sizeof(lmx::Result)); }
CPP
c++ -std=c++20 -I "$ROOT/include" "$WORK/sizes.cpp" -o "$WORK/sizes"
"$WORK/sizes"

peak_rss_kib() {  # peak_rss_kib DATA: runs the engine on DATA until caught up
  /usr/bin/time -f "%M" -o "$WORK/rss" "$LMX" run --log "file:$1" --exit-when-caught-up \
    --snapshot-interval 1h > "$WORK/run.out" 2>/dev/null
  cat "$WORK/rss"
}

declare -A rss
for users in "${USER_COUNTS[@]}"; do
  data=$WORK/users-$users
  "$LMX" produce --log "file:$data" --events $((users + ITEMS)) --users "$users" \
    --items "$ITEMS" --seed 1 --fsync none >/dev/null 2>&1
  rss[$users]=$(peak_rss_kib "$data")
  echo "users $users: peak RSS ${rss[$users]} KiB  ($(grep -o '([0-9]* users, [0-9]* items)' "$WORK/run.out"))"
  rm -rf "$data"
done
if [[ ${#USER_COUNTS[@]} -ge 2 ]]; then
  low=${USER_COUNTS[0]} high=${USER_COUNTS[-1]}
  echo "bytes per user: $(( (rss[$high] - rss[$low]) * 1024 / (high - low) ))" \
    "((RSS at $high - RSS at $low) / $((high - low)) users)"
fi

users=${USER_COUNTS[0]}
for variant in plain ids; do
  data=$WORK/$variant
  "$LMX" produce --log "file:$data" --events $((users + ITEMS)) --users "$users" \
    --items "$ITEMS" --seed 1 --fsync none >/dev/null 2>&1
  flags=()
  [[ $variant == ids ]] && flags=(--ids)
  "$LMX" produce --log "file:$data" --events "$IDS" --users "$users" --items "$ITEMS" \
    --seed 2 --fsync none "${flags[@]}" >/dev/null 2>&1
  rss[$variant]=$(peak_rss_kib "$data")
  echo "$IDS events $( [[ $variant == ids ]] && echo with || echo without ) ids: peak RSS ${rss[$variant]} KiB"
  rm -rf "$data"
done
kept=$(( IDS < 1000000 ? IDS : 1000000 ))
echo "bytes per recorded id: $(( (rss[ids] - rss[plain]) * 1024 / kept ))" \
  "((RSS with - without) / $kept ids kept)"
