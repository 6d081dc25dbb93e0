#!/usr/bin/env bash
# lmx trim on the file journal: whole segments before the oldest kept snapshot go, the
# entry at it stays; export, digest and results read the same before and after; a restart
# recovers and carries on; a trim interrupted after its first segment still recovers; a
# reader that needs trimmed entries says so; lmx run --trim-after-snapshot trims by itself.
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib/recovery.bash
source "$(dirname "$0")/lib/recovery.bash"

# Segments of 64 KiB: each produce batch of 4096 events starts one.
small=(--segment-size 64KiB)
d=$tmp/data
: > "$tmp/all.jsonl"
# round SEED: appends 8000 events and runs the engine to the end (one snapshot each).
round() {
  "$lmx" generate --events 8000 --users 300 --items 40 --seed "$1" > "$tmp/round.jsonl"
  cat "$tmp/round.jsonl" >> "$tmp/all.jsonl"
  "$lmx" produce --log "file:$d" --input "$tmp/round.jsonl" "${small[@]}" 2> /dev/null
  "$lmx" run --log "file:$d" --exit-when-caught-up "${small[@]}" "${@:2}" > "$tmp/run.out" \
    2> "$tmp/run.err" || fail "run of round $1 failed: $(cat "$tmp/run.err")"
}

# expect_results DIR FIRST: the results journal holds one result per position FIRST..end,
# each with the reason `lmx apply` gives that event.
expect_results() {
  "$lmx" apply --results "$tmp/expected.results" "$tmp/all.jsonl" > /dev/null
  tail -n "+$2" "$tmp/expected.results" > "$tmp/expected.tail"
  "$lmx" inspect results "$1" > "$tmp/actual.results" || fail "lmx inspect results $1 failed"
  expect_same "$tmp/expected.tail" "$tmp/actual.results" "results from 0-$2"
}

# With no snapshot yet, nothing may go.
"$lmx" generate --events 10 --seed 9 > "$tmp/few.jsonl"
"$lmx" produce --log "file:$tmp/fresh" --input "$tmp/few.jsonl" 2> /dev/null
"$lmx" trim --log "file:$tmp/fresh" > "$tmp/fresh.out"
expect_grep "^nothing removed: .* has no valid snapshot" "$tmp/fresh.out" "trim without a snapshot"

for seed in 1 2 3 4; do round $seed; done
# Snapshots at 0-16000, 0-24000, 0-32000 are kept; event segments start at 1, 4097, 8001,
# 12097, 16001, ...: the first three hold only entries before 0-16000.
"$lmx" export --log "file:$d" > "$tmp/export.before"
"$lmx" digest --log "file:$d" > "$tmp/digest.before"
cp -a "$d" "$tmp/interrupted"
cp -a "$d" "$tmp/unsnapshotted"

"$lmx" trim --log "file:$d" > "$tmp/trim.out" 2> "$tmp/trim.err" ||
  fail "lmx trim failed: $(cat "$tmp/trim.err")"
expect_grep "before the snapshot at 0-16000, removed 12096 entries \(3 segments, [0-9.]+ MB\) and [0-9]+ results \([0-9]+ segments, [0-9.]+ MB\); the log now starts at 0-12097, the results at 0-[0-9]+\$" \
  "$tmp/trim.out" "lmx trim"
results_start=$(sed -E 's/.*the results at 0-([0-9]+)$/\1/' "$tmp/trim.out")
((results_start > 1 && results_start <= 16000)) || fail "results now start at 0-$results_start"
"$lmx" export --log "file:$d" > "$tmp/export.after"
"$lmx" digest --log "file:$d" > "$tmp/digest.after"
expect_same "$tmp/export.before" "$tmp/export.after" "export after the trim"
expect_same "$tmp/digest.before" "$tmp/digest.after" "digest after the trim"
"$lmx" inspect journal "$d" > "$tmp/journal.report" ||
  fail "inspect journal after the trim: $(cat "$tmp/journal.report")"
expect_grep "records 19904  sequences 12097\.\.32000\$" "$tmp/journal.report" "inspect journal"
expect_results "$d" "$results_start"
"$lmx" trim --log "file:$d" > "$tmp/trim2.out"
expect_grep "removed 0 entries and 0 results; the log now starts at 0-12097" "$tmp/trim2.out" \
  "a second trim to the same snapshot"

# A restart recovers from its snapshot, appends and results carry on.
round 5
expect_grep "after snapshot at position 0-32000; now at position 0-40000 " "$tmp/run.out" \
  "restart after the trim"
"$lmx" apply "$tmp/all.jsonl" > "$tmp/expected.export"
"$lmx" export --log "file:$d" > "$tmp/export.restarted"
expect_same "$tmp/expected.export" "$tmp/export.restarted" "export after a restart"
expect_results "$d" "$results_start"

# A crash mid-trim removes the oldest segments first: with only the first gone, the log
# still recovers, and the next trim finishes.
rm "$tmp/interrupted/journal/00000000000000000001.seg"
"$lmx" export --log "file:$tmp/interrupted" > "$tmp/export.interrupted"
expect_same "$tmp/export.before" "$tmp/export.interrupted" "export after an interrupted trim"
"$lmx" run --log "file:$tmp/interrupted" --exit-when-caught-up > /dev/null 2>&1 ||
  fail "run after an interrupted trim failed"
"$lmx" trim --log "file:$tmp/interrupted" > "$tmp/trim3.out"
expect_grep "removed 8000 entries \(2 segments.*the log now starts at 0-12097" "$tmp/trim3.out" \
  "the trim after an interrupted one"

# An engine trimming after each snapshot keeps the log from its oldest snapshot on.
d=$tmp/unsnapshotted
round 6 --trim-after-snapshot
expect_grep "trimmed the log before the snapshot at 0-24000, removed 20096 entries" \
  "$tmp/run.err" "lmx run --trim-after-snapshot"

# Without its snapshots a trimmed log cannot be replayed from the start, and says so.
mkdir "$tmp/moved"
mv "$tmp/data/snapshots/"*.lmxs "$tmp/moved/"
if "$lmx" export --log "file:$tmp/data" > /dev/null 2> "$tmp/export.err"; then
  fail "export of a trimmed log without its snapshots succeeded"
fi
expect_grep "starts at 0-12097: entries before it were trimmed, and reading from 0-1 needs them" \
  "$tmp/export.err" "export without snapshots"
echo "trim: ok"
