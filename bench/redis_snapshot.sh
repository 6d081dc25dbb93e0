#!/usr/bin/env bash
# A snapshot saved to Redis: `lmx run --exit-when-caught-up` over EVENTS native entries for
# USERS users saves one snapshot of them all when it exits. Per round: the save's seconds
# (from lmx's own "snapshot saved ... in S s" line), the run's wall and its peak RSS; and,
# in the same round, the plainest way to put those bytes into Redis: one hiredis SET of the
# saved value (`redis_bench --set`). Ratio = SET seconds / save seconds.
#
#   bench/redis_snapshot.sh     # EVENTS=3000000 USERS=1000000 ITEMS=1000 ROUNDS=3
#   BASELINE_LMX=/path/to/other/lmx bench/redis_snapshot.sh   # that build too, alternating
#
# A private redis-server (scripts/redis_private.sh) on loopback, no persistence.
set -euo pipefail

EVENTS=${EVENTS:-3000000}
USERS=${USERS:-1000000}
ITEMS=${ITEMS:-1000}
ROUNDS=${ROUNDS:-3}
# shellcheck source-path=SCRIPTDIR source=redis_common.sh
source "$(dirname "$0")/redis_common.sh"
stream=snapshot-bench

"$LMX" produce --log "$server?stream=$stream" --format native --events "$EVENTS" \
  --users "$USERS" --items "$ITEMS" --seed 5 >/dev/null 2>&1
echo "# $(date -u +%FT%TZ), $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)," \
  "commit $(git -C "$ROOT" rev-parse --short HEAD), redis $(redis-server --version | cut -d' ' -f3)"
echo "# $EVENTS entries, $USERS users, $ITEMS items"

# save NAME LMX: one run from an empty state; prints its save seconds, bytes, wall and RSS.
save() {
  rcli --scan --pattern "$stream:*" | xargs -r redis-cli -p "$LMX_REDIS_PORT" DEL >/dev/null
  local out
  out=$(/usr/bin/time -f "wall=%e rss_kb=%M" "$2" run --log "$server?stream=$stream" \
    --exit-when-caught-up --snapshot-interval 1h --results-layout packed 2>&1)
  local saved
  saved=$(grep -o 'snapshot saved at position [^ ]* ([^)]*bytes in [0-9.]* s' <<<"$out" | tail -1)
  [[ -n $saved ]] || { echo "$1: no snapshot saved: $out" >&2; exit 1; }
  printf '%s save %s s, %s bytes, %s\n' "$1" "$(sed 's/.* in \([0-9.]*\) s$/\1/' <<<"$saved")" \
    "$(sed 's/.* \([0-9]*\) bytes in .*/\1/' <<<"$saved")" "$(grep -o 'wall=.*' <<<"$out")"
}

for round in $(seq "$ROUNDS"); do
  # With a baseline build, the two alternate which goes first.
  if [[ -n ${BASELINE_LMX:-} && $((round % 2)) -eq 0 ]]; then base=$(save baseline "$BASELINE_LMX"); fi
  line=$(save lmx "$LMX")
  set_line=$("$BIN/bench/redis_bench" --url "$server" --set "$(rcli ZRANGE "$stream:snapshots" 0 0)")
  if [[ -n ${BASELINE_LMX:-} && $((round % 2)) -eq 1 ]]; then base=$(save baseline "$BASELINE_LMX"); fi
  set_seconds=$(sed 's/.*seconds=//' <<<"$set_line")
  echo "round $round: $line | plain SET of the same bytes $set_seconds s (median of 5):" \
    "ratio SET / save $(awk -v a="$set_seconds" -v b="$(awk '{ print $3 }' <<<"$line")" \
      'BEGIN { printf "%.2f", a / b }')"
  if [[ -n ${BASELINE_LMX:-} ]]; then
    echo "round $round: $base: ratio baseline save / lmx save $(awk -v a="$(awk '{ print $3 }' <<<"$base")" \
      -v b="$(awk '{ print $3 }' <<<"$line")" 'BEGIN { printf "%.2f", a / b }')"
  fi
done
