#!/usr/bin/env bash
# How long a hot standby takes to take over from a dead primary on Redis (docs/SCALING.md),
# under a steady producer. See BENCHMARKS.md, section "Standby takeover".
#
#   bench/takeover_bench.sh            # TAKEOVERS=20 TTLS="500 2000" (lease ms); ~3 min here
#   TAKEOVERS=5 TTLS=500 bench/takeover_bench.sh                          # a quick look
#
# Two engines on one stream of a private redis-server (scripts/redis_private.sh), a producer
# appending 100 events every 20 ms. Each round kills the primary with -9 and measures:
#   lease    from the kill until the stream's epoch moved on (the standby took the lease);
#   results  from the kill until the results stream grew under the new epoch (commands are
#            answered again);
# then restarts the killed engine as a standby and lets it catch up before the next round.
# The baseline of the same run is the lease's time to live, which a takeover must wait
# out: each figure is also printed as a ratio to it. Polling is with redis-cli every 5 ms,
# so figures are within ~10 ms. Builds the release preset (ccache when present). Not run
# by CI; at the end every result position is checked to be written exactly once.
set -euo pipefail
cd "$(dirname "$0")/.."
takeovers=${TAKEOVERS:-20}
ttls=${TTLS:-"500 2000"}
command -v ccache >/dev/null && export CMAKE_CXX_COMPILER_LAUNCHER=ccache
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)" --target lmx_cli >/dev/null
lmx=$PWD/build/release/apps/lmx/lmx
# shellcheck source=../scripts/redis_private.sh
source scripts/redis_private.sh
redis_private_start
tmp=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  redis_private_stop
  rm -rf "$tmp"
}
trap cleanup EXIT
port=$LMX_REDIS_PORT
cli() { redis-cli -p "$port" "$@"; }
now_ms() { date +%s%3N; }

echo "lmx takeover bench: $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %-6s %-24s %-24s %s\n' "ttl ms" "rounds" "lease p50 / max ms" "results p50 / max ms" "p50 / ttl"
for ttl in $ttls; do
  stream="bench-$ttl"
  url="redis://127.0.0.1:$port?stream=$stream"
  start() {  # start NAME [--standby]; pid in $started
    local name=$1; shift
    "$lmx" run --log "$url" --lease-ttl "${ttl}ms" --status-interval 1h "$@" 2> "$tmp/$name.log" > /dev/null &
    started=$!; pids+=("$started")
  }
  "$lmx" generate --events 100 --users 500 --items 50 --seed 3 > "$tmp/chunk.jsonl"
  ( while :; do "$lmx" produce --log "$url" --input "$tmp/chunk.jsonl" 2>/dev/null; sleep 0.02; done ) &
  producer=$!; pids+=("$producer")
  start e0; primary=$started
  for _ in $(seq 200); do [[ $(cli GET "$stream:epoch") == 1 ]] && break; sleep 0.02; done
  start e1 --standby; standby=$started
  sleep 1.5
  : > "$tmp/lease.ms"; : > "$tmp/results.ms"
  for round in $(seq "$takeovers"); do
    epoch=$(cli GET "$stream:epoch")
    before=$(cli XLEN "$stream:results")
    kill -9 "$primary"; killed=$(now_ms); wait "$primary" 2>/dev/null || true
    leased=""
    while :; do
      now=$(now_ms)
      if [[ -z $leased && $(cli GET "$stream:epoch") != "$epoch" ]]; then
        leased=$now; before=$(cli XLEN "$stream:results")
      fi
      if [[ -n $leased && $(cli XLEN "$stream:results") -gt $before ]]; then break; fi
      (( now - killed > 30000 )) && { echo "round $round: no takeover within 30 s" >&2; exit 1; }
      sleep 0.005
    done
    echo "$((leased - killed))" >> "$tmp/lease.ms"
    echo "$((now - killed))" >> "$tmp/results.ms"
    start "e$((round + 1))" --standby
    primary=$standby; standby=$started
    sleep 1.5  # the restarted standby recovers and catches up
  done
  kill "$producer"; wait "$producer" 2>/dev/null || true
  sleep 0.5
  p50() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
  max() { sort -n "$1" | tail -1; }
  lease50=$(p50 "$tmp/lease.ms"); results50=$(p50 "$tmp/results.ms")
  printf '%-8s %-6s %-24s %-24s %.2f\n' "$ttl" "$takeovers" "$lease50 / $(max "$tmp/lease.ms")" \
    "$results50 / $(max "$tmp/results.ms")" "$(echo "$results50 / $ttl" | bc -l)"
  # Exactly one result per position, across every takeover.
  for _ in $(seq 100); do
    [[ $(cli XLEN "$stream:results") -ge $(cli XLEN "$stream") ]] && break; sleep 0.1
  done
  entries=$(cli XLEN "$stream")
  distinct=$(cli XRANGE "$stream:results" - + | awk 'prev == "pos" { print } { prev = $0 }' | sort -u | wc -l)
  results=$(cli XLEN "$stream:results")
  [[ $results -eq $entries && $distinct -eq $entries ]] ||
    { echo "ttl $ttl: $entries entries, $results results, $distinct distinct positions" >&2; exit 1; }
  for pid in "$primary" "$standby"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
done
