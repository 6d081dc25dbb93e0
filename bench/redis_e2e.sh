#!/usr/bin/env bash
# Redis end to end, the way a user runs it: `lmx run --exit-when-caught-up` over a backlog
# of EVENTS entries, every result written to <stream>:results, against the plainest
# catch-up a client can do over the same stream in the same run (a synchronous hiredis
# XREAD COUNT 4096 loop that only walks the replies: `redis_bench --plain-read`). For each
# entry format (native, seed, json) and each results layout (per-result, packed).
#
#   bench/redis_e2e.sh          # EVENTS=500000 USERS=100000 ITEMS=1000 ROUNDS=3
#   READER=thread bench/redis_e2e.sh   # lmx run --reader (default auto)
#
# Both sides are whole processes timed from start to exit (connecting; for lmx also its
# recovery on an empty state and the snapshot it saves on exit). Rounds alternate the
# plain loop and lmx, so a burst of load elsewhere hits both alike; the ratio is
# plain seconds / lmx seconds (lmx's rate as a fraction of the plain loop's), per round,
# with the best of each side at the end. A private redis-server (scripts/redis_private.sh)
# on loopback, no persistence: its CPU shares the machine with lmx and the plain loop.
set -euo pipefail

EVENTS=${EVENTS:-500000}
USERS=${USERS:-100000}
ITEMS=${ITEMS:-1000}
ROUNDS=${ROUNDS:-3}
READER=${READER:-auto}
# shellcheck source-path=SCRIPTDIR source=redis_common.sh
source "$(dirname "$0")/redis_common.sh"

# run COMMAND...: "wall cpu server" seconds: the command's wall time, its own CPU (user +
# system), and the CPU redis-server spent meanwhile (its output dropped).
server_cpu() { awk '{ print ($14 + $15) / 100 }' "/proc/$(cat "$LMX_REDIS_DIR/redis.pid")/stat"; }
run() {
  local before times
  before=$(server_cpu)
  times=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1)
  awk -v t="$times" -v b="$before" -v a="$(server_cpu)" \
    'BEGIN { split(t, x, " "); print x[1], x[2] + x[3], a - b }'
}
calc() { awk "BEGIN { print $1 }"; }  # calc EXPRESSION: its value
smaller() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b ? a : b) }'; }

# answered LAYOUT STREAM: how many results <STREAM>:results holds (a packed entry's count).
answered() {
  if [[ $1 == per-result ]]; then rcli XLEN "$2:results"; return; fi
  rcli XRANGE "$2:results" - + | awk 'prev == "count" { n += $0 } { prev = $0 } END { print n }'
}

echo "# $(date -u +%FT%TZ), $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)," \
  "commit $(git -C "$ROOT" rev-parse --short HEAD), redis $(redis-server --version | cut -d' ' -f3)," \
  "lmx run --reader $READER"
echo "# $EVENTS entries, $USERS users, $ITEMS items. Per pass: wall s / client CPU s / server" \
  "CPU s; ratio = plain wall / lmx wall"
for format in native seed json; do
  stream=e2e-$format
  "$LMX" produce --log "$server?stream=$stream" --format "$format" --events "$EVENTS" \
    --users "$USERS" --items "$ITEMS" --seed 3 >/dev/null 2>&1
  [[ $(rcli XLEN "$stream") -eq $EVENTS ]] || { echo "produce wrote $(rcli XLEN "$stream")" >&2; exit 1; }
  declare -A wall=([plain]=999999 [per-result]=999999 [packed]=999999)
  declare -A cpu=([plain]=999999 [per-result]=999999 [packed]=999999)
  for round in $(seq "$ROUNDS"); do
    read -r w c sv <<<"$(run "$BIN/bench/redis_bench" --url "$server" --plain-read "$stream")"
    plain_wall=$w
    wall[plain]=$(smaller "$w" "${wall[plain]}")
    cpu[plain]=$(smaller "$(calc "$c + $sv")" "${cpu[plain]}")
    line=$(printf '%s round %s: plain %.3f/%.3f/%.3f' "$format" "$round" "$w" "$c" "$sv")
    for layout in per-result packed; do
      rcli --scan --pattern "$stream:*" | xargs -r redis-cli -p "$LMX_REDIS_PORT" DEL >/dev/null
      read -r w c sv <<<"$(run "$LMX" run --log "$server?stream=$stream" --exit-when-caught-up \
        --snapshot-interval 1h --results-layout "$layout" --reader "$READER")"
      n=$(answered "$layout" "$stream")
      [[ $n -eq $EVENTS ]] || { echo "$layout: $n results for $EVENTS" >&2; exit 1; }
      wall[$layout]=$(smaller "$w" "${wall[$layout]}")
      cpu[$layout]=$(smaller "$(calc "$c + $sv")" "${cpu[$layout]}")
      bytes=$(rcli MEMORY USAGE "$stream:results" SAMPLES 0)
      line+=$(printf ' | %s %.3f/%.3f/%.3f ratio %.2f (%s entries, %.0f bytes/result)' "$layout" \
        "$w" "$c" "$sv" "$(calc "$plain_wall / $w")" "$(rcli XLEN "$stream:results")" \
        "$(calc "$bytes / $EVENTS")")
    done
    echo "$line"
  done
  for layout in per-result packed; do
    printf '%s best: plain %.3f s (%.0f/s), lmx %s %.3f s (%.0f/s): ratio %.2f;' "$format" \
      "${wall[plain]}" "$(calc "$EVENTS / ${wall[plain]}")" "$layout" "${wall[$layout]}" \
      "$(calc "$EVENTS / ${wall[$layout]}")" "$(calc "${wall[plain]} / ${wall[$layout]}")"
    printf ' CPU client+server per entry: plain %.2f us, lmx %.2f us\n' \
      "$(calc "${cpu[plain]} * 1e6 / $EVENTS")" "$(calc "${cpu[$layout]} * 1e6 / $EVENTS")"
  done
  rcli DEL "$stream" >/dev/null
  rcli --scan --pattern "$stream:*" | xargs -r redis-cli -p "$LMX_REDIS_PORT" DEL >/dev/null
done
