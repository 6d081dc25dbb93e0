#!/usr/bin/env bash
# The engine on a Redis Stream while the server restarts (AOF on, same port) and while the
# engine itself is killed with -9: every entry ends up applied exactly once (the export
# equals lmx apply of everything produced) and every input entry has a result.
# Starts its own redis-server on a free loopback port; skipped when redis-server is missing.
set -euo pipefail
lmx=$1
# shellcheck source-path=SCRIPTDIR source=lib/redis_engine.bash
source "$(dirname "$0")/lib/redis_engine.bash"

start_engine() {
  "$lmx" run --log "$url" --snapshot-interval 300ms --status-interval 1s > "$tmp/engine$1.out" 2> "$tmp/engine$1.log" &
  engine_pid=$!
}

# With AOF and a graceful shutdown, a restart loses nothing the server acknowledged.
redis_private_start --appendonly yes --appendfsync always || fail "redis-server did not start"
port=$LMX_REDIS_PORT
url="redis://127.0.0.1:$port?stream=orders"
for i in 1 2 3; do
  "$lmx" generate --events 15000 --users 200 --items 30 --seed "$((20 + i))" > "$tmp/part$i.jsonl"
done
cat "$tmp"/part{1,2,3}.jsonl > "$tmp/all.jsonl"

"$lmx" produce --log "$url" --input "$tmp/part1.jsonl" 2>/dev/null
start_engine 1
wait_results 15000
redis_private_restart                  # the engine is live and idle: it must reconnect
"$lmx" produce --log "$url" --input "$tmp/part2.jsonl" 2>/dev/null
sleep 0.$((RANDOM % 5 + 1))
kill -9 "$engine_pid"; wait "$engine_pid" 2>/dev/null || true
start_engine 2                         # recovers from a Redis-held snapshot
"$lmx" produce --log "$url" --input "$tmp/part3.jsonl" 2>/dev/null &
producer=$!
# The restart comes once the engine is connected (a server that is down when lmx starts is
# a start-up error, not an outage to ride out), while it replays and the producer appends.
for _ in $(seq 100); do grep -q "recovered" "$tmp/engine2.log" && break; sleep 0.05; done
sleep 0.1
redis_private_restart                  # possibly mid-append and mid-replay
wait "$producer" || true               # a producer cut off by the restart fails loudly...
entries=$(redis-cli -p "$port" XLEN orders)
if [[ $entries -lt 45000 ]]; then      # ...and its rest is appended again from the next line
  tail -n +"$((entries - 30000 + 1))" "$tmp/part3.jsonl" |
    "$lmx" produce --log "$url" --input - 2>/dev/null
fi
[[ $(redis-cli -p "$port" XLEN orders) -eq 45000 ]] || fail "stream holds $(redis-cli -p "$port" XLEN orders) entries"
wait_results 45000
kill -TERM "$engine_pid"
wait "$engine_pid" || fail "the engine did not exit cleanly on SIGTERM"
engine_pid=""

grep -q "reconnecting" "$tmp"/engine*.log || fail "no reconnection was logged: the restarts were not exercised"
"$lmx" export --log "$url" 2>/dev/null > "$tmp/export"
"$lmx" apply "$tmp/all.jsonl" | cmp - "$tmp/export" || fail "export differs from lmx apply"
redis-cli -p "$port" XRANGE orders:results - + | awk 'prev == "pos" { print } { prev = $0 }' | sort -u > "$tmp/positions"
[[ $(wc -l < "$tmp/positions") -eq 45000 ]] || fail "$(wc -l < "$tmp/positions") distinct result positions for 45000 entries"
echo "redis_restart: ok ($(results) result entries for 45000 inputs)"
