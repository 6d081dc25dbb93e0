# The retry scenario of `lmx submit`, shared by tests/cli/submit.sh (file journal) and
# tests/cli/submit_redis.sh (sourced, not a test of its own). The scripts set $lmx, $tmp and
# $engine_pid (killed on exit) and define fail().

# shellcheck disable=SC2154 # $lmx and $tmp are set by each script before it sources this

start_engine() {  # start_engine URL N
  "$lmx" run --log "$1" --snapshot-interval 500ms > "$tmp/engine$2.out" 2> "$tmp/engine$2.log" &
  engine_pid=$!
}

# check_repeats FIRST REPEAT WHAT: REPEAT answers every line of FIRST `duplicate`, with the
# position and reason FIRST got; FIRST has no duplicate.
check_repeats() {
  python3 - "$1" "$2" "$3" <<'PY' || fail "$3: see above"
import json, sys
first = [json.loads(l) for l in open(sys.argv[1])]
repeat = [json.loads(l) for l in open(sys.argv[2])]
assert len(first) == len(repeat) == 10000, (len(first), len(repeat))
for a, b in zip(first, repeat):
    assert a["reason"] != "duplicate", a
    assert b["line"] == a["line"] and b["id"] == a["id"], (a, b)
    assert b["reason"] == "duplicate", (a, b)
    assert b["original_position"] == a["position"], (a, b)
    assert b["original_reason"] == a["reason"], (a, b)
print(f"{sys.argv[3]}: {len(repeat)} duplicates, each with its first outcome")
PY
}

# submit_three_times URL: the same 10,000 commands with ids submitted twice to a running
# engine, then a third time after the engine was killed with -9 and restarted. Leaves the
# answers in $tmp/first.jsonl, second.jsonl and third.jsonl and the engine stopped.
submit_three_times() {
  local url=$1
  "$lmx" generate --events 10000 --users 300 --items 40 --seed 9 --ids > "$tmp/commands.jsonl"
  start_engine "$url" 1
  "$lmx" submit --log "$url" --input "$tmp/commands.jsonl" > "$tmp/first.jsonl" \
    2> "$tmp/submit1.err" || fail "first submit: $(cat "$tmp/submit1.err")"
  python3 -c 'import json, sys
reasons = {json.loads(l)["reason"] for l in open(sys.argv[1])}
assert "accepted" in reasons and len(reasons) > 1, reasons' "$tmp/first.jsonl" ||
    fail "the first submission should be answered, accepted and rejected alike"
  "$lmx" submit --log "$url" --input "$tmp/commands.jsonl" > "$tmp/second.jsonl" \
    2> "$tmp/submit2.err" || fail "second submit: $(cat "$tmp/submit2.err")"
  check_repeats "$tmp/first.jsonl" "$tmp/second.jsonl" "second submission"
  kill -9 "$engine_pid"; wait "$engine_pid" 2>/dev/null || true
  start_engine "$url" 2
  "$lmx" submit --log "$url" --input "$tmp/commands.jsonl" > "$tmp/third.jsonl" \
    2> "$tmp/submit3.err" || fail "third submit: $(cat "$tmp/submit3.err")"
  check_repeats "$tmp/first.jsonl" "$tmp/third.jsonl" "third submission, after kill -9"
  kill "$engine_pid"; wait "$engine_pid" || fail "the engine did not stop cleanly"
  engine_pid=""
}
