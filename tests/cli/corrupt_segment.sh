#!/usr/bin/env bash
# A bad record before the tail of the journal is damage: `lmx run`, `lmx export` and
# `lmx produce` stop with an error naming the segment and the offset, `lmx inspect journal`
# reports it with exit status 1, no result or snapshot goes past it, and the journal is
# left untouched. Nothing is silently skipped, even when a snapshot already covers it.
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib/recovery.bash
source "$(dirname "$0")/lib/recovery.bash"

d=$tmp/data
segname=00000000000000000001.seg
seg=$d/journal/$segname
topup_record=43 # 24-byte record header + 19-byte topup payload without an id (docs/FORMATS.md)
# 200 topups first, so that record k starts at offset (k - 1) * 43, then a generated load.
for ((u = 1; u <= 200; u++)); do echo "{\"type\":\"topup\",\"user_id\":$u,\"amount\":100}"; done \
  > "$tmp/topups.jsonl"
"$lmx" generate --events 3000 --users 200 --items 30 --seed 31 > "$tmp/gen.jsonl"
cat "$tmp/topups.jsonl" "$tmp/gen.jsonl" > "$tmp/all.jsonl"
"$lmx" produce --log "file:$d" --input "$tmp/topups.jsonl" 2> /dev/null
[[ $(stat -c %s "$seg") -eq $((200 * topup_record)) ]] || fail "a topup record is not $topup_record bytes"
"$lmx" produce --log "file:$d" --input "$tmp/gen.jsonl" 2> /dev/null
check_state "$d" "$tmp/all.jsonl" "before any damage"
cp -a "$d" "$tmp/pristine"

# expect_refused RECORD PROBLEM WHAT: every reader and writer refuses the journal, naming
# the segment and the offset of RECORD, and leaves it as it is.
expect_refused() {
  local offset=$((($1 - 1) * topup_record)) where
  where="$2 in segment $segname at offset $offset"
  cp "$seg" "$tmp/damaged.seg"
  if "$lmx" inspect journal "$d" > "$tmp/inspect.out"; then fail "$3: inspect journal exit 0"; fi
  expect_grep "^DAMAGE: $where\$" "$tmp/inspect.out" "$3: inspect journal"
  expect_grep "^damaged\$" "$tmp/inspect.out" "$3: inspect journal"
  if "$lmx" run --log "file:$d" --exit-when-caught-up > "$tmp/run.out" 2> "$tmp/run.err"; then
    fail "$3: lmx run succeeded over a damaged journal: $(cat "$tmp/run.out")"
  fi
  expect_grep "$where" "$tmp/run.err" "$3: lmx run"
  if "$lmx" export --log "file:$d" > /dev/null 2> "$tmp/export.err"; then fail "$3: export exit 0"; fi
  expect_grep "$where" "$tmp/export.err" "$3: lmx export"
  if "$lmx" produce --log "file:$d" --input "$tmp/topups.jsonl" 2> "$tmp/produce.err"; then
    fail "$3: produce appended to a damaged journal"
  fi
  expect_grep "$where" "$tmp/produce.err" "$3: lmx produce"
  expect_same "$tmp/damaged.seg" "$seg" "$3: the damaged segment must be left alone"
  # Nothing was published past the damage.
  "$lmx" inspect results "$d" > "$tmp/results.txt"
  local last
  last=$(tail -n 1 "$tmp/results.txt" | cut -d' ' -f1)
  last=${last#0-}  # journal sequence N prints as 0-N
  ((${last:-0} < $1)) || fail "$3: a result for position $last, past the damaged record $1"
  ls "$d/snapshots" > "$tmp/snapshots.txt"
  while read -r name; do
    local position=${name#snapshot-00000000000000000000-}
    position=$((10#${position%.lmxs}))
    ((position < $1)) || fail "$3: snapshot $name past the damaged record $1"
  done < "$tmp/snapshots.txt"
}

restore() {
  rm -rf "$d"
  cp -a "$tmp/pristine" "$d"
}

# A flipped payload byte in record 50, with no snapshot yet.
flip_byte "$seg" $((49 * topup_record + 30))
expect_refused 50 "checksum mismatch" "payload byte of record 50"

# A flipped sequence byte in record 120: the checksum covers the header too.
restore
flip_byte "$seg" $((119 * topup_record + 16))
expect_refused 120 "checksum mismatch" "sequence byte of record 120"

# A flipped magic byte in record 7: a bad header with records after it.
restore
flip_byte "$seg" $((6 * topup_record))
expect_refused 7 "bad record header" "magic of record 7"

# The damage is refused even when the newest snapshot already covers the record.
restore
"$lmx" run --log "file:$d" --exit-when-caught-up > /dev/null 2> "$tmp/run.err" ||
  fail "run before the damage: $(cat "$tmp/run.err")"
n=$(wc -l < "$tmp/all.jsonl")
[[ -f $d/snapshots/$(printf 'snapshot-%020d-%020d.lmxs' 0 "$n") ]] || fail "no snapshot at $n"
flip_byte "$seg" $((9 * topup_record + 30))
if "$lmx" run --log "file:$d" --exit-when-caught-up > /dev/null 2> "$tmp/run.err"; then
  fail "damage behind the snapshot: lmx run succeeded"
fi
expect_grep "checksum mismatch in segment $segname at offset $((9 * topup_record))" "$tmp/run.err" \
  "damage behind the snapshot: lmx run"
if "$lmx" inspect journal "$d" > "$tmp/inspect.out"; then fail "damage behind the snapshot: inspect exit 0"; fi

# Restored, the same journal is whole again: the failures above came from the damage only.
restore
check_state "$d" "$tmp/all.jsonl" "restored journal"
echo "corrupt_segment: ok"
