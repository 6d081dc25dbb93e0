#!/usr/bin/env bash
# The redis-cli producer of docs/REDIS.md ("Producers in any language"), its commands run
# as written there (the stream renamed), against a live `lmx run`: the results stream
# answers each entry, by its id, with the reason the doc gives in the command's comment,
# and the engine's export equals `lmx apply` of the same events. Then `lmx produce
# --format json` refuses an order of more lines than a json entry can carry.
# Needs LMX_TEST_REDIS_URL (scripts/test.sh starts a private server); skipped without it.
set -euo pipefail
lmx=$1
# shellcheck source-path=SCRIPTDIR source=lib/redis_json.bash
source "$(dirname "$0")/lib/redis_json.bash"

# The doc's commands talk to the default server's stream "orders": here, to this script's.
# (The cleanup's `xargs redis-cli` wants the real one, which it gets.)
# shellcheck disable=SC2032
redis-cli() {
  local args=() arg
  for arg in "$@"; do
    case $arg in
      orders) arg=$stream ;;
      orders:results) arg=$stream:results ;;
    esac
    args+=("$arg")
  done
  command redis-cli -u "$LMX_TEST_REDIS_URL" "${args[@]}"
}

doc_blocks sh | grep '^redis-cli XADD ' > "$tmp/produce.sh" || true
doc_blocks sh | grep '^redis-cli XRANGE ' > "$tmp/results.sh" || true
entries=$(wc -l < "$tmp/produce.sh")
[[ $entries -ge 5 && $(wc -l < "$tmp/results.sh") -eq 1 ]] ||
  fail "docs/REDIS.md lost its redis-cli producer ($entries XADD commands) or its XRANGE"
sed 's/.*# *//' "$tmp/produce.sh" > "$tmp/reasons"

start_engine
# shellcheck source=/dev/null
source "$tmp/produce.sh" > "$tmp/ids"
wait_results "$entries"
# shellcheck source=/dev/null
source "$tmp/results.sh" | awk 'prev == "pos" { pos = $0 } prev == "reason" { print pos, $0 }
                                 { prev = $0 }' > "$tmp/answered"
paste -d' ' "$tmp/ids" "$tmp/reasons" | diff - "$tmp/answered" ||
  fail "the results (right) are not the doc's reasons for the entries produced (left)"
stop_engine_and_compare

# An order of 65 lines keeps only 64: a json entry cannot carry it.
{
  printf '{"type":"order","user_id":7,"lines":['
  for i in $(seq 65); do printf '%s{"item_id":"cpu","quantity":1}' "$([[ $i -gt 1 ]] && echo ,)"; done
  printf ']}\n'
} > "$tmp/long_order.jsonl"
if "$lmx" produce --log "$url-long" --format json --input "$tmp/long_order.jsonl" 2> "$tmp/produce.err"; then
  fail "produce --format json appended an order of 65 lines"
fi
grep -q "long_order.jsonl:1: an order of 65 lines does not fit a json entry" "$tmp/produce.err" ||
  fail "produce did not say why it refused the order: $(cat "$tmp/produce.err")"
[[ $(command redis-cli -u "$LMX_TEST_REDIS_URL" XLEN "$stream-long") -eq 0 ]] ||
  fail "the refused order is in the stream"
echo "redis_json: ok ($entries entries answered as the doc says)"
