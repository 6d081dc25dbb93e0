#!/usr/bin/env bash
# Results are derived from the log, so a results log that lost results a snapshot covers is
# repaired, never left with a hole: a damaged last record (truncated as a torn tail), and a
# deleted results directory, are each followed by a run that writes every missing result
# once, from an older snapshot or from the start of the log.
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib/recovery.bash
source "$(dirname "$0")/lib/recovery.bash"

d=$tmp/data
"$lmx" generate --events 3000 --users 100 --items 20 --seed 31 > "$tmp/first.jsonl"
"$lmx" generate --events 1000 --users 100 --items 20 --seed 32 > "$tmp/second.jsonl"
cat "$tmp/first.jsonl" "$tmp/second.jsonl" > "$tmp/all.jsonl"
"$lmx" produce --log "file:$d" --input "$tmp/first.jsonl" 2>/dev/null
"$lmx" run --log "file:$d" --exit-when-caught-up > /dev/null 2>&1 || fail "first run failed"
check_results "$d" "$tmp/first.jsonl" "after the first run"

# A flipped byte in the last results record: the next run truncates it as a torn tail,
# then must write that result again although the snapshot covers its event.
seg=$(find "$d/results" -name '*.seg' | sort | tail -1)
flip_byte "$seg" $(($(stat -c %s "$seg") - 3))
"$lmx" produce --log "file:$d" --input "$tmp/second.jsonl" 2>/dev/null
"$lmx" run --log "file:$d" --exit-when-caught-up > "$tmp/run2.out" 2> "$tmp/run2.err" ||
  fail "run after a damaged results tail failed: $(cat "$tmp/run2.err")"
expect_grep "after the end of the results log" "$tmp/run2.err" "run after a damaged results tail"
check_results "$d" "$tmp/all.jsonl" "after a damaged results tail"
check_state "$d" "$tmp/all.jsonl" "after a damaged results tail"

# The results directory deleted: every result is written again, the state stays.
rm -rf "$d/results"
"$lmx" run --log "file:$d" --exit-when-caught-up > "$tmp/run3.out" 2> "$tmp/run3.err" ||
  fail "run after deleting results failed: $(cat "$tmp/run3.err")"
check_results "$d" "$tmp/all.jsonl" "after deleting the results"
check_state "$d" "$tmp/all.jsonl" "after deleting the results"
# Damage before the tail of the results log stops the engine with what to do, and doing
# it (moving the results away) repairs it.
seg=$(find "$d/results" -name '*.seg' | sort | head -1)
flip_byte "$seg" 200
if "$lmx" run --log "file:$d" --exit-when-caught-up > /dev/null 2> "$tmp/run4.err"; then
  fail "a results log damaged before its tail went unnoticed"
fi
expect_grep "in the results log $d/results: results are derived" "$tmp/run4.err" "damaged results"
mv "$d/results" "$tmp/damaged-results"
"$lmx" run --log "file:$d" --exit-when-caught-up > /dev/null 2> "$tmp/run5.err" ||
  fail "run after moving damaged results away failed: $(cat "$tmp/run5.err")"
check_results "$d" "$tmp/all.jsonl" "after moving damaged results away"
echo "lost_results: ok"
