#!/usr/bin/env bash
# `lmx run --exit-when-caught-up` right after a primary died with kill -9, its lease still
# running: the new engine starts as a standby, and must not exit at the end of the log with
# results unwritten. It waits for the dead primary's lease to lapse, takes over, writes
# every result it kept, then exits: one result per entry.
# Needs LMX_TEST_REDIS_URL (scripts/test.sh starts a private server); skipped without it.
set -euo pipefail
lmx=$1
# shellcheck source-path=SCRIPTDIR source=lib/test_stream.bash
source "$(dirname "$0")/lib/test_stream.bash"
fail() { echo "FAIL: $*" >&2; exit 1; }
engine=
trap 'kill -9 $engine 2>/dev/null || true; cleanup' EXIT

"$lmx" produce --log "$url" --events 10000 --users 100 --items 30 --seed 1 2>/dev/null
"$lmx" run --log "$url" --lease-ttl 2s --status-interval 1h > /dev/null 2> "$tmp/primary.err" &
engine=$!
for _ in $(seq 500); do
  [[ $(redis-cli -u "$LMX_TEST_REDIS_URL" XLEN "$stream:results") -eq 10000 ]] && break
  sleep 0.02
done
grep -q "took the lease" "$tmp/primary.err" || fail "the first engine is not the primary"
kill -9 $engine
wait $engine 2>/dev/null || true
engine=
[[ -n $(redis-cli -u "$LMX_TEST_REDIS_URL" GET "$stream:lease") ]] ||
  fail "the dead primary's lease lapsed before the test could use it"

"$lmx" produce --log "$url" --events 3000 --users 100 --items 30 --seed 2 2>/dev/null
"$lmx" run --log "$url" --lease-ttl 2s --exit-when-caught-up > "$tmp/run.out" 2> "$tmp/run.err" ||
  fail "the run failed: $(cat "$tmp/run.err")"
grep -q "took the lease with epoch 2: primary; .* 3000 more written now" "$tmp/run.err" ||
  fail "the run did not take over and write what it kept: $(cat "$tmp/run.err")"
results=$(redis-cli -u "$LMX_TEST_REDIS_URL" XLEN "$stream:results")
[[ $results -eq 13000 ]] || fail "$results results for 13000 entries"
echo "redis_exit_after_crash: ok"
