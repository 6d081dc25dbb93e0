#!/usr/bin/env bash
# A Redis server restarted without persistence comes back empty, and producers fill the
# stream again: the engine must not apply the new entries on top of a state built from
# entries that are gone. After its reconnect it finds that the stream no longer holds the
# entry it read last, and stops with an error saying so, writing no result for the new ones.
# Starts its own redis-server on a free loopback port; skipped when redis-server is missing.
set -euo pipefail
lmx=$1
# shellcheck source-path=SCRIPTDIR source=lib/redis_engine.bash
source "$(dirname "$0")/lib/redis_engine.bash"

redis_private_start || fail "redis-server did not start"   # no AOF, no RDB
port=$LMX_REDIS_PORT
url="redis://127.0.0.1:$port?stream=orders"
produce() { "$lmx" generate --events 2000 --users 50 --items 10 --seed "$1" | "$lmx" produce --log "$url" --input - 2>/dev/null; }

produce 1
"$lmx" run --log "$url" --snapshot-interval 1h > "$tmp/engine.out" 2> "$tmp/engine.log" &
engine_pid=$!
wait_results 2000
redis_private_restart          # comes back empty: nothing was persisted
produce 2
status=""
for _ in $(seq 400); do
  if ! kill -0 "$engine_pid" 2>/dev/null; then
    status=0; wait "$engine_pid" || status=$?; engine_pid=""; break
  fi
  sleep 0.05
done
[[ -n $status ]] || fail "the engine still runs 20 s after the server lost its data"
[[ $status -ne 0 ]] || fail "the engine exited 0 after the server lost its data"
grep -q "orders no longer holds entry .* the last one lmx read" "$tmp/engine.log" ||
  fail "no error naming the stream and the entry"
[[ $(results) -eq 0 ]] || fail "$(results) results written for entries of the emptied stream"
echo "redis_lost_data: ok"
