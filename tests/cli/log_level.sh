#!/usr/bin/env bash
# --log-level (or LMX_LOG_LEVEL) sets the least severe line written to stderr; a level
# that does not exist is refused.
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$lmx" produce --log "file:$tmp/data" --events 100 --seed 1 2>/dev/null
"$lmx" run --log "file:$tmp/data" --exit-when-caught-up >/dev/null 2> "$tmp/default.err"
grep -q "\[info\] recovered" "$tmp/default.err" || fail "info lines missing by default"
"$lmx" --log-level warn run --log "file:$tmp/data" --exit-when-caught-up >/dev/null 2> "$tmp/warn.err"
! grep -q "\[info\]" "$tmp/warn.err" || fail "--log-level warn still wrote info lines"
LMX_LOG_LEVEL=debug "$lmx" run --log "file:$tmp/data" --exit-when-caught-up >/dev/null 2> "$tmp/env.err"
grep -q "\[info\] recovered" "$tmp/env.err" || fail "LMX_LOG_LEVEL=debug lost the info lines"
if "$lmx" --log-level loud run --log "file:$tmp/data" --exit-when-caught-up 2> "$tmp/bad.err"; then
  fail "an unknown level was accepted"
fi
grep -q "log-level" "$tmp/bad.err" || fail "the refusal does not name the option"
echo "log_level: ok"
