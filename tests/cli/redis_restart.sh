#!/usr/bin/env bash
# The engine on a Redis Stream while the server restarts (AOF on, same port) and while the
# engine itself is killed with -9: every entry ends up applied exactly once (the export
# equals lmx apply of everything produced) and every input entry has a result.
# Starts its own redis-server on a free loopback port; skipped when redis-server is missing.
set -euo pipefail
lmx=$1
command -v redis-server >/dev/null || { echo "SKIP: no redis-server"; exit 77; }
tmp=$(mktemp -d)
engine_pid=""
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
  shuf -i 20000-60000 -n 1)
cleanup() {
  [[ -n "$engine_pid" ]] && kill -9 "$engine_pid" 2>/dev/null || true
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; tail -20 "$tmp"/engine*.log >&2 || true; exit 1; }

start_redis() {
  redis-server --port "$port" --bind 127.0.0.1 --dir "$tmp" --daemonize yes \
    --appendonly yes --appendfsync always --save "" --logfile "$tmp/redis.log" >/dev/null
  for _ in $(seq 200); do [[ $(redis-cli -p "$port" ping 2>/dev/null) == PONG ]] && return; sleep 0.05; done
  fail "redis-server did not start on port $port"
}
restart_redis() {
  redis-cli -p "$port" shutdown >/dev/null 2>&1 || true  # with AOF: nothing acknowledged is lost
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 || break; sleep 0.05; done
  start_redis
}
start_engine() {
  "$lmx" run --log "$url" --snapshot-interval 300ms --status-interval 1s > "$tmp/engine$1.out" 2> "$tmp/engine$1.log" &
  engine_pid=$!
}
results() { redis-cli -p "$port" XLEN orders:results; }
wait_results() {  # wait_results N: until the results stream holds at least N entries
  for _ in $(seq 600); do [[ $(results) -ge $1 ]] && return; sleep 0.1; done
  fail "results stream stuck at $(results) of $1"
}

start_redis
url="redis://127.0.0.1:$port?stream=orders"
for i in 1 2 3; do
  "$lmx" generate --events 15000 --users 200 --items 30 --seed "$((20 + i))" > "$tmp/part$i.jsonl"
done
cat "$tmp"/part{1,2,3}.jsonl > "$tmp/all.jsonl"

"$lmx" produce --log "$url" --input "$tmp/part1.jsonl" 2>/dev/null
start_engine 1
wait_results 15000
restart_redis                          # the engine is live and idle: it must reconnect
"$lmx" produce --log "$url" --input "$tmp/part2.jsonl" 2>/dev/null
sleep 0.$((RANDOM % 5 + 1))
kill -9 "$engine_pid"; wait "$engine_pid" 2>/dev/null || true
start_engine 2                         # recovers from a Redis-held snapshot
"$lmx" produce --log "$url" --input "$tmp/part3.jsonl" 2>/dev/null &
producer=$!
sleep 0.2
restart_redis || true                  # possibly mid-append and mid-replay
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
