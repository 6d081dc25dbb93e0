#!/usr/bin/env bash
# The HTTP API of `lmx run --listen` end to end, on a file journal: health, readiness and
# status; POST /events (one event, a batch, a retry answered duplicate, a malformed line
# refused with its number and nothing appended, a body over the limit refused); reads
# that see the POST just answered; Prometheus metrics that parse and count what was
# posted; and the bearer token an address other than loopback requires (all but the
# dashboard page, which holds no data).
set -euo pipefail
lmx=$1
# shellcheck source-path=SCRIPTDIR source=lib/http.bash
source "$(dirname "$0")/lib/http.bash"
listen_scratch
# shellcheck source-path=SCRIPTDIR source=lib/python.bash
source "$(dirname "$0")/lib/python.bash"
find_python prometheus_client python3-prometheus-client
fail() { echo "FAIL: $*" >&2; cat "$tmp"/*.err >&2 || true; exit 1; }

# Starts an engine on port 0 (a free port) and sets $base to its URL once it serves. The log
# is read inline on the business logic thread (http_api_redis.sh reads it on a thread of its
# own): the API must answer alike either way.
start() {
  local name=$1
  shift
  "$lmx" run --log "file:$tmp/$name" --status-interval 1h --reader inline --listen "$@" \
    >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pids+=($!)
  wait_listening "$tmp/$name.err"
}

start main 127.0.0.1:0

[[ $(code "$base/healthz") == 200 ]] || fail "healthz"
for _ in $(seq 50); do [[ $(code "$base/readyz") == 200 ]] && break; sleep 0.1; done
[[ $(code "$base/readyz") == 200 ]] || fail "readyz never 200: $(cat "$tmp/body")"
# A port in use is refused, never shared with the engine already on it.
timeout 20 "$lmx" run --log "file:$tmp/second" --listen "127.0.0.1:$port" \
  >"$tmp/second.out" 2>"$tmp/second.err" || true
grep -q "cannot listen on 127.0.0.1:$port" "$tmp/second.err" || fail "a second engine shared the port"
[[ $(code "$base/status") == 200 ]] || fail "status"
"$python" - "$tmp/body" <<'PY'
import json, sys
status = json.load(open(sys.argv[1]))
assert status["role"] == "primary", status
assert status["lag"] == 0 and status["ready"] is True, status
assert status["rings"]["input"]["size"] > 0, status
for key in ("position", "end", "events_per_second", "uptime_seconds", "version", "last_snapshot"):
    assert key in status, key
PY

[[ $(post '{"type":"topup","user_id":7,"amount":500,"id":"t-1"}') == 200 ]] || fail "post one"
grep -qx '\[{"position":"0-1","type":"topup","reason":"accepted","id":"t-1","user_id":7,"balance":500}\]' \
  "$tmp/body" || fail "post one: $(cat "$tmp/body")"
batch=$'{"type":"add_item","item_id":"cpu","count":10,"price":100,"id":"a-1"}\n\n{"type":"order","user_id":7,"lines":[{"item_id":"cpu","quantity":3}],"id":"o-1"}\n'
[[ $(post "$batch") == 200 ]] || fail "post batch"
"$python" - "$tmp/body" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))
assert [r["position"] for r in results] == ["0-2", "0-3"], results
assert results[0] == {"position": "0-2", "type": "add_item", "reason": "accepted", "id": "a-1",
                      "item_id": "cpu", "remain": 10}, results
assert results[1]["reason"] == "accepted" and results[1]["balance"] == 200, results
PY
# A retry of the batch: nothing applied twice, each answered with its first outcome.
[[ $(post "$batch") == 200 ]] || fail "retry"
"$python" - "$tmp/body" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))
assert [r["reason"] for r in results] == ["duplicate", "duplicate"], results
assert [r["original_position"] for r in results] == ["0-2", "0-3"], results
PY
# Reads see the writes answered before them.
[[ $(code "$base/users/7") == 200 ]] || fail "user"
grep -qx '{"user_id":7,"balance":200,"position":"0-5"}' "$tmp/body" || fail "user: $(cat "$tmp/body")"
[[ $(code "$base/items/cpu") == 200 ]] || fail "item"
grep -qx '{"item_id":"cpu","price":100,"remain":7,"position":"0-5"}' "$tmp/body" ||
  fail "item: $(cat "$tmp/body")"
[[ $(code "$base/commands/o-1") == 200 ]] || fail "command"
grep -q '"first_position":"0-3","reason":"accepted"' "$tmp/body" || fail "command: $(cat "$tmp/body")"
[[ $(code "$base/users/8") == 404 ]] || fail "unknown user"
grep -q '"error":"not_found"' "$tmp/body" || fail "unknown user: $(cat "$tmp/body")"
[[ $(code "$base/users/x") == 400 ]] || fail "bad user id"
[[ $(post '{"type":"topup","user_id":8,"amount":1}') == 200 ]] || fail "post user 8"
[[ $(code "$base/users/8") == 200 ]] || fail "user 8 after its POST"

# Malformed: line 2 named, nothing appended (the next event still gets 0-7).
[[ $(post $'{"type":"topup","user_id":7,"amount":1}\n{"type":"topup","user_id":"x"}') == 400 ]] ||
  fail "malformed"
grep -q '"error":"malformed".*"line":2' "$tmp/body" || fail "malformed: $(cat "$tmp/body")"
# Too large: over 1 MiB.
head -c 1100000 /dev/zero | tr '\0' ' ' >"$tmp/huge"
[[ $(curl -s -o "$tmp/body" -w '%{http_code}' -X POST --data-binary "@$tmp/huge" "$base/events") == 413 ]] ||
  fail "huge body"
grep -q '"error":"body_too_large"' "$tmp/body" || fail "huge: $(cat "$tmp/body")"
[[ $(post '{"type":"topup","user_id":7,"amount":1}') == 200 ]] || fail "post after refusals"
grep -q '"position":"0-7"' "$tmp/body" || fail "a refused body was appended: $(cat "$tmp/body")"

# Metrics parse as Prometheus text and count what was posted.
curl -s "$base/metrics" >"$tmp/metrics"
"$python" - "$tmp/metrics" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
samples = {}
for family in text_string_to_metric_families(open(sys.argv[1]).read()):
    for s in family.samples:
        samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
def get(name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0)
assert get("lmx_results_total", type="topup", reason="accepted") == 3, samples
assert get("lmx_results_total", type="topup", reason="duplicate") == 0
assert get("lmx_results_total", type="add_item", reason="duplicate") == 1
assert get("lmx_results_total", type="order", reason="duplicate") == 1
assert get("lmx_results_written_total") == 7
assert 0 <= get("lmx_position_minor") <= 7
assert get("lmx_http_requests_total", route="/events", code="200") == 5
assert get("lmx_http_requests_total", route="/events", code="400") == 1
assert get("lmx_http_requests_total", route="/events", code="413") == 1
assert get("lmx_events_latency_seconds_count") == 5
assert get("lmx_events_latency_seconds_bucket", le="+Inf") == 5
assert get("lmx_lag_entries") >= 0
# The business logic's batches: at least one per POST, every event in one.
assert get("lmx_batch_events_count") >= 5, samples
assert get("lmx_batch_events_sum") >= 7
assert get("lmx_batch_seconds_count") == get("lmx_batch_events_count")
assert ("lmx_last_snapshot_copy_seconds", ()) in samples
assert get("lmx_reader_fetch_seconds_total") > 0
assert ("lmx_reader_ring_wait_seconds_total", ()) in samples
PY

# Beyond loopback: refused without a token file; with one, every request needs the token.
if "$lmx" run --log "file:$tmp/open" --listen 0.0.0.0:0 >"$tmp/refused.out" 2>"$tmp/refused.err"; then
  fail "0.0.0.0 without a token was served"
fi
grep -q -- "--listen-token-file" "$tmp/refused.err" || fail "refusal does not name the option"
echo "s3cret-token" >"$tmp/token"
start open 0.0.0.0:0 --listen-token-file "$tmp/token"
grep -q "s3cret" "$tmp/open.err" && fail "the token was printed"
[[ $(code "$base/healthz") == 401 ]] || fail "no token accepted"
grep -q '"error":"unauthorized"' "$tmp/body" || fail "401 body: $(cat "$tmp/body")"
[[ $(code -H "Authorization: Bearer wrong" "$base/status") == 401 ]] || fail "wrong token accepted"
[[ $(code -H "Authorization: Bearer s3cret-token" "$base/healthz") == 200 ]] || fail "token refused"
# The dashboard page holds no data: it loads without the token, then asks for it.
[[ $(code "$base/") == 200 ]] || fail "dashboard page behind the token"
grep -q "<title>lmx</title>" "$tmp/body" || fail "dashboard page: $(head -c 200 "$tmp/body")"
echo "http api: ok"
