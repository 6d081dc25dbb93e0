#!/usr/bin/env bash
# A journal that lost a tail the engine had answered, then was appended to again (what
# --fsync none or interval can leave after a power failure), holds other events at the old
# positions. The results for them must answer the new events: the stale ones are written
# anew, byte for byte as an engine that never saw the lost tail writes them. A snapshot
# that covered the lost tail is refused, although the log is as long as it was.
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib/recovery.bash
source "$(dirname "$0")/lib/recovery.bash"

"$lmx" generate --events 1000 --users 100 --items 20 --seed 41 > "$tmp/base.jsonl"
"$lmx" generate --events 500 --users 100 --items 20 --seed 42 > "$tmp/lost.jsonl"
"$lmx" generate --events 500 --users 100 --items 20 --seed 43 > "$tmp/refill.jsonl"
cat "$tmp/base.jsonl" "$tmp/refill.jsonl" > "$tmp/now.jsonl"

# `reference`: the log as it ends up, run by an engine that never saw the lost tail.
d=$tmp/data
"$lmx" produce --log "file:$d" --input "$tmp/base.jsonl" 2>/dev/null
"$lmx" run --log "file:$d" --exit-when-caught-up > /dev/null 2>&1 || fail "first run failed"
cp -a "$d" "$tmp/reference"
"$lmx" produce --log "file:$tmp/reference" --input "$tmp/refill.jsonl" 2>/dev/null
"$lmx" run --log "file:$tmp/reference" --exit-when-caught-up > /dev/null 2>&1 ||
  fail "reference run failed"

# `data` answers the lost tail and snapshots it; then its journal becomes the refilled one.
"$lmx" produce --log "file:$d" --input "$tmp/lost.jsonl" 2>/dev/null
"$lmx" run --log "file:$d" --exit-when-caught-up > /dev/null 2>&1 || fail "second run failed"
rm -rf "$d/journal"
cp -a "$tmp/reference/journal" "$d/journal"

if "$lmx" run --log "file:$d" --exit-when-caught-up > /dev/null 2> "$tmp/refused.err"; then
  fail "an engine replayed after a snapshot of entries the journal no longer holds"
fi
expect_grep "the entry at position 0-1500 is not the one the snapshot at that position applied" \
  "$tmp/refused.err" "snapshot of a lost tail"

# As the message says: move that snapshot away. The results after the older snapshot are
# then written anew.
mkdir "$tmp/moved"
mv "$d/snapshots/snapshot-00000000000000000000-00000000000000001500.lmxs" "$tmp/moved/"
"$lmx" run --log "file:$d" --exit-when-caught-up > /dev/null 2> "$tmp/rewrite.err" ||
  fail "run after moving the snapshot away failed: $(cat "$tmp/rewrite.err")"
expect_grep "the result for position 0-1500 answers an entry the log no longer holds" \
  "$tmp/rewrite.err" "stale results"
check_results "$d" "$tmp/now.jsonl" "after the refilled tail"
check_state "$d" "$tmp/now.jsonl" "after the refilled tail"
for seg in "$tmp/reference/results/"*.seg; do
  expect_same "$seg" "$d/results/$(basename "$seg")" "results log"
done
echo "refilled_tail: ok"
