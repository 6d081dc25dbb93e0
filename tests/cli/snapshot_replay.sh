#!/usr/bin/env bash
# Snapshot + replay == full replay == lmx apply, byte for byte: an engine restarted after
# more appends resumes from its snapshot and applies only the new events; a second data
# directory given the same events at once and run once ends in the same state, journal and
# results.
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib/recovery.bash
source "$(dirname "$0")/lib/recovery.bash"

n=20000
m=5000
workload=(--users 200 --items 40)
"$lmx" generate --events $n "${workload[@]}" --seed 11 > "$tmp/first.jsonl"
"$lmx" generate --events $m "${workload[@]}" --seed 12 > "$tmp/second.jsonl"
cat "$tmp/first.jsonl" "$tmp/second.jsonl" > "$tmp/all.jsonl"

# Data dir A: produce N, run; produce M more, run again.
a=$tmp/a
"$lmx" produce --log "file:$a" --events $n "${workload[@]}" --seed 11 2> "$tmp/produce1.err"
"$lmx" run --log "file:$a" --exit-when-caught-up > "$tmp/run1.out" 2> "$tmp/run1.err" ||
  fail "first run failed: $(cat "$tmp/run1.err")"
expect_grep "^applied $n events .* after no snapshot \(full replay\); now at position 0-$n " \
  "$tmp/run1.out" "first run"
expect_grep "^final snapshot at position 0-$n\$" "$tmp/run1.out" "first run"
check_state "$a" "$tmp/first.jsonl" "after the first run"

"$lmx" produce --log "file:$a" --events $m "${workload[@]}" --seed 12 2> "$tmp/produce2.err"
expect_grep "appended $m events \(positions 0-$((n + 1))\.\.0-$((n + m))\)" "$tmp/produce2.err" \
  "second produce"
"$lmx" run --log "file:$a" --exit-when-caught-up > "$tmp/run2.out" 2> "$tmp/run2.err" ||
  fail "second run failed: $(cat "$tmp/run2.err")"
expect_grep "^replayed and applied $m events .* after snapshot at position 0-$n; now at position 0-$((n + m)) " \
  "$tmp/run2.out" "second run (resume from the snapshot, apply only the tail)"
expect_grep "^final snapshot at position 0-$((n + m))\$" "$tmp/run2.out" "second run"
check_state "$a" "$tmp/all.jsonl" "snapshot + replay"
check_results "$a" "$tmp/all.jsonl" "snapshot + replay"

# A third run has nothing to do: it applies nothing and recovers at the same position.
"$lmx" run --log "file:$a" --exit-when-caught-up > "$tmp/run3.out" 2> "$tmp/run3.err" ||
  fail "third run failed: $(cat "$tmp/run3.err")"
expect_grep "^replayed and applied 0 events .* after snapshot at position 0-$((n + m));" \
  "$tmp/run3.out" "third run"
check_results "$a" "$tmp/all.jsonl" "after a run with nothing to do"
if grep -q "^final snapshot" "$tmp/run3.out"; then
  fail "third run rewrote a snapshot of a state that had not changed"
fi

# Every snapshot kept is valid and holds the position in its name.
for f in "$a"/snapshots/*.lmxs; do
  "$lmx" inspect snapshot "$f" > "$tmp/snapshot.report" ||
    fail "inspect snapshot $f: $(cat "$tmp/snapshot.report")"
done
ls "$a/snapshots" > "$tmp/snapshots.list"
printf 'snapshot-%020d-%020d.lmxs\n' 0 $n 0 $((n + m)) > "$tmp/snapshots.expected"
expect_same "$tmp/snapshots.expected" "$tmp/snapshots.list" "snapshot files"

# Data dir B: the same events from JSON lines in one go, one run: a full replay.
b=$tmp/b
"$lmx" produce --log "file:$b" --input "$tmp/all.jsonl" 2> "$tmp/produce_b.err"
"$lmx" run --log "file:$b" --exit-when-caught-up > "$tmp/run_b.out" 2> "$tmp/run_b.err" ||
  fail "full replay run failed: $(cat "$tmp/run_b.err")"
expect_grep "^applied $((n + m)) events .* after no snapshot \(full replay\)" "$tmp/run_b.out" \
  "full replay"
check_state "$b" "$tmp/all.jsonl" "full replay"
check_results "$b" "$tmp/all.jsonl" "full replay"
"$lmx" export --log "file:$a" > "$tmp/export_a"
"$lmx" export --log "file:$b" > "$tmp/export_b"
expect_same "$tmp/export_a" "$tmp/export_b" "snapshot + replay vs full replay"
# The generator writes what `lmx generate` prints, and results carry the same reasons
# position by position, so the two directories hold the same journal and results.
expect_same "$a/journal/00000000000000000001.seg" "$b/journal/00000000000000000001.seg" \
  "journal of the generator vs journal of the same events as JSON lines"
"$lmx" inspect results "$a" > "$tmp/results_a"
"$lmx" inspect results "$b" > "$tmp/results_b"
expect_same "$tmp/results_a" "$tmp/results_b" "results, snapshot + replay vs full replay"
echo "snapshot_replay: ok"
