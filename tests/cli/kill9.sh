#!/usr/bin/env bash
# kill -9 of `lmx run` at random moments while a producer appends, in a bounded loop, and
# kill -9 of producers mid-append: after the last restart the state equals `lmx apply` of
# exactly the events in the journal (nothing lost, nothing applied twice), the results
# journal answers every input position exactly once with the reference reason, and the
# journal a killed producer left behind is repaired by the next writer and stays valid.
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
engine=
producer=
cleanup() {
  # Only the processes this script started, by pid.
  for pid in $engine $producer; do kill -9 "$pid" 2> /dev/null || true; done
  wait 2> /dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
# shellcheck source-path=SCRIPTDIR source=lib/recovery.bash
source "$(dirname "$0")/lib/recovery.bash"

iterations=10
batch_events=3000         # a normal producer: one run of the loop
killed_batch_events=25000 # a producer that is killed: several append batches of 4096
producer_kill_iterations=" 3 7 "
workload=(--users 100 --items 30)
d=$tmp/data
all=$tmp/all.jsonl # the events in the journal, in journal order
: > "$all"
resumed=0
producers_killed=0
torn_tails=0

journal_records() {
  "$lmx" inspect journal "$d" > "$tmp/journal.report" ||
    fail "journal damaged: $(cat "$tmp/journal.report")"
  sed -n 's/^segments [0-9]*  records \([0-9]*\)  .*/\1/p' "$tmp/journal.report"
}

journal_bytes() {
  local total=0 f
  for f in "$d"/journal/*.seg; do
    [[ -f $f ]] && total=$((total + $(stat -c %s "$f")))
  done
  echo $total
}

for ((i = 1; i <= iterations; i++)); do
  kill_producer=false
  [[ $producer_kill_iterations == *" $i "* ]] && kill_producer=true
  events=$batch_events
  $kill_producer && events=$killed_batch_events
  "$lmx" generate --events $events "${workload[@]}" --seed $((100 + i)) > "$tmp/batch$i.jsonl"

  "$lmx" run --log "file:$d" --snapshot-interval 200ms --status-interval 1h \
    > "$tmp/run$i.out" 2> "$tmp/run$i.err" &
  engine=$!
  before=$(journal_bytes)
  "$lmx" produce --log "file:$d" --input "$tmp/batch$i.jsonl" 2> "$tmp/produce$i.err" &
  producer=$!

  if $kill_producer; then
    # Kill it once its first batch is in the journal, with more batches still to come.
    for ((t = 0; t < 500; t++)); do
      [[ $(journal_bytes) -gt $before ]] && break
      sleep 0.01
    done
    sleep "$(random_ms 0 30)"
    kill -9 $producer 2> /dev/null || true
    rc=0
    wait $producer 2> /dev/null || rc=$?
    producer=
    if [[ $rc -eq 137 ]]; then
      producers_killed=$((producers_killed + 1))
    elif [[ $rc -ne 0 ]]; then
      fail "iteration $i: producer failed by itself (status $rc): $(cat "$tmp/produce$i.err")"
    fi
    # What the killed producer left: whole records of a prefix of its input, then maybe a
    # torn record, which is not damage and which the next writer truncates.
    records=$(journal_records)
    have=$(wc -l < "$all")
    kept=$((records - have))
    ((kept >= 0 && kept <= events)) || fail "iteration $i: journal has $records records, $have before"
    head -n $kept "$tmp/batch$i.jsonl" >> "$all"
    torn=$(sed -n 's/^torn tail (truncated by the next writer): .* at offset \([0-9]*\)$/\1/p' \
      "$tmp/journal.report")
    "$lmx" produce --log "file:$d" --input /dev/null 2> "$tmp/reopen$i.err" ||
      fail "iteration $i: reopening the journal after a killed producer: $(cat "$tmp/reopen$i.err")"
    if [[ -n $torn ]]; then
      torn_tails=$((torn_tails + 1))
      expect_grep "truncating the torn tail of journal segment .* at offset $torn " \
        "$tmp/reopen$i.err" "iteration $i: writer open after a torn append"
    fi
    [[ $(journal_records) -eq $records ]] || fail "iteration $i: the writer open lost records"
    if grep -q "torn tail" "$tmp/journal.report"; then
      fail "iteration $i: torn tail still there after a writer open: $(cat "$tmp/journal.report")"
    fi
  fi

  sleep "$(random_ms 20 400)"
  rc=0
  kill -9 $engine 2> /dev/null || true
  wait $engine 2> /dev/null || rc=$?
  engine=
  [[ $rc -eq 137 ]] || fail "iteration $i: engine stopped by itself (status $rc): $(cat "$tmp/run$i.err")"
  grep -q "recovered snapshot at" "$tmp/run$i.err" && resumed=$((resumed + 1))

  if ! $kill_producer; then
    wait $producer || fail "iteration $i: producer failed: $(cat "$tmp/produce$i.err")"
    producer=
    cat "$tmp/batch$i.jsonl" >> "$all"
  fi
  # Killed mid-write, the results journal may end torn, never damaged. (An engine killed
  # while starting may not have created it yet.)
  if [[ -d $d/results ]]; then
    "$lmx" inspect journal "$d/results" > "$tmp/results.report" ||
      fail "iteration $i: results journal damaged: $(cat "$tmp/results.report")"
  fi
done

((producers_killed > 0)) || fail "no producer was killed while appending"

# Recover once more and finish: everything in the journal applied exactly once.
"$lmx" run --log "file:$d" --exit-when-caught-up > "$tmp/final.out" 2> "$tmp/final.err" ||
  fail "final run failed: $(cat "$tmp/final.err")"
n=$(wc -l < "$all")
expect_grep "now at position 0-$n " "$tmp/final.out" "final run"
check_state "$d" "$all" "after $iterations kill -9 of the engine"
check_results "$d" "$all" "after $iterations kill -9 of the engine"

# Per position, the reasons equal those of one uninterrupted run over the same events.
"$lmx" produce --log "file:$tmp/reference" --input "$all" 2> /dev/null
"$lmx" run --log "file:$tmp/reference" --exit-when-caught-up > /dev/null 2> "$tmp/ref.err" ||
  fail "reference run failed: $(cat "$tmp/ref.err")"
"$lmx" inspect results "$tmp/reference" > "$tmp/results.reference"
"$lmx" inspect results "$d" > "$tmp/results.killed"
expect_same "$tmp/results.reference" "$tmp/results.killed" "results per position"

echo "kill9: ok ($n events; $iterations engine kills, $resumed restarts resumed from a snapshot;" \
  "$producers_killed producers killed mid-append, $torn_tails left a torn tail)"
