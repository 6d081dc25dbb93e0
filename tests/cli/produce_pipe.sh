#!/usr/bin/env bash
# `lmx produce --input` from a pipe appends what arrived within a bounded delay, without
# waiting for a full batch or the end of the input (`tail -f events | lmx produce --input -`):
# lines written into a pipe that stays open become visible in the journal while it is still
# open, also when lines keep trickling in without a pause, and through a FIFO named as
# --input. After the pipe closes, the journal holds every event exactly once.
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
producer=
trickler=
cleanup() {
  # Only the processes this script started, by pid.
  for pid in $producer $trickler; do kill "$pid" 2> /dev/null || true; done
  wait 2> /dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
# shellcheck source-path=SCRIPTDIR source=lib/recovery.bash
source "$(dirname "$0")/lib/recovery.bash"

"$lmx" generate --events 6000 --users 50 --items 20 --seed 5 > "$tmp/gen.jsonl"

# records DIR: the records in DIR's journal, 0 before the producer created it.
records() {
  [[ -d $1/journal ]] || { echo 0; return; }
  "$lmx" inspect journal "$1" | sed -nE 's/^segments [0-9]+  records ([0-9]+) .*/\1/p'
}

# wait_records DIR N WHAT: until DIR's journal holds N records (10 s at most), the producer
# still running: the events were appended before its input ended.
wait_records() {
  local got=0
  for _ in $(seq 100); do
    got=$(records "$1")
    [[ $got -ge $2 ]] && break
    sleep 0.1
  done
  [[ $got -eq $2 ]] || fail "$3: the journal holds $got records after 10 s, not $2"
  kill -0 "$producer" 2> /dev/null || fail "$3: the producer is gone: $(cat "$tmp/produce.err")"
}

# finish WHAT: the producer exits 0 once its input closed.
finish() {
  local status=0
  wait "$producer" || status=$?
  producer=
  [[ $status -eq 0 ]] || fail "$1: produce exit $status: $(cat "$tmp/produce.err")"
}

# 1. stdin from a FIFO whose write end this script holds open.
d=$tmp/stdin
mkfifo "$tmp/fifo"
"$lmx" produce --log "file:$d" --input - < "$tmp/fifo" 2> "$tmp/produce.err" &
producer=$!
exec 3> "$tmp/fifo"
head -n 3 "$tmp/gen.jsonl" >&3
wait_records "$d" 3 "three lines"
sed -n 4,5p "$tmp/gen.jsonl" >&3
wait_records "$d" 5 "two more lines"
# More than a batch (4096) at once, then nothing: the full batch and the rest both land.
sed -n 6,5000p "$tmp/gen.jsonl" >&3
wait_records "$d" 5000 "a burst"
# A trickle without pauses longer than the flush delay: still appended as it goes.
(
  sed -n 5001,5300p "$tmp/gen.jsonl" | while IFS= read -r line; do
    printf '%s\n' "$line"
    sleep 0.01
  done
) >&3 &
trickler=$!
for _ in $(seq 100); do
  [[ $(records "$d") -gt 5000 ]] && break
  sleep 0.1
done
kill -0 "$trickler" 2> /dev/null || fail "trickle: over before anything was seen (too fast a machine?)"
[[ $(records "$d") -gt 5000 ]] || fail "trickle: nothing appended while lines kept coming"
wait "$trickler"
trickler=
sed -n '5301,$p' "$tmp/gen.jsonl" >&3
exec 3>&-
finish "stdin"
expect_grep "^appended 6000 events" "$tmp/produce.err" "stdin: summary"
check_state "$d" "$tmp/gen.jsonl" "stdin"

# 2. A FIFO named as --input, its write end held open by this script.
e=$tmp/named
rm "$tmp/fifo"
mkfifo "$tmp/fifo"
"$lmx" produce --log "file:$e" --input "$tmp/fifo" 2> "$tmp/produce.err" &
producer=$!
exec 3> "$tmp/fifo"
head -n 7 "$tmp/gen.jsonl" >&3
wait_records "$e" 7 "named FIFO"
exec 3>&-
finish "named FIFO"
head -n 7 "$tmp/gen.jsonl" > "$tmp/seven.jsonl"
check_state "$e" "$tmp/seven.jsonl" "named FIFO"
echo "produce_pipe: ok"
