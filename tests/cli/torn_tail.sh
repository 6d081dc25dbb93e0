#!/usr/bin/env bash
# A torn tail (a crash mid-append) is truncated by the next writer with a warning that
# names the offset; until then readers stop before it. Covered: a record cut short, a last
# record whose checksum fails, short garbage and zeros after the last record. Longer
# garbage with a bad header is not a tail lmx may guess about: it is damage and refused.
# After each repair the export equals `lmx apply` of the events that survived. A tail lost
# after a snapshot covered it makes recovery refuse that snapshot.
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib/recovery.bash
source "$(dirname "$0")/lib/recovery.bash"

d=$tmp/data
seg=$d/journal/00000000000000000001.seg
segname=00000000000000000001.seg
topup_record=43 # 24-byte record header + 19-byte topup payload without an id (docs/FORMATS.md)
workload=(--users 100 --items 30)
size() { stat -c %s "$1"; }

"$lmx" generate --events 5000 "${workload[@]}" --seed 21 > "$tmp/gen.jsonl"
"$lmx" produce --log "file:$d" --input "$tmp/gen.jsonl" 2> /dev/null
for u in 1 2 3; do echo "{\"type\":\"topup\",\"user_id\":$u,\"amount\":7}"; done > "$tmp/topups.jsonl"
before=$(size "$seg")
"$lmx" produce --log "file:$d" --input "$tmp/topups.jsonl" 2> /dev/null
s=$(size "$seg")
[[ $((s - before)) -eq $((3 * topup_record)) ]] || fail "a topup record is not $topup_record bytes"
cat "$tmp/gen.jsonl" "$tmp/topups.jsonl" > "$tmp/all.jsonl"
check_state "$d" "$tmp/all.jsonl" "before any damage"

# expect_torn OFFSET PROBLEM WHAT: inspect sees a torn tail there (not damage, exit 0).
expect_torn() {
  "$lmx" inspect journal "$d" > "$tmp/inspect.out" ||
    fail "$3: inspect journal calls a torn tail damage: $(cat "$tmp/inspect.out")"
  expect_grep "^torn tail \(truncated by the next writer\): $2 in segment $segname at offset $1\$" \
    "$tmp/inspect.out" "$3: inspect journal"
}

# expect_repaired OFFSET PROBLEM EVENTS WHAT: the next writer truncates the tail at OFFSET
# with a warning, appends EVENTS after it, and the journal is clean again.
expect_repaired() {
  "$lmx" produce --log "file:$d" --input "$3" 2> "$tmp/produce.err" ||
    fail "$4: produce after a torn tail: $(cat "$tmp/produce.err")"
  expect_grep "truncating the torn tail of journal segment $seg at offset $1 \($2, [0-9]+ bytes\)" \
    "$tmp/produce.err" "$4: writer open"
  "$lmx" inspect journal "$d" > "$tmp/inspect.out" ||
    fail "$4: journal damaged after the repair: $(cat "$tmp/inspect.out")"
  if grep -q "torn tail" "$tmp/inspect.out"; then fail "$4: torn tail left after the repair"; fi
}

# 1. The last record cut 5 bytes short: the engine and export read up to it, read-only.
truncate -s $((s - 5)) "$seg"
expect_torn $((s - topup_record)) "file ends mid-record" "cut record"
head -n -1 "$tmp/all.jsonl" > "$tmp/survived.jsonl"
"$lmx" apply "$tmp/survived.jsonl" > "$tmp/expected.export"
"$lmx" export --log "file:$d" > "$tmp/actual.export"
expect_same "$tmp/expected.export" "$tmp/actual.export" "cut record: export before the repair"
[[ $(size "$seg") -eq $((s - 5)) ]] || fail "cut record: lmx export modified the journal"
"$lmx" run --log "file:$d" --exit-when-caught-up > "$tmp/run.out" 2> "$tmp/run.err" ||
  fail "cut record: run: $(cat "$tmp/run.err")"
n=$(wc -l < "$tmp/survived.jsonl")
expect_grep "^applied $n events .* now at position 0-$n " "$tmp/run.out" "cut record: run"
[[ $(size "$seg") -eq $((s - 5)) ]] || fail "cut record: lmx run modified the journal"
"$lmx" generate --events 1000 "${workload[@]}" --seed 22 > "$tmp/more.jsonl"
expect_repaired $((s - topup_record)) "file ends mid-record" "$tmp/more.jsonl" "cut record"
cat "$tmp/survived.jsonl" "$tmp/more.jsonl" > "$tmp/all.jsonl"
"$lmx" run --log "file:$d" --exit-when-caught-up > "$tmp/run.out" 2> "$tmp/run.err" ||
  fail "cut record: run after the repair: $(cat "$tmp/run.err")"
expect_grep "^replayed and applied 1000 events .* after snapshot at position 0-$n;" "$tmp/run.out" \
  "cut record: run after the repair"
check_state "$d" "$tmp/all.jsonl" "cut record"
check_results "$d" "$tmp/all.jsonl" "cut record"

# 2. A whole last record whose checksum fails (its last byte flipped before the data hit the
# disk) is a torn tail too. It was never read by an engine: appended after the last run.
"$lmx" produce --log "file:$d" --input "$tmp/topups.jsonl" 2> /dev/null
s=$(size "$seg")
printf '\xff' | dd of="$seg" bs=1 seek=$((s - 1)) conv=notrunc status=none
expect_torn $((s - topup_record)) "checksum mismatch" "bad last checksum"
head -n 2 "$tmp/topups.jsonl" >> "$tmp/all.jsonl"
expect_repaired $((s - topup_record)) "checksum mismatch" /dev/null "bad last checksum"
check_state "$d" "$tmp/all.jsonl" "bad last checksum"

# 3. Short garbage after the last record (less than a record header).
s=$(size "$seg")
printf 'garbage!!' >> "$seg"
expect_torn "$s" "file ends mid-record" "short garbage"
expect_repaired "$s" "file ends mid-record" "$tmp/topups.jsonl" "short garbage"
cat "$tmp/topups.jsonl" >> "$tmp/all.jsonl"
check_state "$d" "$tmp/all.jsonl" "short garbage"

# 4. Zeros after the last record (the file grew before the data landed).
s=$(size "$seg")
truncate -s $((s + 4096)) "$seg"
expect_torn "$s" "bad record header" "zeros"
expect_repaired "$s" "bad record header" /dev/null "zeros"
check_state "$d" "$tmp/all.jsonl" "zeros"
"$lmx" run --log "file:$d" --exit-when-caught-up > /dev/null 2> "$tmp/run.err" ||
  fail "run after the repairs: $(cat "$tmp/run.err")"
check_results "$d" "$tmp/all.jsonl" "after the repairs"

# 5. A header's worth of non-zero garbage is not a torn append: damage, refused as such by
# writers, readers and inspect, and the journal is left as it is.
s=$(size "$seg")
head -c 100 /dev/zero | tr '\0' 'x' >> "$seg"
cp "$seg" "$tmp/damaged.seg"
if "$lmx" inspect journal "$d" > "$tmp/inspect.out"; then fail "garbage: inspect journal exit 0"; fi
expect_grep "^DAMAGE: bad record header in segment $segname at offset $s\$" "$tmp/inspect.out" \
  "garbage: inspect journal"
if "$lmx" produce --log "file:$d" --input "$tmp/topups.jsonl" 2> "$tmp/produce.err"; then
  fail "garbage: produce appended after damage"
fi
expect_grep "bad record header in segment $segname at offset $s" "$tmp/produce.err" "garbage: produce"
if "$lmx" export --log "file:$d" > /dev/null 2> "$tmp/export.err"; then fail "garbage: export exit 0"; fi
expect_grep "bad record header in segment $segname at offset $s" "$tmp/export.err" "garbage: export"
expect_same "$tmp/damaged.seg" "$seg" "garbage: the damaged segment must be left alone"

# 6. A tail lost after the engine applied and snapshotted it (cut by hand here; a power
# failure before the tail reached the disk does the same): the snapshot is ahead of the
# journal, and replaying after it would skip the events appended next at the lost
# positions. Recovery refuses it instead.
e=$tmp/ahead
"$lmx" produce --log "file:$e" --input "$tmp/gen.jsonl" 2> /dev/null
"$lmx" produce --log "file:$e" --input "$tmp/topups.jsonl" 2> /dev/null
"$lmx" run --log "file:$e" --exit-when-caught-up > /dev/null 2> "$tmp/run.err" ||
  fail "lost tail: first run: $(cat "$tmp/run.err")"
truncate -s $(($(size "$e/journal/$segname") - 2 * topup_record)) "$e/journal/$segname"
ahead="snapshot at position 0-5003 is ahead of the end of the log \(position 0-5001\)"
if "$lmx" run --log "file:$e" --exit-when-caught-up > /dev/null 2> "$tmp/run.err"; then
  fail "lost tail: lmx run replayed after a snapshot ahead of the journal"
fi
expect_grep "$ahead" "$tmp/run.err" "lost tail: lmx run"
if "$lmx" export --log "file:$e" > /dev/null 2> "$tmp/export.err"; then
  fail "lost tail: lmx export used a snapshot ahead of the journal"
fi
expect_grep "$ahead" "$tmp/export.err" "lost tail: lmx export"
echo "torn_tail: ok"
