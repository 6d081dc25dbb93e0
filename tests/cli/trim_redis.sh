#!/usr/bin/env bash
# lmx trim on a Redis Stream: entries below the oldest kept snapshot go (XTRIM MINID), the
# entry at it stays, and results go by the entry they answer. A crash between the two
# XTRIMs (the events trimmed by hand here, the results not) is harmless: the engine
# recovers and the next trim removes the results. lmx run --trim-after-snapshot trims by
# itself, an engine that has only the oldest snapshot left recovers from it, and a replay
# from the start of a trimmed stream refuses to skip what is gone.
# Needs LMX_TEST_REDIS_URL (scripts/test.sh starts a private server); skipped without it.
set -euo pipefail
lmx=$1
# shellcheck source-path=SCRIPTDIR source=lib/test_stream.bash
source "$(dirname "$0")/lib/test_stream.bash"
# shellcheck source-path=SCRIPTDIR source=lib/recovery.bash
source "$(dirname "$0")/lib/recovery.bash"
redis() { redis-cli -u "$LMX_TEST_REDIS_URL" "$@"; }

: > "$tmp/all.jsonl"
ends=()
# round SEED [RUN OPTIONS]: appends 2000 events, runs the engine to the end (one snapshot
# at the round's last entry, whose id is pushed on `ends`).
round() {
  "$lmx" generate --events 2000 --users 200 --items 30 --seed "$1" > "$tmp/round.jsonl"
  cat "$tmp/round.jsonl" >> "$tmp/all.jsonl"
  "$lmx" produce --log "$url" --input "$tmp/round.jsonl" 2> /dev/null
  "$lmx" run --log "$url" --exit-when-caught-up "${@:2}" > "$tmp/run.out" 2> "$tmp/run.err" ||
    fail "run of round $1 failed: $(cat "$tmp/run.err")"
  ends+=("$(redis XREVRANGE "$stream" + - COUNT 1 | head -1)")
}
# The `pos` of the oldest result.
first_result_pos() { redis XRANGE "$stream:results" - + COUNT 1 | sed -n 3p; }
expect_export() {
  "$lmx" apply "$tmp/all.jsonl" > "$tmp/expected.export"
  "$lmx" export --log "$url" > "$tmp/actual.export" 2> /dev/null || fail "$1: lmx export failed"
  expect_same "$tmp/expected.export" "$tmp/actual.export" "$1: export"
}

for seed in 1 2 3 4; do round $seed; done
# Snapshots at ends[1], ends[2], ends[3] are kept: the oldest is ends[1], the 4000th entry.
"$lmx" digest --log "$url" > "$tmp/digest.before"

# A trim that crashed after trimming the events, before the results.
redis XTRIM "$stream" MINID "${ends[1]}" > /dev/null
[[ $(redis XLEN "$stream") -eq 4001 ]] || fail "XTRIM by hand left $(redis XLEN "$stream") entries"
"$lmx" run --log "$url" --exit-when-caught-up > "$tmp/run.out" 2> "$tmp/run.err" ||
  fail "run after a half-done trim failed: $(cat "$tmp/run.err")"
expect_grep "after snapshot at position ${ends[3]};" "$tmp/run.out" "run after a half-done trim"
expect_export "after a half-done trim"
"$lmx" digest --log "$url" > "$tmp/digest.after"
expect_same "$tmp/digest.before" "$tmp/digest.after" "digest after the trim"
"$lmx" trim --log "$url" > "$tmp/trim.out" 2> "$tmp/trim.err" ||
  fail "lmx trim failed: $(cat "$tmp/trim.err")"
expect_grep "before the snapshot at ${ends[1]}, removed 0 entries and 3999 results; the log now starts at ${ends[1]}, the results at [0-9]+-[0-9]+\$" \
  "$tmp/trim.out" "the trim after a half-done one"
[[ $(first_result_pos) == "${ends[1]}" ]] ||
  fail "the oldest result answers $(first_result_pos), not ${ends[1]}"
[[ $(redis XLEN "$stream:results") -eq 4001 ]] || fail "$(redis XLEN "$stream:results") results kept"

# An engine trimming after its snapshot: the one at ends[4] leaves ends[2] the oldest.
round 5 --trim-after-snapshot
expect_grep "trimmed the log before the snapshot at ${ends[2]}, removed 2000 entries and 2000 results; the log now starts at ${ends[2]}" \
  "$tmp/run.err" "lmx run --trim-after-snapshot"
[[ $(first_result_pos) == "${ends[2]}" ]] ||
  fail "the oldest result answers $(first_result_pos), not ${ends[2]}"
expect_export "after run --trim-after-snapshot"

# With the two newer snapshots gone, the engine recovers from the oldest: the log still
# holds the entry at its position.
for key in $(redis ZRANGE "$stream:snapshots" -2 -1); do
  redis ZREM "$stream:snapshots" "$key" > /dev/null
  redis DEL "$key" > /dev/null
done
"$lmx" run --log "$url" --exit-when-caught-up > "$tmp/run.out" 2> "$tmp/run.err" ||
  fail "run from the oldest snapshot failed: $(cat "$tmp/run.err")"
expect_grep "^replayed and applied 4000 events .* after snapshot at position ${ends[2]};" \
  "$tmp/run.out" "run from the oldest snapshot"
expect_export "after recovering from the oldest snapshot"

# Without its snapshots a trimmed stream cannot be replayed from the start, and says so.
redis --scan --pattern "$stream:snapshot*" |
  xargs -r redis-cli -u "$LMX_TEST_REDIS_URL" DEL > /dev/null
if "$lmx" export --log "$url" > /dev/null 2> "$tmp/export.err"; then
  fail "export of a trimmed stream without its snapshots succeeded"
fi
expect_grep "starts at ${ends[2]}: entries before it were deleted .*, and reading after 0-0 needs them" \
  "$tmp/export.err" "export without snapshots"
echo "trim_redis: ok"
