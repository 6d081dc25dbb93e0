#!/usr/bin/env bash
# `lmx submit` on a Redis Stream: the same 10,000 commands with ids submitted twice, and a
# third time after a kill -9 of the engine, are applied once (the export and the number of
# recorded ids equal a single submission's), every repeat answered `duplicate` with the
# first outcome. Starts its own redis-server; skipped when redis-server is missing.
set -euo pipefail
lmx=$1
# shellcheck source-path=SCRIPTDIR source=lib/redis_engine.bash
source "$(dirname "$0")/lib/redis_engine.bash"
# shellcheck source-path=SCRIPTDIR source=lib/submit.bash
source "$(dirname "$0")/lib/submit.bash"

redis_private_start || fail "redis-server did not start"
url="redis://127.0.0.1:$LMX_REDIS_PORT?stream=orders"
submit_three_times "$url"
"$lmx" apply "$tmp/commands.jsonl" > "$tmp/once.export"
"$lmx" export --log "$url" > "$tmp/thrice.export" 2>/dev/null
cmp -s "$tmp/once.export" "$tmp/thrice.export" || fail "state differs from one submission"
"$lmx" digest --log "$url" 2>/dev/null | grep -q "command ids 10000 " ||
  fail "the id record should hold the 10000 command ids"
echo "submit on Redis: three submissions, applied once"
