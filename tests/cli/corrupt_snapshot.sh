#!/usr/bin/env bash
# A damaged newest snapshot is reported and the previous one used; with every snapshot
# damaged, recovery starts from the empty state and replays the whole journal. Either way
# the export equals `lmx apply` of the journal and each input position gets one result.
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib/recovery.bash
source "$(dirname "$0")/lib/recovery.bash"

d=$tmp/data
workload=(--users 150 --items 30)
snap() { printf '%s/snapshots/snapshot-%020d-%020d.lmxs' "$d" 0 "$1"; }
: > "$tmp/all.jsonl"
# produce_and_run SEED EVENTS [run]: appends generated events, then optionally runs the
# engine to the end of the log (one snapshot there).
produce_and_run() {
  "$lmx" generate --events "$2" "${workload[@]}" --seed "$1" > "$tmp/batch.jsonl"
  "$lmx" produce --log "file:$d" --input "$tmp/batch.jsonl" 2> /dev/null
  cat "$tmp/batch.jsonl" >> "$tmp/all.jsonl"
  if [[ ${3:-} == run ]]; then
    "$lmx" run --log "file:$d" --exit-when-caught-up > /dev/null 2> "$tmp/run.err" ||
      fail "run: $(cat "$tmp/run.err")"
  fi
}
produce_and_run 41 4000 run
produce_and_run 42 3000 run
produce_and_run 43 2000 # a tail that no snapshot covers
[[ -f $(snap 4000) && -f $(snap 7000) ]] || fail "expected snapshots at 4000 and 7000: $(ls "$d/snapshots")"

# The newest snapshot damaged: a flipped payload byte.
flip_byte "$(snap 7000)" 100
if "$lmx" inspect snapshot "$(snap 7000)" > "$tmp/inspect.out"; then
  fail "inspect snapshot accepts a flipped byte: $(cat "$tmp/inspect.out")"
fi
expect_grep "^DAMAGE: .*checksum" "$tmp/inspect.out" "inspect of the damaged snapshot"
"$lmx" inspect snapshot "$(snap 4000)" > "$tmp/inspect.out" ||
  fail "the older snapshot is damaged too: $(cat "$tmp/inspect.out")"

"$lmx" export --log "file:$d" > "$tmp/export" 2> "$tmp/export.err"
expect_grep "snapshot skipped: $(basename "$(snap 7000)"): .*checksum" "$tmp/export.err" \
  "export over a damaged newest snapshot"
check_state "$d" "$tmp/all.jsonl" "export from the previous snapshot"
"$lmx" run --log "file:$d" --exit-when-caught-up > "$tmp/run.out" 2> "$tmp/run.err" ||
  fail "run over a damaged newest snapshot: $(cat "$tmp/run.err")"
expect_grep "snapshot skipped: $(basename "$(snap 7000)"): .*checksum" "$tmp/run.err" \
  "run over a damaged newest snapshot"
expect_grep "^replayed and applied 5000 events .* after snapshot at position 0-4000; now at position 0-9000 " \
  "$tmp/run.out" "run over a damaged newest snapshot"
check_state "$d" "$tmp/all.jsonl" "after the run from the previous snapshot"
check_results "$d" "$tmp/all.jsonl" "after the run from the previous snapshot"

# Every snapshot damaged, three ways: flipped payload byte (7000), cut short (9000, the
# one the last run wrote), flipped magic (4000).
"$lmx" inspect snapshot "$(snap 9000)" > /dev/null || fail "the final snapshot at 9000 is damaged"
truncate -s -9 "$(snap 9000)"
flip_byte "$(snap 4000)" 0
for p in 4000 7000 9000; do
  if "$lmx" inspect snapshot "$(snap $p)" > "$tmp/inspect.out"; then
    fail "inspect snapshot accepts the damaged snapshot at $p"
  fi
  expect_grep "^DAMAGE: " "$tmp/inspect.out" "inspect of the damaged snapshot at $p"
done
"$lmx" export --log "file:$d" > /dev/null 2> "$tmp/export.err"
for p in 4000 7000 9000; do
  expect_grep "snapshot skipped: $(basename "$(snap $p)")" "$tmp/export.err" "export, all damaged"
done
check_state "$d" "$tmp/all.jsonl" "export from the empty state"
produce_and_run 44 1000
"$lmx" run --log "file:$d" --exit-when-caught-up > "$tmp/run.out" 2> "$tmp/run.err" ||
  fail "run with every snapshot damaged: $(cat "$tmp/run.err")"
expect_grep "^applied 10000 events .* after no snapshot \(full replay\); now at position 0-10000 " \
  "$tmp/run.out" "run with every snapshot damaged"
expect_grep "^final snapshot at position 0-10000\$" "$tmp/run.out" "run with every snapshot damaged"
check_state "$d" "$tmp/all.jsonl" "after a full replay"
check_results "$d" "$tmp/all.jsonl" "after a full replay"

# The new snapshot is sound, and the next reader uses it without a warning.
"$lmx" inspect snapshot "$(snap 10000)" > /dev/null || fail "the new snapshot at 10000 is damaged"
"$lmx" export --log "file:$d" > /dev/null 2> "$tmp/export.err"
if grep -q "snapshot skipped" "$tmp/export.err"; then
  fail "a sound newest snapshot was skipped: $(cat "$tmp/export.err")"
fi
echo "corrupt_snapshot: ok"
