# shellcheck shell=bash disable=SC2034  # the variables are for the scripts that source this
# Sourced by the Redis benchmarks (redis_e2e.sh, redis_snapshot.sh): builds the release lmx
# CLI and redis_bench, starts a private redis-server on loopback, no persistence
# (scripts/redis_private.sh), stopped on exit, and sets ROOT, BIN, LMX, server (its URL) and
# rcli (redis-cli on it). The working directory becomes the repository's root.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=$ROOT/build/release
LMX=$BIN/apps/lmx/lmx

cmake --preset release -S "$ROOT" >/dev/null
cmake --build --preset release -j2 --target lmx_cli redis_bench >/dev/null

cd "$ROOT" || exit 1
# shellcheck source-path=SCRIPTDIR/.. source=scripts/redis_private.sh
source scripts/redis_private.sh
redis_private_start >/dev/null
trap redis_private_stop EXIT
server="redis://127.0.0.1:$LMX_REDIS_PORT"
rcli() { redis-cli -p "$LMX_REDIS_PORT" "$@"; }
