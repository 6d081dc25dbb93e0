#!/usr/bin/env bash
# Crash campaign: `lmx run` killed with -9 at seeded random moments while a producer
# appends, and every fourth round the producer killed mid-append too (tried again in the
# following rounds when it finished before the kill landed), on the file journal
# and (when LMX_TEST_REDIS_URL is set) on a Redis Stream. After every round, and again after
# a last run to the end of the log:
#   - `lmx export` equals `lmx apply` of exactly the events in the log (nothing lost,
#     nothing applied twice);
#   - the results log holds one result per position, in order, each the reason `lmx apply`
#     gives the event at that position (a prefix after a kill, all of them at the end);
#   - at the end, money and stock are conserved (balances + spent == topups);
# and a journal a killed producer left behind is repaired by the next writer.
#   tests/campaign/crash.sh LMX [DATA]    (LMX_CAMPAIGN_ROUNDS, LMX_CAMPAIGN_SEED: lib/)
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
engine=
producer=
redis_stream=
cleanup() {
  # Only the processes this script started, by pid.
  for pid in $engine $producer; do kill -9 "$pid" 2> /dev/null || true; done
  wait 2> /dev/null || true
  if [[ -n $redis_stream ]]; then
    redis-cli -u "$LMX_TEST_REDIS_URL" DEL "$redis_stream" "$redis_stream:results" > /dev/null || true
    redis-cli -u "$LMX_TEST_REDIS_URL" --scan --pattern "$redis_stream:snapshot*" |
      xargs -r redis-cli -u "$LMX_TEST_REDIS_URL" DEL > /dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
# shellcheck source-path=SCRIPTDIR source=lib/campaign.bash
source "$(dirname "$0")/lib/campaign.bash"
# shellcheck source-path=SCRIPTDIR source=lib/redis_stream.bash
source "$(dirname "$0")/lib/redis_stream.bash"

rounds=$(campaign_rounds 10)
batch_events=3000         # a normal producer: one round
killed_batch_events=60000 # a producer that is killed: many append batches of 4096
workload=(--users 100 --items 30)

# --- The two backends: where the log is, how long it is, and its results as
# '<position> <reason>' lines with the position as the event's line number (0-N); for
# Redis, lib/redis_stream.bash.
d=$tmp/data
file_url() { echo "file:$d"; }
file_count() {
  "$lmx" inspect journal "$d" > "$tmp/journal.report" ||
    fail "journal damaged: $(cat "$tmp/journal.report")"
  sed -n 's/^segments [0-9]*  records \([0-9]*\)  .*/\1/p' "$tmp/journal.report"
}
file_results() {
  if [[ -d $d/results ]]; then "$lmx" inspect results "$d"; fi
}
log_bytes() {
  if [[ $backend == redis ]]; then redis_count; return; fi
  local total=0 f
  for f in "$d"/journal/*.seg; do
    [[ -f $f ]] && total=$((total + $(stat -c %s "$f")))
  done
  echo $total
}

# After a producer was killed: what it left is whole records of a prefix of its input, then
# maybe a torn record (file journal), which is not damage and which the next writer
# truncates. Appends that prefix to $all.
take_killed_producer_prefix() {
  local i=$1 events=$2 records have kept torn
  records=$("${backend}_count")
  have=$(wc -l < "$all")
  kept=$((records - have))
  ((kept >= 0 && kept <= events)) || fail "round $i: log has $records entries, $have before"
  head -n $kept "$tmp/batch$i.jsonl" >> "$all"
  [[ $backend == file ]] || return 0
  torn=$(sed -n 's/^torn tail (truncated by the next writer): .* at offset \([0-9]*\)$/\1/p' \
    "$tmp/journal.report")
  "$lmx" produce --log "file:$d" --input /dev/null 2> "$tmp/reopen$i.err" ||
    fail "round $i: reopening the journal after a killed producer: $(cat "$tmp/reopen$i.err")"
  if [[ -n $torn ]]; then
    torn_tails=$((torn_tails + 1))
    expect_grep "truncating the torn tail of journal segment .* at offset $torn " \
      "$tmp/reopen$i.err" "round $i: writer open after a torn append"
  fi
  [[ $(file_count) -eq $records ]] || fail "round $i: the writer open lost records"
  if grep -q "torn tail" "$tmp/journal.report"; then
    fail "round $i: torn tail still there after a writer open: $(cat "$tmp/journal.report")"
  fi
}

# campaign BACKEND: the rounds, then the last run and the final checks.
campaign() {
  backend=$1
  local url i kill_producer events before rc
  url=$("${backend}_url")
  all=$tmp/$backend.jsonl # the events in the log, in log order
  : > "$all"
  resumed=0 producers_killed=0 torn_tails=0
  local kill_pending=false
  for ((i = 1; i <= rounds; i++)); do
    ((i % 4 == 3)) && kill_pending=true
    kill_producer=$kill_pending
    events=$batch_events
    $kill_producer && events=$killed_batch_events
    "$lmx" generate --events $events "${workload[@]}" --seed $((campaign_seed * 1000 + i)) \
      > "$tmp/batch$i.jsonl"

    "$lmx" run --log "$url" --snapshot-interval 200ms --status-interval 1h \
      > "$tmp/run$i.out" 2> "$tmp/run$i.err" &
    engine=$!
    before=$(log_bytes)
    "$lmx" produce --log "$url" --input "$tmp/batch$i.jsonl" 2> "$tmp/produce$i.err" &
    producer=$!

    if $kill_producer; then
      # Killed once its first batch is in the log, with more batches still to come.
      for ((t = 0; t < 500; t++)); do
        [[ $(log_bytes) -gt $before ]] && break
        sleep 0.01
      done
      random_sleep 0 10
      kill -9 $producer 2> /dev/null || true
      rc=0
      wait $producer 2> /dev/null || rc=$?
      producer=
      if [[ $rc -eq 137 ]]; then
        producers_killed=$((producers_killed + 1))
        kill_pending=false
      elif [[ $rc -ne 0 ]]; then
        fail "round $i: producer failed by itself (status $rc): $(cat "$tmp/produce$i.err")"
      fi
      take_killed_producer_prefix $i $events
    fi

    random_sleep 20 400
    rc=0
    kill -9 $engine 2> /dev/null || true
    wait $engine 2> /dev/null || rc=$?
    engine=
    [[ $rc -eq 137 ]] || fail "round $i: engine stopped by itself (status $rc): $(cat "$tmp/run$i.err")"
    grep -q "recovered snapshot at" "$tmp/run$i.err" && resumed=$((resumed + 1))

    if ! $kill_producer; then
      wait $producer || fail "round $i: producer failed: $(cat "$tmp/produce$i.err")"
      producer=
      cat "$tmp/batch$i.jsonl" >> "$all"
    fi
    # Killed mid-write, the results journal may end torn, never damaged.
    if [[ $backend == file && -d $d/results ]]; then
      "$lmx" inspect journal "$d/results" > "$tmp/results.report" ||
        fail "round $i: results journal damaged: $(cat "$tmp/results.report")"
    fi
    check_round "$backend round $i (after kill -9)"
    rm -f "$tmp/batch$i.jsonl" "$tmp/run$i.out" "$tmp/run$i.err" "$tmp/produce$i.err"
  done
  ((rounds < 3 || producers_killed > 0)) || fail "$backend: no producer was killed while appending"

  # Recover once more and finish: everything in the log applied exactly once, every result.
  "$lmx" run --log "$url" --exit-when-caught-up > "$tmp/final.out" 2> "$tmp/final.err" ||
    fail "$backend: final run failed: $(cat "$tmp/final.err")"
  check_round "$backend after $rounds kills of the engine" complete
  echo "crash $backend: ok ($(wc -l < "$all") events; $rounds engine kills, $resumed restarts" \
    "resumed from a snapshot; $producers_killed producers killed mid-append, $torn_tails left a" \
    "torn tail; 0 losses)"
}

campaign file
if [[ -n ${LMX_TEST_REDIS_URL:-} ]]; then
  redis_server=$LMX_TEST_REDIS_URL
  redis_stream="lmx-campaign-$$-$campaign_seed"
  campaign redis
else
  echo "crash redis: skipped (LMX_TEST_REDIS_URL is not set)"
fi
