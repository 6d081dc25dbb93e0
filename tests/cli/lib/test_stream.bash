# Shared by the scripts in tests/cli that run on the test suite's Redis server (sourced,
# not a test of its own: CTest registers only tests/cli/*.sh). Skips (exit 77) without
# LMX_TEST_REDIS_URL. Gives each script $tmp and a stream name of its own, $stream (the
# script may use it as a prefix), with $url on it, and removes both on exit.

# shellcheck disable=SC2034 # $url is for the sourcing script
if [[ -z "${LMX_TEST_REDIS_URL:-}" ]]; then
  echo "SKIP: LMX_TEST_REDIS_URL is not set (scripts/test.sh starts a private redis-server)"
  exit 77
fi
tmp=$(mktemp -d)
stream="lmx-cli-$$-$RANDOM"
url="$LMX_TEST_REDIS_URL?stream=$stream"
cleanup() {
  redis-cli -u "$LMX_TEST_REDIS_URL" --scan --pattern "$stream*" |
    xargs -r redis-cli -u "$LMX_TEST_REDIS_URL" DEL >/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
