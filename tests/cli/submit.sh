#!/usr/bin/env bash
# `lmx submit` on the file journal: the same 10,000 commands with ids submitted twice, and a
# third time after a kill -9 of the engine, leave the state byte-identical to submitting
# them once (equal digests, command id record included), and every repeat is answered
# `duplicate` with the first outcome. Also: a refused line, and the message when no engine
# runs.
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
engine_pid=""
trap '[[ -z $engine_pid ]] || kill -9 "$engine_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib/recovery.bash
source "$(dirname "$0")/lib/recovery.bash"
# shellcheck source-path=SCRIPTDIR source=lib/submit.bash
source "$(dirname "$0")/lib/submit.bash"

submit_three_times "file:$tmp/thrice"
"$lmx" produce --log "file:$tmp/once" --input "$tmp/commands.jsonl" 2>/dev/null
"$lmx" run --log "file:$tmp/once" --exit-when-caught-up > /dev/null 2>&1 || fail "run once"
"$lmx" digest --log "file:$tmp/once" > "$tmp/once.digest" 2>/dev/null
"$lmx" digest --log "file:$tmp/thrice" > "$tmp/thrice.digest" 2>/dev/null
sed -i 's/^position .*//' "$tmp/once.digest" "$tmp/thrice.digest"  # 10,000 vs 30,000 entries
expect_same "$tmp/once.digest" "$tmp/thrice.digest" "state after three submissions"
expect_grep "command ids 10000 " "$tmp/once.digest" "every command id is recorded"

# A malformed line is refused (not appended) and answered in its place; no engine, no wait
# forever: a clear message and exit status 1.
printf '%s\n' '{"type":"topup","user_id":1,"amount":"x"}' '{"type":"topup","user_id":1,"amount":5}' \
  > "$tmp/two.jsonl"
status=0
"$lmx" submit --log "file:$tmp/once" --input "$tmp/two.jsonl" --timeout 300ms \
  > "$tmp/none.jsonl" 2> "$tmp/none.err" || status=$?
[[ $status == 1 ]] || fail "submit with no engine should exit 1, not $status"
expect_grep '^\{"line":1,"refused":"malformed: ' "$tmp/none.jsonl" "a malformed line is refused"
expect_grep "no result for 1 of the 1 events .*Is an engine running" "$tmp/none.err" \
  "no engine: the message says so"
# Only refused lines: each answered, nothing appended, no wait for an engine.
"$lmx" inspect journal "$tmp/once" > "$tmp/before.report"
status=0
echo '{"type":"nope"}' | "$lmx" submit --log "file:$tmp/once" > "$tmp/refused.jsonl" || status=$?
[[ $status == 1 ]] || fail "submit of a refused line only should exit 1, not $status"
expect_grep '^\{"line":1,"refused":"malformed: ' "$tmp/refused.jsonl" "the only line is refused"
"$lmx" inspect journal "$tmp/once" > "$tmp/after.report"
expect_same "$tmp/before.report" "$tmp/after.report" "refused lines append nothing"
echo "submit: three submissions, one state; refusals and no-engine message"
