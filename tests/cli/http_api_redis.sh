#!/usr/bin/env bash
# The HTTP API of `lmx run --listen` on a Redis Stream: POST /events appends through the
# Redis writer and answers with the results the engine wrote to the results stream (one
# entry per event, stream ids as positions); a retry is answered duplicate with the first
# positions; reads see the POSTs answered before them; /status shows no lag; and with the
# server gone, a POST answers 503 `unavailable` at once rather than hang. Starts its own
# redis-server; skipped when redis-server is missing.
set -euo pipefail
lmx=$1
# shellcheck source-path=SCRIPTDIR source=lib/redis_engine.bash
source "$(dirname "$0")/lib/redis_engine.bash"
# shellcheck source-path=SCRIPTDIR source=lib/http.bash
source "$(dirname "$0")/lib/http.bash"
# shellcheck source-path=SCRIPTDIR source=lib/python.bash
source "$(dirname "$0")/lib/python.bash"
find_python json python3

redis_private_start || fail "redis-server did not start"
port_redis=$LMX_REDIS_PORT
url="redis://127.0.0.1:$port_redis?stream=orders"
# The log read on a thread of its own (http_api.sh reads it inline).
"$lmx" run --log "$url" --status-interval 1h --reader thread --listen 127.0.0.1:0 \
  2>"$tmp/engine.log" &
engine_pid=$!
wait_listening "$tmp/engine.log"
for _ in $(seq 100); do [[ $(code "$base/readyz") == 200 ]] && break; sleep 0.1; done
[[ $(code "$base/readyz") == 200 ]] || fail "readyz never 200: $(cat "$tmp/body")"

[[ $(post '{"type":"topup","user_id":7,"amount":500,"id":"t-1"}') == 200 ]] || fail "post one"
cp "$tmp/body" "$tmp/one.json"
batch=$'{"type":"add_item","item_id":"cpu","count":10,"price":100,"id":"a-1"}\n{"type":"order","user_id":7,"lines":[{"item_id":"cpu","quantity":3}],"id":"o-1"}'
[[ $(post "$batch") == 200 ]] || fail "post batch"
cp "$tmp/body" "$tmp/batch.json"
[[ $(post "$batch") == 200 ]] || fail "retry"
cp "$tmp/body" "$tmp/retry.json"
[[ $(code "$base/users/7") == 200 ]] || fail "user"
cp "$tmp/body" "$tmp/user.json"
last=$(redis-cli -p "$port_redis" --raw XREVRANGE orders + - COUNT 1 | head -1)
[[ $(redis-cli -p "$port_redis" XLEN orders:results) == 5 ]] ||
  fail "results stream: $(redis-cli -p "$port_redis" XLEN orders:results) entries for 5 events"

"$python" - "$tmp" "$last" <<'PY'
import json, sys
d, last = sys.argv[1], sys.argv[2]
load = lambda name: json.load(open(f"{d}/{name}.json"))
one, batch, retry = load("one"), load("batch"), load("retry")
assert one[0]["reason"] == "accepted" and one[0]["balance"] == 500, one
assert [r["reason"] for r in batch] == ["accepted", "accepted"], batch
assert batch[1]["balance"] == 200, batch
# Redis positions are stream ids, in the order the events were appended.
key = lambda p: tuple(int(x) for x in p.split("-"))
positions = [one[0]["position"]] + [r["position"] for r in batch + retry]
assert positions == sorted(positions, key=key) and len(set(positions)) == 5, positions
assert positions[-1] == last, (positions, last)
assert [r["reason"] for r in retry] == ["duplicate", "duplicate"], retry
assert [r["original_position"] for r in retry] == [r["position"] for r in batch], retry
user = load("user")
assert user == {"user_id": 7, "balance": 200, "position": last}, user
PY
# /status is refreshed every 200 ms: it reaches the last entry, with no lag.
for _ in $(seq 50); do
  [[ $(code "$base/status") == 200 ]] || fail "status"
  "$python" - "$tmp/body" "$last" <<'PY' && break
import json, sys
status = json.load(open(sys.argv[1]))
sys.exit(0 if status["position"] == sys.argv[2] and status["end"] == sys.argv[2]
         and status["lag"] == 0 else 1)
PY
  sleep 0.1
done
grep -q "\"position\":\"$last\".*\"lag\":0," "$tmp/body" || fail "status: $(cat "$tmp/body")"

# The server gone: the append fails and the request says so, with its stable code.
redis_private_stop
status=$(timeout 60 curl -s -o "$tmp/body" -w '%{http_code}' -X POST \
  --data-binary '{"type":"topup","user_id":7,"amount":1,"id":"t-2"}' "$base/events") ||
  fail "POST with the server gone did not answer"
[[ $status == 503 ]] || fail "POST with the server gone: $status $(cat "$tmp/body")"
grep -q '"error":"unavailable"' "$tmp/body" || fail "503 body: $(cat "$tmp/body")"
echo "http api on Redis: ok"
