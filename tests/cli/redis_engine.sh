#!/usr/bin/env bash
# The engine on a Redis Stream, end to end through the command line: native, seed and json
# entries, a restart from a Redis-held snapshot, one result entry per input entry, and the
# same export as `lmx apply` (and so as the file journal) for the same events.
# Needs LMX_TEST_REDIS_URL (scripts/test.sh starts a private server); skipped without it.
set -euo pipefail
lmx=$1
# shellcheck source-path=SCRIPTDIR source=lib/test_stream.bash
source "$(dirname "$0")/lib/test_stream.bash"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$lmx" generate --events 20000 --users 300 --items 40 --seed 11 > "$tmp/first.jsonl"
"$lmx" generate --events 5000 --users 300 --items 40 --seed 12 > "$tmp/second.jsonl"
cat "$tmp/first.jsonl" "$tmp/second.jsonl" > "$tmp/all.jsonl"
"$lmx" apply "$tmp/all.jsonl" > "$tmp/expected"

for format in native seed json; do
  url="$LMX_TEST_REDIS_URL?stream=$stream-$format"
  "$lmx" produce --log "$url" --format "$format" --input "$tmp/first.jsonl" 2>/dev/null
  "$lmx" run --log "$url" --exit-when-caught-up > "$tmp/run1" 2>/dev/null
  grep -q "applied 20000 events" "$tmp/run1" || fail "$format: first run: $(cat "$tmp/run1")"

  "$lmx" produce --log "$url" --format "$format" --input "$tmp/second.jsonl" 2>/dev/null
  "$lmx" run --log "$url" --exit-when-caught-up > "$tmp/run2" 2>/dev/null
  grep -q "replayed and applied 5000 events .* after snapshot at position" "$tmp/run2" ||
    fail "$format: the restart did not resume from the Redis snapshot: $(cat "$tmp/run2")"

  "$lmx" export --log "$url" 2>/dev/null | cmp - "$tmp/expected" ||
    fail "$format: export differs from lmx apply"
  results=$(redis-cli -u "$LMX_TEST_REDIS_URL" XLEN "$stream-$format:results")
  [[ $results -eq 25000 ]] || fail "$format: $results result entries for 25000 input entries"
  snapshots=$(redis-cli -u "$LMX_TEST_REDIS_URL" --scan --pattern "$stream-$format:snapshot:*" | wc -l)
  [[ $snapshots -ge 1 ]] || fail "$format: no snapshot key"
  [[ $(redis-cli -u "$LMX_TEST_REDIS_URL" TTL "$(redis-cli -u "$LMX_TEST_REDIS_URL" --scan --pattern "$stream-$format:snapshot:*" | head -1)") -eq -1 ]] ||
    fail "$format: snapshot key has an expiry"
done

# The same events through the file journal give the same bytes.
"$lmx" produce --log "file:$tmp/data" --fsync none --input "$tmp/all.jsonl" 2>/dev/null
"$lmx" run --log "file:$tmp/data" --exit-when-caught-up >/dev/null 2>&1
"$lmx" export --log "file:$tmp/data" 2>/dev/null | cmp - "$tmp/expected" || fail "file journal export differs"
echo "redis_engine: ok"
