#!/usr/bin/env bash
# A primary and a hot standby on one Redis stream under a steady producer. The primary is
# killed with -9: the standby takes the lease and writes on. Then the new primary is paused
# (SIGSTOP) past its lease: the restarted first engine, a standby now, takes over with the
# next epoch, and the paused one, resumed (SIGCONT), must find itself fenced and write
# nothing more. Afterwards the results stream holds exactly one result per input entry,
# with the outcome lmx apply gives that entry, and the state equals lmx apply of the log.
# Starts its own redis-server on a free loopback port; skipped when redis-server is missing.
set -euo pipefail
lmx=$1
# shellcheck source-path=SCRIPTDIR source=lib/redis_engine.bash
source "$(dirname "$0")/lib/redis_engine.bash"
ttl_ms=600
pids=()
cleanup_engines() { for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; }
trap 'cleanup_engines; cleanup' EXIT

# start_engine NAME [--standby]: an engine logging to $tmp/NAME.log; its pid in $started.
start_engine() {
  local name=$1; shift
  "$lmx" run --log "$url" --lease-ttl "${ttl_ms}ms" --snapshot-interval 400ms \
    --status-interval 1s "$@" > "$tmp/$name.out" 2> "$tmp/$name.log" &
  started=$!
  pids+=("$started")
}
# wait_log NAME TEXT: until the engine's log holds TEXT (10 s at most).
wait_log() {
  for _ in $(seq 200); do grep -q "$2" "$tmp/$1.log" && return; sleep 0.05; done
  fail "$1 never logged '$2'"
}
now_ms() { date +%s%3N; }

# A file journal has one engine: --standby there is refused, saying why.
if "$lmx" run --log "file:$tmp/journal" --standby --exit-when-caught-up 2> "$tmp/file.err"; then
  fail "--standby on a file journal was accepted"
fi
grep -q "needs a log several engines can follow" "$tmp/file.err" || fail "$(cat "$tmp/file.err")"

redis_private_start || fail "redis-server did not start"
port=$LMX_REDIS_PORT
url="redis://127.0.0.1:$port?stream=orders"
events=40000
"$lmx" generate --events "$events" --users 300 --items 40 --seed 11 > "$tmp/all.jsonl"
split -l 500 -d -a 3 "$tmp/all.jsonl" "$tmp/chunk."

start_engine first; first=$started
wait_log first "took the lease with epoch 1"
start_engine second --standby; second=$started
wait_log second "recovered"
( for chunk in "$tmp"/chunk.*; do
    "$lmx" produce --log "$url" --input "$chunk" 2>/dev/null || exit 1
    sleep 0.05
  done ) &
producer_pid=$!

# 1. The primary dies.
sleep 1.5
kill -9 "$first"; killed=$(now_ms); wait "$first" 2>/dev/null || true
wait_log second "took the lease with epoch 2"
took=$(now_ms)
echo "kill -9: the standby took over within $((took - killed)) ms (lease ttl ${ttl_ms} ms)"
start_engine first_again --standby; first_again=$started
wait_log first_again "recovered"

# 2. The new primary is paused past its lease, and resumed after the other took over.
sleep 1
kill -STOP "$second"
wait_log first_again "took the lease with epoch 3"
kill -CONT "$second"
wait_log second "no longer the primary (epoch 2)"
grep "no longer the primary" "$tmp/second.log" | head -1

# lmx status: the lease is the third epoch's, and both engines announce their roles.
sleep 1.2
"$lmx" status --log "$url" --json > "$tmp/status.json"
"$lmx" status --log "$url"
python3 - "$tmp/status.json" "$first_again" "$second" <<'PY' || fail "lmx status: $(cat "$tmp/status.json")"
import json, sys
status = json.load(open(sys.argv[1]))
primary_pid, standby_pid = sys.argv[2], sys.argv[3]
assert status["epoch"] == 3 and status["lease"]["epoch"] == 3, status
assert status["lease"]["owner"].endswith(":" + primary_pid), status
roles = {e["owner"].rsplit(":", 1)[1]: (e["role"], e["epoch"]) for e in status["engines"]}
assert roles[primary_pid] == ("primary", 3), roles
assert roles[standby_pid] == ("standby", 0), roles
PY

wait "$producer_pid" || fail "the producer failed"
producer_pid=""
[[ $(redis-cli -p "$port" XLEN orders) -eq $events ]] || fail "stream holds $(redis-cli -p "$port" XLEN orders) entries"
wait_results "$events"
sleep 0.5  # a second result for some position would come now, if ever
for pid in "$second" "$first_again"; do
  kill -TERM "$pid"
  wait "$pid" || fail "engine $pid did not exit cleanly on SIGTERM"
done
pids=()

# Exactly one result per position, each with the outcome lmx apply gives its entry.
redis-cli -p "$port" XRANGE orders:results - + |
  awk 'prev == "pos" { pos = $0 } prev == "reason" { print pos, $0 } { prev = $0 }' |
  sort -t- -k1,1n -k2,2n > "$tmp/results"
[[ $(wc -l < "$tmp/results") -eq $events ]] || fail "$(wc -l < "$tmp/results") results for $events entries"
[[ $(cut -d' ' -f1 "$tmp/results" | sort -u | wc -l) -eq $events ]] || fail "a position has two results"
"$lmx" apply --results "$tmp/apply.results" "$tmp/all.jsonl" > "$tmp/apply.export"
cut -d' ' -f2 "$tmp/results" | cmp - <(cut -d' ' -f2 "$tmp/apply.results") ||
  fail "a result's outcome differs from lmx apply's"
"$lmx" export --log "$url" 2>/dev/null | cmp - "$tmp/apply.export" || fail "export differs from lmx apply"
grep -q "took the lease with epoch 3" "$tmp/first_again.log" || fail "epoch 3 was never taken"
# Snapshots at the same log-time boundaries in every engine, their digests compared.
! grep -h "state digest mismatch" "$tmp"/*.log || fail "the engines' states diverged"
for name in second first_again; do
  grep -q "state digest at .* agrees with engine" "$tmp/$name.log" ||
    fail "$name compared no state digest with another engine"
done
echo "digest comparisons: $(cat "$tmp"/*.log | grep -c "state digest at .* agrees") agreements"
echo "standby_redis: ok ($events entries, one result each, epochs 1-3)"
