#!/usr/bin/env bash
# Installs what lmx needs to build, test, fuzz and benchmark, from Debian 12's repositories.
# clang builds the fuzz preset; libclang-rt-14-dev holds its libFuzzer and sanitizer runtimes.
# redis-tools (redis-cli) and python3-redis run the producer examples of docs/REDIS.md in
# the cli tests. cpp-httplib serves the HTTP API (lmx run --listen); curl and
# python3-prometheus-client drive and check it in the cli tests; chromium loads its
# dashboard page headless. libxxhash-dev's header hashes the state digest.
# Idempotent: does nothing when everything is already installed. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev libspdlog-dev libsimdjson-dev
  libhiredis-dev libmsgpack-cxx-dev libxxhash-dev redis-server redis-tools python3-redis
  libcpp-httplib-dev curl python3-prometheus-client chromium
  cppcheck clang-tidy clang libclang-rt-14-dev
)
# The Java LMAX Disruptor, the anchor the disruptor benchmark compares against, and gnuplot
# for the plot of bench/latency_by_load.sh.
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(default-jdk-headless libdisruptor-java gnuplot-nox)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "lmx: installing ${missing[*]}" >&2
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
