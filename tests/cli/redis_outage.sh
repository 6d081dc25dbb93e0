#!/usr/bin/env bash
# The engine on a Redis Stream whose server goes away:
#   - by default it rides out an outage (saying for how long) and resumes where it was;
#   - SIGTERM during an outage ends it within a second or two, with exit status 3 and a
#     message that the final writes were left to the next run;
#   - --redis-outage-max ends it with an error once the outage lasted that long;
#   - connections the server dropped (CLIENT KILL) do not cost the final snapshot.
# Starts its own redis-server on a free loopback port; skipped when redis-server is missing.
set -euo pipefail
lmx=$1
# shellcheck source-path=SCRIPTDIR source=lib/redis_engine.bash
source "$(dirname "$0")/lib/redis_engine.bash"

start_engine() {  # start_engine NAME [options...]
  local name=$1; shift
  "$lmx" run --log "$url" --status-interval 1s "$@" > "$tmp/engine$name.out" 2> "$tmp/engine$name.log" &
  engine_pid=$!
}
server_down() { redis_private_shutdown || fail "redis-server did not shut down"; }
produce() { "$lmx" generate --events 2000 --users 50 --items 10 --seed "$1" | "$lmx" produce --log "$url" --input - 2>/dev/null; }

redis_private_start --appendonly yes --appendfsync always || fail "redis-server did not start"
port=$LMX_REDIS_PORT
url="redis://127.0.0.1:$port?stream=orders"

# An outage of a few seconds is ridden out: the entries produced after it get results.
produce 1
start_engine 1 --snapshot-interval 1h
wait_results 2000
server_down
sleep 4
redis_private_launch || fail "redis-server did not restart"
produce 2
wait_results 4000
grep -q "unreachable for .* s; retrying in" "$tmp/engine1.log" || fail "the outage was not reported"
kill -TERM "$engine_pid"
wait_exit 10
[[ $status -eq 0 ]] || fail "exit status $status after the outage, expected 0"
grep -q "final snapshot at position" "$tmp/engine1.out" || fail "no final snapshot after the outage"

# SIGTERM while the server is down: out within two seconds, status 3, saying why.
start_engine 2 --snapshot-interval 1h
produce 3
wait_results 6000
server_down
sleep 1.5
kill -TERM "$engine_pid"
wait_exit 2
[[ $status -eq 3 ]] || fail "exit status $status after SIGTERM during an outage, expected 3"
grep -q "stopped while the server was unreachable" "$tmp/engine2.log" || fail "no message naming the outage"
grep -q "next lmx run replays the log" "$tmp/engine2.log" || fail "no message saying what happens next"

# --redis-outage-max: an outage longer than allowed stops the engine with an error.
redis_private_launch || fail "redis-server did not restart"
start_engine 3 --redis-outage-max 2s
for _ in $(seq 100); do grep -q "recovered" "$tmp/engine3.log" && break; sleep 0.05; done
server_down
wait_exit 8
[[ $status -eq 1 ]] || fail "exit status $status after an outage longer than --redis-outage-max"
grep -q "longer than the 2000 ms allowed (--redis-outage-max)" "$tmp/engine3.log" || fail "no message naming --redis-outage-max"

# Every connection dropped by the server: the final snapshot is still saved.
redis_private_launch || fail "redis-server did not restart"
start_engine 4 --snapshot-interval 1h
produce 4
wait_results 8000
redis-cli -p "$port" CLIENT KILL TYPE normal >/dev/null
kill -TERM "$engine_pid"
wait_exit 10
[[ $status -eq 0 ]] || fail "exit status $status after CLIENT KILL and SIGTERM"
grep -q "final snapshot at position" "$tmp/engine4.out" || fail "no final snapshot after CLIENT KILL"
echo "redis_outage: ok"
