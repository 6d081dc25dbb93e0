#!/usr/bin/env bash
# Aggregate engine throughput against the number of partitions, each partition its own
# stream ({p-N}:orders) and its own `lmx run`, on a loopback Redis Cluster of 3 masters and
# 3 replicas (scripts/redis_cluster.sh). See BENCHMARKS.md, section "Partitions".
#
#   bench/partition_bench.sh                    # EVENTS=200000 per partition, PARTITIONS="1 2 4 8"
#   EVENTS=50000 PARTITIONS="1 2" bench/partition_bench.sh
#   KEEP=1 bench/partition_bench.sh             # keep the engines' logs in the work directory
#
# For each partition count N: N streams are filled with EVENTS generated events each
# (native entries), then N engines start together with --exit-when-caught-up,
# and the aggregate is N x EVENTS over the longest engine's own time (reader, rings,
# business logic and results written back to Redis; recovery excluded). Ratios are to the
# 1-partition figure of the same run.
set -euo pipefail

EVENTS=${EVENTS:-200000}
PARTITIONS=${PARTITIONS:-"1 2 4 8"}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/build/release
LMX=$BIN/apps/lmx/lmx

cmake --preset release -S "$ROOT" >/dev/null
cmake --build --preset release -j2 --target lmx_cli >/dev/null

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lmx-partition-bench-XXXXXX")
# shellcheck source-path=SCRIPTDIR source=../scripts/redis_cluster.sh
source "$ROOT/scripts/redis_cluster.sh"
trap 'redis_cluster_stop; [[ -n ${KEEP:-} ]] || rm -rf "$WORK"' EXIT
# A node timeout long enough that a node starved of CPU by 8 engines on 2 cores is not
# failed over in the middle of a measurement (1 s was not).
redis_cluster_start --cluster-node-timeout 15000
URL="$LMX_CLUSTER_URL?stream=orders"

masters_of() {  # masters_of PARTITION...: how many masters serve these partitions
  for p in "$@"; do redis_cluster_owner_port "{$p}:orders"; done | sort -u | wc -l
}

echo "cluster: 3 masters + 3 replicas on loopback; $EVENTS events per partition;" \
  "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
printf '%-10s %-8s %-12s %-14s %-8s\n' partitions masters "engine s" "events/s" ratio
base=""
for n in $PARTITIONS; do
  parts=()
  for i in $(seq "$n"); do parts+=("n$n-$i"); done
  for p in "${parts[@]}"; do
    "$LMX" produce --log "$URL" --partition "$p" --events "$EVENTS" --seed "${p##*-}" \
      >/dev/null 2>&1 &
  done
  wait
  pids=()
  for p in "${parts[@]}"; do
    "$LMX" run --log "$URL" --partition "$p" --exit-when-caught-up --snapshot-interval 1h \
      >"$WORK/$p.out" 2>"$WORK/$p.log" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || { tail -n 3 "$WORK"/*.log >&2; exit 1; }; done
  # "applied 200000 events in 1.234 s (...)": the longest engine bounds the aggregate.
  seconds=$(for p in "${parts[@]}"; do sed -n 's/^applied [0-9]* events in \([0-9.]*\) s.*/\1/p' "$WORK/$p.out"; done |
    sort -g | tail -1)
  rate=$(awk -v n="$n" -v e="$EVENTS" -v s="$seconds" 'BEGIN { printf "%.0f", n * e / s }')
  base=${base:-$rate}
  printf '%-10s %-8s %-12s %-14s %-8s\n' "$n" "$(masters_of "${parts[@]}")" "$seconds" "$rate" \
    "$(awk -v r="$rate" -v b="$base" 'BEGIN { printf "%.2f", r / b }')"
done
