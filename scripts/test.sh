#!/usr/bin/env bash
# Builds lmx and runs every test: the whole suite under ASan + UBSan (dev preset), a short
# libFuzzer run of every decoder (fuzz preset, fuzz/run.sh), then the concurrency stress
# suite under ThreadSanitizer (tsan preset). Integration tests get a private redis-server and
# a private Redis Cluster on free loopback ports, stopped on exit.
#   LMX_STRESS_SCALE=N  makes the stress tests N times longer (soak runs; default 1).
#   LMX_FUZZ_SECONDS=N  fuzzes each decoder N seconds (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
jobs=$(nproc)

source scripts/redis_private.sh
redis_private_start
# The cluster integration tests get a loopback Redis Cluster (3 masters + 3 replicas).
source scripts/redis_cluster.sh
redis_cluster_start
trap 'redis_cluster_stop; redis_private_stop' EXIT
export LMX_TEST_REDIS_URL="redis://127.0.0.1:${LMX_REDIS_PORT}"
export LMX_TEST_REDIS_CLUSTER_URL="$LMX_CLUSTER_URL"

cmake --preset dev >/dev/null
cmake --build --preset dev -j"$jobs"
ctest --preset dev -j"$jobs"

bash fuzz/run.sh

if compgen -G "tests/stress/*.cpp" >/dev/null; then
  cmake --preset tsan >/dev/null
  cmake --build --preset tsan -j"$jobs" --target lmx_stress_tests
  ctest --preset tsan -j"$jobs"
fi
