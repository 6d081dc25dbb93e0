# Shared by the scripts in tests/cli that run the engine on a Redis server of their own
# (sourced, not a test of its own: CTest registers only tests/cli/*.sh). Skips (exit 77)
# when redis-server is missing; sets $tmp, kills $engine_pid and stops the server on exit.

command -v redis-server >/dev/null || { echo "SKIP: no redis-server"; exit 77; }
tmp=$(mktemp -d)
engine_pid=""
# shellcheck source-path=SCRIPTDIR source=../../../scripts/redis_private.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/redis_private.sh"
# The script's own server, never the one the test suite shares (inherited variables).
unset LMX_REDIS_PORT LMX_REDIS_DIR
cleanup() {
  if [[ -n "$engine_pid" ]]; then kill -9 "$engine_pid" 2>/dev/null || true; fi
  redis_private_stop
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; tail -n 20 "$tmp"/engine*.log >&2 || true; exit 1; }

# Entries in the results stream of the stream "orders" (the scripts' $port, $url).
results() { redis-cli -p "$port" XLEN orders:results; }
# wait_results N: until the results stream holds at least N entries.
wait_results() {
  for _ in $(seq 600); do [[ $(results) -ge $1 ]] && return; sleep 0.1; done
  fail "results stream stuck at $(results) of $1"
}
