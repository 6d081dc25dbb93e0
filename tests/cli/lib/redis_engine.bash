# Shared by the scripts in tests/cli that run the engine on a Redis server of their own
# and by the Redis fault campaign (sourced, not a test of its own: CTest registers only
# tests/cli/*.sh). Skips (exit 77) when redis-server is missing; sets $tmp, kills
# $engine_pid and $producer_pid and stops the server on exit.

# shellcheck disable=SC2154,SC2034 # $port is the script's; $status is for the script
command -v redis-server >/dev/null || { echo "SKIP: no redis-server"; exit 77; }
tmp=$(mktemp -d)
engine_pid=""
producer_pid=""
# shellcheck source-path=SCRIPTDIR source=../../../scripts/redis_private.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/redis_private.sh"
# The script's own server, never the one the test suite shares (inherited variables).
unset LMX_REDIS_PORT LMX_REDIS_DIR
cleanup() {
  # Only the processes this script started, by pid.
  for pid in $engine_pid $producer_pid; do kill -9 "$pid" 2>/dev/null || true; done
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
# wait_exit SECONDS: sets status to the engine's exit status; fails when it runs longer.
wait_exit() {
  for _ in $(seq "$(($1 * 20))"); do
    if ! kill -0 "$engine_pid" 2>/dev/null; then
      status=0; wait "$engine_pid" || status=$?; engine_pid=""; return
    fi
    sleep 0.05
  done
  fail "the engine still runs $1 s later"
}
