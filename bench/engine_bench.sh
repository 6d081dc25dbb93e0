#!/usr/bin/env bash
# End-to-end engine benchmark on the embedded file journal, with its baselines measured in
# the same run on the same journal. See BENCHMARKS.md, section "Engine".
#
#   bench/engine_bench.sh                      # EVENTS=10000000 USERS=1000000 ITEMS=10000 RUNS=3
#   EVENTS=1000000 RUNS=1 bench/engine_bench.sh
#   BASELINE_LMX=/path/to/other/lmx bench/engine_bench.sh   # also time another build's
#                                                            # `lmx run`, interleaved
#
# 1. Builds the release preset (the lmx CLI, engine_baselines, snapshot_bench).
# 2. Setup: a journal whose first USERS+ITEMS events create every user and item, applied by
#    `lmx run`, which leaves a snapshot holding them all. Then EVENTS more generated events.
# 3. Measures over those EVENTS events, each starting from that snapshot:
#      read     fetch + decode only (the reader thread alone, no ring)
#      apply    apply only, over batches decoded in memory (the business logic alone)
#      write    the result writer alone: results of batches applied untimed, written to the
#               results journal timed (results reset afterwards)
#      engine   `lmx run --exit-when-caught-up`: reader, rings, business logic, results
#               journal (synced before each snapshot; its time excludes recovery);
#               snapshots and results are reset per run.
#      recover  snapshot load + synchronous replay of the EVENTS events
# 4. The snapshot stall: copying USERS-scale state (1M users, 10k items) in snapshot_bench,
#    next to a memcpy of the same bytes.
# Everything lives in one temporary directory under TMPDIR, removed on exit (~1.3 GB at 10M).
set -euo pipefail

EVENTS=${EVENTS:-10000000}
USERS=${USERS:-1000000}
ITEMS=${ITEMS:-10000}
RUNS=${RUNS:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/build/release

cmake --preset release -S "$ROOT" >/dev/null
cmake --build --preset release -j2 --target lmx_cli engine_baselines snapshot_bench >/dev/null

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lmx-engine-bench-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
DATA=$WORK/data
LMX=$BIN/apps/lmx/lmx
BASELINES=$BIN/bench/engine_baselines

field() {  # field NAME LINE: the value of NAME=value in LINE
  sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"
}

echo "setup: $((USERS + ITEMS)) events creating $USERS users and $ITEMS items, then $EVENTS events"
"$LMX" produce --log "file:$DATA" --events $((USERS + ITEMS)) --users "$USERS" --items "$ITEMS" \
  --seed 1 --fsync none >/dev/null 2>&1
# The setup's snapshot and results are written by the baseline build when there is one: a
# newer lmx reads the formats an older one wrote, not the other way round.
"${BASELINE_LMX:-$LMX}" run --log "file:$DATA" --exit-when-caught-up --snapshot-interval 1h \
  >/dev/null 2>&1
cp -r "$DATA/snapshots" "$WORK/setup-snapshots"
cp -r "$DATA/results" "$WORK/setup-results"  # results up to the snapshot: only later ones are written
"$LMX" produce --log "file:$DATA" --events "$EVENTS" --users "$USERS" --items "$ITEMS" \
  --seed 2 --fsync none >/dev/null 2>&1
echo "journal: $(du -sh "$DATA/journal" | cut -f1), load average: $(cut -d' ' -f1-3 /proc/loadavg)"

reset_to_setup() {  # results and snapshots as the setup run left them
  rm -rf "$DATA/results" "$DATA/snapshots"
  cp -r "$WORK/setup-snapshots" "$DATA/snapshots"
  cp -r "$WORK/setup-results" "$DATA/results"
}

run_engine() {  # run_engine LMX: the `lmx run` summary line, then resets results and snapshots
  "$1" run --log "file:$DATA" --exit-when-caught-up --snapshot-interval 1h \
    2>/dev/null | grep -m1 'events/s'
  reset_to_setup
}

best_read=0 best_apply=0 best_write=0 best_engine=0 best_recover=999999 best_load=0
for run in $(seq "$RUNS"); do
  read_line=$("$BASELINES" read "$DATA")
  apply_line=$("$BASELINES" apply "$DATA")
  write_line=$("$BASELINES" write "$DATA")
  reset_to_setup
  recover_line=$("$BASELINES" recover "$DATA")
  # With a baseline build, the two alternate which goes first, so neither always gets the
  # warmer page cache.
  if [[ -n "${BASELINE_LMX:-}" && $((run % 2)) -eq 0 ]]; then baseline_line=$(run_engine "$BASELINE_LMX"); fi
  engine_line=$(run_engine "$LMX")
  if [[ -n "${BASELINE_LMX:-}" ]]; then
    if [[ $((run % 2)) -eq 1 ]]; then baseline_line=$(run_engine "$BASELINE_LMX"); fi
    baseline_rate=$(sed -n 's/.*(\([0-9.]*\) events\/s.*/\1/p' <<<"$baseline_line")
    best_baseline=$(awk -v a="${best_baseline:-0}" -v b="$baseline_rate" 'BEGIN { print (b > a ? b : a) }')
  fi

  read_rate=$(field events_per_sec "$read_line")
  apply_rate=$(field events_per_sec "$apply_line")
  write_rate=$(field events_per_sec "$write_line")
  engine_rate=$(sed -n 's/.*(\([0-9.]*\) events\/s.*/\1/p' <<<"$engine_line")
  recover_s=$(field total_seconds "$recover_line")
  echo "run $run: read=$read_rate apply=$apply_rate write=$write_rate engine=$engine_rate events/s;" \
    "recover=${recover_s}s (load $(field load_seconds "$recover_line")s," \
    "replay $(field replayed "$recover_line") in $(field replay_seconds "$recover_line")s)"
  echo "        lmx run: $engine_line"
  [[ -z "${BASELINE_LMX:-}" ]] || echo "        baseline lmx run: $baseline_line"
  best_read=$(awk -v a="$best_read" -v b="$read_rate" 'BEGIN { print (b > a ? b : a) }')
  best_apply=$(awk -v a="$best_apply" -v b="$apply_rate" 'BEGIN { print (b > a ? b : a) }')
  best_write=$(awk -v a="$best_write" -v b="$write_rate" 'BEGIN { print (b > a ? b : a) }')
  best_engine=$(awk -v a="$best_engine" -v b="$engine_rate" 'BEGIN { print (b > a ? b : a) }')
  if awk -v a="$best_recover" -v b="$recover_s" 'BEGIN { exit !(b < a) }'; then
    best_recover=$recover_s best_load=$(field load_seconds "$recover_line")
  fi
done

awk -v r="$best_read" -v a="$best_apply" -v w="$best_write" -v e="$best_engine" \
  -v s="$best_recover" -v l="$best_load" -v n="$(field events "$read_line")" \
  -v cpus="$(nproc)" 'BEGIN {
  serial = 1 / (1 / r + 1 / a)
  printf "\nbest of runs (events/s)   read %.0f   apply %.0f   write %.0f   engine %.0f\n", r, a, w, e
  printf "engine / read             %.2f\n", e / r
  printf "engine / apply            %.2f\n", e / a
  printf "engine / (read then apply on one thread, %.0f) %.2f\n", serial, e / serial
  printf "recovery (snapshot + replay), best: %.3f s (%.2fx read)\n", s, s / (n / r)
  # Ceilings from the stages measured alone, at their best: no pipeline of these stages
  # beats them, whatever its design.
  ns = 1e9 / r + 1e9 / a + 1e9 / w
  slowest = 1 / r; if (1 / a > slowest) slowest = 1 / a; if (1 / w > slowest) slowest = 1 / w
  printf "per event, stages alone: read %.1f + apply %.1f + write %.1f = %.1f ns of CPU\n",
         1e9 / r, 1e9 / a, 1e9 / w, ns
  # No stage runs faster than it does alone, however the work is split.
  shared = cpus * 1e9 / ns; if (shared > 1 / slowest) shared = 1 / slowest
  printf "ceiling on %d CPUs, the work split perfectly: %.0f events/s (%.2f of read)\n",
         cpus, shared, shared / r
  printf "ceiling with a core per stage (3 CPUs or more): %.0f events/s (%.2f of read)\n",
         1 / slowest, 1 / slowest / r
  # Reading needs only the position of the snapshot; applying needs the state loaded.
  least = l + n / a; if (n / r > least) least = n / r
  printf "recovery floor, reading beside loading and applying on two CPUs: max(read %.3f s, load %.3f s + apply %.3f s) = %.3f s (%.2fx read)\n",
         n / r, l, n / a, least, least / (n / r)
}'
if [[ -n "${BASELINE_LMX:-}" ]]; then
  awk -v e="$best_engine" -v b="$best_baseline" 'BEGIN {
    printf "baseline lmx run %.0f events/s; engine / baseline %.2f\n", b, e / b }'
fi


echo
echo "snapshot stall (1M users + 10k items; ms per copy, median of 5):"
"$BIN/bench/snapshot_bench" --benchmark_filter='copy' --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true --benchmark_format=csv 2>/dev/null |
  awk -F, '/_median"/ { gsub(/"/, "", $1); sub(/\/real_time_median/, "", $1); t[$1] = $3; print "  " $1, $3 }
    END { b = t["BM_baseline_copy_entities"]
          if (b > 0) printf "  copy_state fresh / memcpy %.2f, reused / memcpy %.2f\n",
                            t["BM_copy_state_fresh"] / b, t["BM_copy_state_reused"] / b }'
