#!/usr/bin/env bash
# A log that lost entries which already have results (a journal tail lost in a power cut,
# here with no snapshot left that would be refused first), then got new entries at those
# positions: the results log answers entries that are gone. The engine finds that the log
# no longer holds the entry of its newest result, says so, and writes the results anew
# from the log, right for every position.
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib/recovery.bash
source "$(dirname "$0")/lib/recovery.bash"

d=$tmp/data
"$lmx" generate --events 1000 --users 50 --items 10 --seed 41 > "$tmp/kept.jsonl"
"$lmx" generate --events 2000 --users 50 --items 10 --seed 42 > "$tmp/lost.jsonl"
"$lmx" generate --events 500 --users 50 --items 10 --seed 43 > "$tmp/next.jsonl"
"$lmx" produce --log "file:$d" --input "$tmp/kept.jsonl" 2> /dev/null
seg=$(find "$d/journal" -name '*.seg')
kept_bytes=$(stat -c %s "$seg")
"$lmx" produce --log "file:$d" --input "$tmp/lost.jsonl" 2> /dev/null
"$lmx" run --log "file:$d" --exit-when-caught-up > /dev/null 2> "$tmp/run1.err" ||
  fail "first run: $(cat "$tmp/run1.err")"

# The journal loses its last 2000 entries; no snapshot is left to be refused first.
truncate -s "$kept_bytes" "$seg"
rm -rf "$d/snapshots"
"$lmx" produce --log "file:$d" --input "$tmp/next.jsonl" 2> /dev/null
cat "$tmp/kept.jsonl" "$tmp/next.jsonl" > "$tmp/all.jsonl"
"$lmx" run --log "file:$d" --exit-when-caught-up > /dev/null 2> "$tmp/run2.err" ||
  fail "run over a log shorter than its results log: $(cat "$tmp/run2.err")"
expect_grep "the result for position 0-3000 answers an entry the log no longer holds" \
  "$tmp/run2.err" "the repair"
check_state "$d" "$tmp/all.jsonl" "after the repair"
"$lmx" apply --results "$tmp/expected.results" "$tmp/all.jsonl" > /dev/null
"$lmx" inspect results "$d" > "$tmp/actual.results"
expect_same "$tmp/expected.results" "$tmp/actual.results" "results per position"
echo "lost_log_tail: ok"
