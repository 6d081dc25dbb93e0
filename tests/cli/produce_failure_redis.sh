#!/usr/bin/env bash
# `lmx produce` into a Redis Stream whose server is killed (-9) midway exits 1 and says how
# many events Redis confirmed, and how many more were sent without a reply: after the
# server restarts from its AOF (appendfsync always: nothing confirmed is lost), the stream
# holds at least the confirmed count and at most that plus the unconfirmed, and resuming
# with the --skip for what the stream holds leaves every event in it exactly once.
# Starts its own redis-server on a free loopback port; skipped when redis-server is missing.
set -euo pipefail
lmx=$1
command -v redis-server > /dev/null || { echo "SKIP: no redis-server"; exit 77; }
tmp=$(mktemp -d)
producer=
# shellcheck source-path=SCRIPTDIR source=../../scripts/redis_private.sh
source "$(dirname "$0")/../../scripts/redis_private.sh"
# This script's own server, never the one the test suite shares (inherited variables).
unset LMX_REDIS_PORT LMX_REDIS_DIR
cleanup() {
  if [[ -n $producer ]]; then kill -9 "$producer" 2> /dev/null || true; fi
  redis_private_stop
  rm -rf "$tmp"
}
trap cleanup EXIT
# shellcheck source-path=SCRIPTDIR source=lib/recovery.bash
source "$(dirname "$0")/lib/recovery.bash"

n=400000
workload=(--users 1000 --items 100 --seed 13)
redis_private_start --appendonly yes --appendfsync always || fail "redis-server did not start"
port=$LMX_REDIS_PORT
url="redis://127.0.0.1:$port?stream=orders"
xlen() { redis-cli -p "$port" XLEN orders; }

"$lmx" produce --log "$url" --events "$n" "${workload[@]}" 2> "$tmp/err" &
producer=$!
for _ in $(seq 600); do
  [[ $(xlen 2> /dev/null || echo 0) -ge 20000 ]] && break
  sleep 0.05
done
kill -9 "$(cat "$LMX_REDIS_DIR/redis.pid")"
status=0
wait "$producer" || status=$?
producer=
[[ $status -eq 1 ]] || fail "produce exit $status, not 1, when Redis died: $(cat "$tmp/err")"
expect_grep "^lmx: appended [0-9]+ of $n events before the failure" "$tmp/err" "the report"
confirmed=$(sed -nE 's/^lmx: appended ([0-9]+) of .*/\1/p' "$tmp/err")
if grep -q "not confirmed" "$tmp/err"; then
  doubt=$(sed -nE 's/.*; ([0-9]+) more (was|were) not confirmed.*/\1/p' "$tmp/err")
  expect_grep "re-run with --skip $confirmed if none of them is there, up to --skip $((confirmed + doubt)) if all are\$" \
    "$tmp/err" "the report of events in doubt"
else
  doubt=0
  expect_grep "to resume, re-run with --skip $confirmed\$" "$tmp/err" "the report"
fi
[[ $confirmed -gt 0 && $((confirmed + doubt)) -lt $n ]] ||
  fail "Redis died after $confirmed (+$doubt) of $n events: not midway"

redis_private_launch || fail "redis-server did not restart"
held=$(xlen)
[[ $held -ge $confirmed ]] || fail "said $confirmed confirmed, the stream holds $held"
[[ $held -le $((confirmed + doubt)) ]] ||
  fail "said $confirmed confirmed and $doubt in doubt, the stream holds $held"

"$lmx" produce --log "$url" --events "$n" "${workload[@]}" --skip "$held" 2> "$tmp/err" ||
  fail "resuming failed: $(cat "$tmp/err")"
[[ $(xlen) -eq $n ]] || fail "after resuming the stream holds $(xlen) entries, not $n"
"$lmx" generate --events "$n" "${workload[@]}" > "$tmp/all.jsonl"
"$lmx" apply "$tmp/all.jsonl" > "$tmp/expected.export"
"$lmx" export --log "$url" > "$tmp/actual.export"
expect_same "$tmp/expected.export" "$tmp/actual.export" "export after resuming"
echo "produce_failure_redis: ok"
