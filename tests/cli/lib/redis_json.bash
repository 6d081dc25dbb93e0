# Shared by the scripts in tests/cli that run the json producer examples of docs/REDIS.md
# ("Producers in any language") as they are written there, against a live `lmx run` on the
# test suite's server (sourced, not a test of its own: CTest registers only tests/cli/*.sh).
# Skips (exit 77) without LMX_TEST_REDIS_URL. Gives each script a stream of its own
# ($stream, $url), $tmp, and removes both on exit, stopping the engine if it still runs.

if [[ -z "${LMX_TEST_REDIS_URL:-}" ]]; then
  echo "SKIP: LMX_TEST_REDIS_URL is not set (scripts/test.sh starts a private redis-server)"
  exit 77
fi
doc="$(dirname "${BASH_SOURCE[0]}")/../../../docs/REDIS.md"
tmp=$(mktemp -d)
stream="lmx-cli-$$-$RANDOM"
stream_base=$stream  # a script may use more streams, named after it: all are removed
url="$LMX_TEST_REDIS_URL?stream=$stream"
engine_pid=""
cleanup() {
  if [[ -n "$engine_pid" ]]; then kill -9 "$engine_pid" 2>/dev/null || true; fi
  command redis-cli -u "$LMX_TEST_REDIS_URL" --scan --pattern "$stream_base*" |
    xargs -r redis-cli -u "$LMX_TEST_REDIS_URL" DEL >/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; tail -n 20 "$tmp/engine.log" >&2 2>/dev/null || true; exit 1; }

# doc_blocks LANG: the lines of the fenced blocks opened with ```LANG in the doc's section
# on json entries, in order.
doc_blocks() {
  awk '/^## Producers in any language/ { on = 1; next } /^## / { on = 0 } on' "$doc" |
    awk -v open="\`\`\`$1" '/^```/ { inside = inside ? 0 : ($0 == open ? 1 : 2); next }
                              inside == 1'
}

# start_engine [OPTION...]: the engine, following the stream from its first entry, given
# these options of lmx run too; returns once it has recovered.
# shellcheck disable=SC2154 # $lmx, the binary under test, is set by the sourcing script
start_engine() {
  "$lmx" run --log "$url" --status-interval 1s "$@" > "$tmp/engine.out" 2> "$tmp/engine.log" &
  engine_pid=$!
  for _ in $(seq 200); do grep -q "recovered" "$tmp/engine.log" && return; sleep 0.05; done
  fail "the engine did not start"
}

# wait_results N: until the stream's results hold at least N entries.
wait_results() {
  local count=0
  for _ in $(seq 300); do
    count=$(command redis-cli -u "$LMX_TEST_REDIS_URL" XLEN "$stream:results")
    [[ $count -ge $1 ]] && return
    sleep 0.1
  done
  fail "$count results for $1 entries"
}

# Stops the engine as an operator would (it drains and snapshots), then checks that the
# state it leaves exports exactly as `lmx apply` of the json values the stream holds.
stop_engine_and_compare() {
  kill -TERM "$engine_pid"
  wait "$engine_pid" || fail "the engine did not exit cleanly on SIGTERM"
  engine_pid=""
  command redis-cli -u "$LMX_TEST_REDIS_URL" XRANGE "$stream" - + |
    awk 'prev == "json" { print } { prev = $0 }' > "$tmp/events.jsonl"
  [[ $(wc -l < "$tmp/events.jsonl") -eq $(command redis-cli -u "$LMX_TEST_REDIS_URL" XLEN "$stream") ]] ||
    fail "the stream holds entries that are not one-line json entries"
  "$lmx" apply "$tmp/events.jsonl" > "$tmp/expected" 2>/dev/null
  "$lmx" export --log "$url" 2>/dev/null | cmp - "$tmp/expected" ||
    fail "export differs from lmx apply of the same events"
}
