#!/usr/bin/env bash
# Command ids end to end: the rules and their precedence in `lmx apply`; an engine that
# restarts from its snapshot answers a retry of every command with `duplicate` and the
# first outcome, changing nothing; the id record survives the snapshot (the digest equals a
# full replay's and `lmx inspect snapshot --ids` lists it); and a restart under another
# id horizon is refused.
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib/recovery.bash
source "$(dirname "$0")/lib/recovery.bash"

x64=$(printf 'x%.0s' $(seq 64))
cat > "$tmp/commands.jsonl" <<JSON
{"type":"topup","user_id":7,"amount":500,"id":"t-1"}
{"type":"topup","user_id":7,"amount":500,"id":"t-1"}
{"type":"add_item","item_id":"cpu","count":1,"price":400,"id":"a-1"}
{"type":"order","user_id":7,"lines":[{"item_id":"cpu","quantity":2}],"id":"o-1"}
{"type":"add_item","item_id":"cpu","count":5,"id":"a-2"}
{"type":"order","user_id":7,"lines":[{"item_id":"cpu","quantity":2}],"id":"o-1"}
{"type":"topup","user_id":7,"amount":5,"id":""}
{"type":"topup","user_id":7,"amount":5,"id":7}
{"type":"topup","user_id":7,"amount":5,"id":"${x64}y"}
{"type":"topup","user_id":7,"amount":5,"id":"$x64"}
{"type":"topup","user_id":7,"amount":5,"id":null}
JSON
cat > "$tmp/expected.results" <<TEXT
0-1 accepted
0-2 duplicate 0-1 accepted
0-3 accepted
0-4 out_of_stock
0-5 accepted
0-6 duplicate 0-4 out_of_stock
0-7 invalid_id
0-8 malformed
0-9 invalid_id
0-10 accepted
0-11 accepted
TEXT
"$lmx" apply --results "$tmp/apply.results" "$tmp/commands.jsonl" > "$tmp/apply.export"
expect_same "$tmp/expected.results" "$tmp/apply.results" "apply: results"
printf '%s\n' '{"user_id":7,"balance":510}' '{"item_id":"cpu","price":400,"remain":6}' \
  > "$tmp/expected.export"
expect_same "$tmp/expected.export" "$tmp/apply.export" "apply: export"

# The engine: every command, then every command again after a restart from the snapshot.
# (`lmx produce` refuses the malformed line rather than append it.)
grep -v '"id":7}' "$tmp/commands.jsonl" > "$tmp/appended.jsonl"
d=$tmp/data
"$lmx" produce --log "file:$d" --input "$tmp/appended.jsonl" 2>/dev/null
"$lmx" run --log "file:$d" --exit-when-caught-up > /dev/null 2>&1 || fail "first run failed"
"$lmx" produce --log "file:$d" --input "$tmp/appended.jsonl" 2>/dev/null
"$lmx" run --log "file:$d" --exit-when-caught-up > "$tmp/run2.out" 2> "$tmp/run2.err" ||
  fail "second run failed: $(cat "$tmp/run2.err")"
expect_grep "after snapshot at position 0-10" "$tmp/run2.out" "the retry run restores the snapshot"
cat "$tmp/appended.jsonl" "$tmp/appended.jsonl" > "$tmp/twice.jsonl"
"$lmx" apply --results "$tmp/twice.results" "$tmp/twice.jsonl" > /dev/null
"$lmx" inspect results "$d" > "$tmp/engine.results"
expect_same "$tmp/twice.results" "$tmp/engine.results" "engine: results"
expect_grep '^0-11 duplicate 0-1 accepted$' "$tmp/engine.results" "a retried topup"
expect_grep '^0-14 duplicate 0-4 out_of_stock$' "$tmp/engine.results" "a retried rejected order"
# Every retry was a duplicate but the one without an id, a second top-up of 5.
printf '%s\n' '{"user_id":7,"balance":515}' '{"item_id":"cpu","price":400,"remain":6}' \
  > "$tmp/expected.export"
"$lmx" export --log "file:$d" > "$tmp/engine.export"
expect_same "$tmp/expected.export" "$tmp/engine.export" "engine: the retries changed nothing"

# The id record: restored from the snapshot, it digests like a full replay's.
"$lmx" produce --log "file:$tmp/replay" --input "$tmp/twice.jsonl" 2>/dev/null
"$lmx" digest --log "file:$tmp/replay" > "$tmp/replay.digest"
"$lmx" digest --log "file:$d" > "$tmp/engine.digest"
expect_same "$tmp/replay.digest" "$tmp/engine.digest" "digest after a snapshot restore"
# ... and it tells states apart: the state after the commands once differs from the
# engine's in a balance, and from one whose a-2 command had no id in the id record alone.
"$lmx" produce --log "file:$tmp/once" --input "$tmp/appended.jsonl" 2>/dev/null
sed 's/,"id":"a-2"//' "$tmp/appended.jsonl" > "$tmp/no-a2.jsonl"
"$lmx" produce --log "file:$tmp/no-a2" --input "$tmp/no-a2.jsonl" 2>/dev/null
for state in once no-a2; do
  "$lmx" digest --log "file:$tmp/$state" > "$tmp/$state.digest"
done
[[ $("$lmx" export --log "file:$tmp/no-a2") == $("$lmx" export --log "file:$tmp/once") ]] ||
  fail "the state without the a-2 id differs in more than its id record"
for pair in "once engine" "no-a2 once"; do
  read -r x y <<< "$pair"
  if [[ $(grep '^digest' "$tmp/$x.digest") == $(grep '^digest' "$tmp/$y.digest") ]]; then
    fail "the $x and $y states differ, but not their digests"
  fi
done
expect_grep "^users 1  items 1  command ids 5 \(horizon 1000000\)$" "$tmp/engine.digest" "digest"
snapshot=$(find "$d/snapshots" -name '*.lmxs' | sort | tail -1)
"$lmx" inspect snapshot --ids "$snapshot" > "$tmp/snapshot.ids"
expect_grep "command ids 5 \(horizon 1000000\)" "$tmp/snapshot.ids" "inspect snapshot"
grep '^{"id"' "$tmp/snapshot.ids" > "$tmp/listed.ids"
printf '%s\n' '{"id":"t-1","position":"0-1","reason":"accepted"}' \
  '{"id":"a-1","position":"0-3","reason":"accepted"}' \
  '{"id":"o-1","position":"0-4","reason":"out_of_stock"}' \
  '{"id":"a-2","position":"0-5","reason":"accepted"}' \
  "{\"id\":\"$x64\",\"position\":\"0-9\",\"reason\":\"accepted\"}" > "$tmp/expected.ids"
expect_same "$tmp/expected.ids" "$tmp/listed.ids" "inspect snapshot --ids"

# Another horizon would forget other ids than the state's replicas: refused.
if "$lmx" run --log "file:$d" --exit-when-caught-up --id-horizon 2000000 \
  > /dev/null 2> "$tmp/run3.err"; then
  fail "a run under another id horizon started"
fi
expect_grep "the id horizon is 2000000 but the state .* was built with 1000000" "$tmp/run3.err" \
  "another horizon"
if "$lmx" run --log "file:$d" --id-horizon 5 > /dev/null 2> "$tmp/run4.err"; then
  fail "a horizon below the minimum was taken"
fi
expect_grep "id-horizon" "$tmp/run4.err" "a horizon below the minimum"
echo "command_ids: ok"
