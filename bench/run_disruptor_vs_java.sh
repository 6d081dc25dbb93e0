#!/usr/bin/env bash
# Builds lmx's disruptor_bench (release preset) and the Java harness in bench/java/ (against
# Debian's libdisruptor-java), runs both on the same topologies in this one invocation, and
# prints the lmx/java throughput ratio for each: the best of RUNS runs on each side.
#   RUNS=3 (runs per side)   EVENTS=100000000 (one_to_one; the other topologies scale)
#   JOBS=2 (build jobs)      Needs: scripts/deps.sh --bench (JDK + libdisruptor-java).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
events=${EVENTS:-100000000}
jar=/usr/share/java/disruptor.jar
[[ -f $jar ]] || { echo "missing $jar: run scripts/deps.sh --bench" >&2; exit 1; }

cmake --preset release >/dev/null
cmake --build --preset release -j"${JOBS:-2}" --target disruptor_bench >/dev/null
classes=build/release/bench/java
mkdir -p "$classes"
javac -d "$classes" -cp "$jar" bench/java/DisruptorPerf.java

lmx_bench=build/release/bench/disruptor_bench
best() { awk -F'ops_per_sec=' '/ops_per_sec=/ { if ($2 > m) m = $2 } END { print m + 0 }'; }

version=$(dpkg-query -W -f='${Version}' libdisruptor-java 2>/dev/null || echo unknown)
echo "# $(date -u +%FT%TZ), $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# java: $(java -version 2>&1 | head -1), libdisruptor-java ${version}"
compare() {  # topology events wait
  local lmx java
  lmx=$("$lmx_bench" "$1" --events "$2" --runs "$runs" --wait "$3")
  java=$(java -cp "$jar:$classes" DisruptorPerf "$1" "$2" "$runs" "$3")
  sed "s/^/lmx  wait=$3 /" <<<"$lmx"
  sed "s/^/java wait=$3 /" <<<"$java"
  awk -v t="$1" -v w="$3" -v l="$(best <<<"$lmx")" -v j="$(best <<<"$java")" 'BEGIN {
    printf "ratio %s wait=%s lmx/java=%.2f (best lmx %.1fM ops/s, best java %.1fM ops/s)\n",
           t, w, l / j, l / 1e6, j / 1e6 }'
}
compare one_to_one "$events" busy_spin
compare one_to_one "$events" yielding
compare one_to_one_batch "$events" yielding
compare three_to_one $((events / 5)) yielding
compare diamond $((events / 5)) yielding
