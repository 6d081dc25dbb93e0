#!/usr/bin/env bash
# Replica campaign: two engines fed the same log agree byte for byte. Each round produces a
# seeded workload into one journal and copies it into a second data directory; replica A
# runs once to the end, replica B is killed with -9 at seeded random moments and restarted
# several times before it runs to the end. Both must end with byte-identical snapshots at
# the same position, identical results logs, exports and `lmx digest` (the whole state,
# command ids included), equal to `lmx apply` of the events, whose commands carry ids and
# end with retries of the first 2000 of them.
#   tests/campaign/replicas.sh LMX [DATA]    (LMX_CAMPAIGN_ROUNDS, LMX_CAMPAIGN_SEED: lib/)
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
engine=
cleanup() {
  if [[ -n $engine ]]; then kill -9 "$engine" 2> /dev/null || true; fi
  wait 2> /dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
# shellcheck source-path=SCRIPTDIR source=lib/campaign.bash
source "$(dirname "$0")/lib/campaign.bash"

rounds=$(campaign_rounds 3)
kills=4
a=$tmp/a
b=$tmp/b
kills_done=0
for ((round = 1; round <= rounds; round++)); do
  rm -rf "$a" "$b"
  random_below 20000
  events=$((20000 + random))
  random_below 500
  users=$((50 + random))
  random_below 50
  # Commands with ids, the first 2000 of them sent again at the end (retries): the id
  # record, its snapshots and its duplicates must agree too.
  "$lmx" generate --events $events --users $users --items $((5 + random)) --ids \
    --seed $((campaign_seed * 1000 + round)) > "$tmp/commands.jsonl"
  cat "$tmp/commands.jsonl" <(head -n 2000 "$tmp/commands.jsonl") > "$tmp/events.jsonl"
  "$lmx" produce --log "file:$a" --input "$tmp/events.jsonl" 2> /dev/null
  mkdir -m 700 "$b"
  cp -a "$a/journal" "$b/journal"

  "$lmx" run --log "file:$a" --exit-when-caught-up > /dev/null 2> "$tmp/a.err" ||
    fail "round $round: replica A: $(cat "$tmp/a.err")"
  for ((k = 1; k <= kills; k++)); do
    "$lmx" run --log "file:$b" --snapshot-interval 50ms --status-interval 1h \
      > /dev/null 2> "$tmp/b$k.err" &
    engine=$!
    random_sleep 10 200
    kill -9 $engine 2> /dev/null || true
    wait $engine 2> /dev/null || true
    engine=
    kills_done=$((kills_done + 1))
  done
  "$lmx" run --log "file:$b" --exit-when-caught-up > /dev/null 2> "$tmp/b.err" ||
    fail "round $round: replica B: $(cat "$tmp/b.err")"

  what="round $round ($(wc -l < "$tmp/events.jsonl") events)"
  newest_a=$(find "$a/snapshots" -name '*.lmxs' | sort | tail -1)
  newest_b=$(find "$b/snapshots" -name '*.lmxs' | sort | tail -1)
  [[ $(basename "$newest_a") == $(basename "$newest_b") ]] ||
    fail "$what: newest snapshots at different positions: $newest_a, $newest_b"
  expect_same "$newest_a" "$newest_b" "$what: newest snapshot"
  "$lmx" inspect results "$a" > "$tmp/a.results"
  "$lmx" inspect results "$b" > "$tmp/b.results"
  expect_same "$tmp/a.results" "$tmp/b.results" "$what: results logs"
  "$lmx" export --log "file:$a" > "$tmp/a.export"
  "$lmx" export --log "file:$b" > "$tmp/b.export"
  expect_same "$tmp/a.export" "$tmp/b.export" "$what: exports"
  "$lmx" digest --log "file:$a" > "$tmp/a.digest"
  "$lmx" digest --log "file:$b" > "$tmp/b.digest"
  expect_same "$tmp/a.digest" "$tmp/b.digest" "$what: digests"
  reference "$tmp/events.jsonl"
  expect_same "$tmp/expected.export" "$tmp/a.export" "$what: export against lmx apply"
  expect_same "$tmp/reference.results" "$tmp/a.results" "$what: results against lmx apply"
  echo "replicas $what: $(grep '^digest' "$tmp/a.digest") on both"
done
echo "replicas: ok ($rounds rounds, $kills_done kills of replica B; 0 disagreements)"
