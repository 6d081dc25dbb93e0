#!/usr/bin/env bash
# The state digest end to end: `lmx digest` of two logs holding the same events agrees
# (one rebuilt from a snapshot, one by a plain replay), and differs when one event does;
# every snapshot stores the same digest (`lmx inspect snapshot`), and GET /status of
# `lmx run --listen` shows the last snapshot's position and digest.
set -euo pipefail
lmx=$1
# shellcheck source-path=SCRIPTDIR source=lib/http.bash
source "$(dirname "$0")/lib/http.bash"
listen_scratch
# shellcheck source-path=SCRIPTDIR source=lib/recovery.bash
source "$(dirname "$0")/lib/recovery.bash"
# shellcheck source-path=SCRIPTDIR source=lib/python.bash
source "$(dirname "$0")/lib/python.bash"
find_python json python3

# digest_of NAME: the digest line of `lmx digest` of log NAME.
digest_of() {
  "$lmx" digest --log "file:$tmp/$1" 2> "$tmp/$1.digest.err" | grep '^digest ' ||
    fail "lmx digest of $1: $(cat "$tmp/$1.digest.err")"
}

"$lmx" generate --events 3000 --users 50 --items 20 --seed 7 > "$tmp/events.jsonl"
sed '1s/"count":[0-9]*/"count":1/' "$tmp/events.jsonl" > "$tmp/other.jsonl"
cmp -s "$tmp/events.jsonl" "$tmp/other.jsonl" && fail "the first event has no count to change"
for name in a b; do "$lmx" produce --log "file:$tmp/$name" --input "$tmp/events.jsonl" 2> /dev/null; done
"$lmx" produce --log "file:$tmp/other" --input "$tmp/other.jsonl" 2> /dev/null
# Log a is run (a snapshot at its end); b and other are replayed from their first entry.
"$lmx" run --log "file:$tmp/a" --exit-when-caught-up > /dev/null 2> "$tmp/run.err" ||
  fail "run: $(cat "$tmp/run.err")"
[[ $(digest_of a) == $(digest_of b) ]] || fail "the same events digest differently: $(digest_of a) $(digest_of b)"
[[ $(digest_of a) =~ ^digest\ [0-9a-f]{16}$ ]] || fail "not a 64-bit digest: $(digest_of a)"
[[ $(digest_of a) != $(digest_of other) ]] || fail "one different event, the same digest"

# The snapshot stores the digest of the state it holds.
snapshot=$(ls "$tmp/a/snapshots/"*.lmxs)
"$lmx" inspect snapshot "$snapshot" > "$tmp/inspect.out" || fail "inspect: $(cat "$tmp/inspect.out")"
expect_grep "^$(digest_of a)$" "$tmp/inspect.out" "inspect snapshot"
expect_grep "^checksum ok  digest ok$" "$tmp/inspect.out" "inspect snapshot"

# GET /status: the last snapshot this run saved, with its digest. Log b gets a snapshot
# once the engine has caught up (every 100 ms while the state moves).
"$lmx" run --log "file:$tmp/b" --status-interval 1h --snapshot-interval 100ms \
  --listen 127.0.0.1:0 > "$tmp/listen.out" 2> "$tmp/listen.err" &
pids+=($!)
wait_listening "$tmp/listen.err"
for _ in $(seq 100); do
  curl -s "$base/status" > "$tmp/status.json" || true
  grep -q '"last_snapshot":{[^}]*"position":"0-3000"' "$tmp/status.json" && break
  sleep 0.1
done
"$python" - "$tmp/status.json" "$(digest_of b | cut -d' ' -f2)" <<'PY'
import json, sys
status = json.load(open(sys.argv[1]))
snapshot = status["last_snapshot"]
assert snapshot is not None, status
assert snapshot["position"] == "0-3000", snapshot
assert snapshot["digest"] == sys.argv[2], (snapshot, sys.argv[2])
PY
echo "state digest: $(digest_of a) on both logs, in the snapshot and in /status"
