#!/usr/bin/env bash
# What command ids cost the engine, end to end on the embedded file journal: the same
# generated commands, once without ids and once each with its own id ("<seed>-<n>"), every
# one recorded, so that past the first id_horizon (1,000,000) of them each new id also
# forgets the oldest. See BENCHMARKS.md, section "Command ids".
#
#   bench/ids_bench.sh                        # EVENTS=5000000 USERS=100000 ITEMS=1000 RUNS=3
#   EVENTS=2000000 RUNS=1 bench/ids_bench.sh
#
# 1. Builds the release preset's lmx CLI.
# 2. Two journals from one seed: the setup events (every user and item; no ids), applied by
#    `lmx run` to a snapshot, then EVENTS more, without ids in one and with ids in the other.
# 3. Runs `lmx run --exit-when-caught-up` from that snapshot on each, alternating which goes
#    first, RUNS times; prints each rate and the ratio with ids / without, best of runs.
# Everything lives in one temporary directory under TMPDIR, removed on exit (~1 GB at 5M).
set -euo pipefail

EVENTS=${EVENTS:-5000000}
USERS=${USERS:-100000}
ITEMS=${ITEMS:-1000}
RUNS=${RUNS:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

cmake --preset release -S "$ROOT" >/dev/null
cmake --build --preset release -j2 --target lmx_cli >/dev/null
LMX=$ROOT/build/release/apps/lmx/lmx
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lmx-ids-bench-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

setup() {  # setup NAME [--ids]: the journal, its setup snapshot and results, saved aside
  local data=$WORK/$1
  "$LMX" produce --log "file:$data" --events $((USERS + ITEMS)) --users "$USERS" --items "$ITEMS" \
    --seed 1 --fsync none >/dev/null 2>&1
  "$LMX" run --log "file:$data" --exit-when-caught-up --snapshot-interval 1h >/dev/null 2>&1
  cp -r "$data/snapshots" "$WORK/$1-snapshots"
  cp -r "$data/results" "$WORK/$1-results"
  "$LMX" produce --log "file:$data" --events "$EVENTS" --users "$USERS" --items "$ITEMS" \
    --seed 2 --fsync none "${@:2}" >/dev/null 2>&1
}

run_engine() {  # run_engine NAME: the rate of one `lmx run` from the setup snapshot
  local data=$WORK/$1 line
  line=$("$LMX" run --log "file:$data" --exit-when-caught-up --snapshot-interval 1h 2>/dev/null |
    grep -m1 'events/s')
  rm -rf "$data/results" "$data/snapshots"
  cp -r "$WORK/$1-snapshots" "$data/snapshots"
  cp -r "$WORK/$1-results" "$data/results"
  sed -n 's/.*(\([0-9.]*\) events\/s.*/\1/p' <<<"$line"
}

echo "setup: $((USERS + ITEMS)) events creating $USERS users and $ITEMS items, then $EVENTS events"
setup plain
setup ids --ids
echo "journals: plain $(du -sh "$WORK/plain/journal" | cut -f1), ids $(du -sh "$WORK/ids/journal" | cut -f1)," \
  "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

best_plain=0 best_ids=0
for run in $(seq "$RUNS"); do
  if [[ $((run % 2)) -eq 1 ]]; then
    plain=$(run_engine plain)
    ids=$(run_engine ids)
  else
    ids=$(run_engine ids)
    plain=$(run_engine plain)
  fi
  echo "run $run: without ids $plain events/s, with ids $ids events/s"
  best_plain=$(awk -v a="$best_plain" -v b="$plain" 'BEGIN { print (b > a ? b : a) }')
  best_ids=$(awk -v a="$best_ids" -v b="$ids" 'BEGIN { print (b > a ? b : a) }')
done
"$LMX" digest --log "file:$WORK/ids" | sed -n 's/^users/final state: users/p'
awk -v p="$best_plain" -v i="$best_ids" 'BEGIN {
  printf "\nbest of runs (events/s)   without ids %.0f   with ids %.0f\n", p, i
  printf "with ids / without        %.2f\n", i / p }'
