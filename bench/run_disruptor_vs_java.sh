#!/usr/bin/env bash
# Builds lmx's disruptor_bench (release preset) and the Java harness in bench/java/ (against
# Debian's libdisruptor-java), then for every topology runs ROUNDS interleaved rounds: lmx,
# then Java, each in a fresh process. A process makes WARMUP+1 runs and the last one counts
# (the first pays for Java's JIT; lmx gets the same treatment). Prints every run, each
# round's ratio and the best-of ratio, so "ahead in every round" can be read off directly:
#   throughput  lmx/java ops/s           > 1: lmx faster
#   ping_pong   java/lmx round-trip ns   > 1: lmx's round trip shorter (p50, p99, p99.9)
#
#   ROUNDS=3   WARMUP=1   EVENTS=100000000 (one_to_one; /5 for the 3-4 thread topologies,
#   /100 round trips for ping_pong)   JOBS=2 (build jobs)
#   CPUS=0,1   pin: each side's threads round-robin to these CPUs (disruptor_bench --cpus,
#              DisruptorPerf's CPUS argument), and the whole JVM under taskset -c CPUS.
#              Unset: nothing is pinned.
# Needs: scripts/deps.sh --bench (JDK + libdisruptor-java).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
warmup=${WARMUP:-1}
events=${EVENTS:-100000000}
cpus=${CPUS:-}
jar=/usr/share/java/disruptor.jar
[[ -f $jar ]] || { echo "missing $jar: run scripts/deps.sh --bench" >&2; exit 1; }

cmake --preset release >/dev/null
cmake --build --preset release -j"${JOBS:-2}" --target disruptor_bench >/dev/null
classes=build/release/bench/java
mkdir -p "$classes"
javac -d "$classes" -cp "$jar" bench/java/DisruptorPerf.java

lmx_cmd=(build/release/bench/disruptor_bench)
java_cmd=(java -cp "$jar:$classes" DisruptorPerf)
pin_args=()
if [[ -n $cpus ]]; then
  lmx_cmd+=(--cpus "$cpus")
  java_cmd=(taskset -c "$cpus" "${java_cmd[@]}")
  pin_args=("$cpus")
fi

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
version=$(dpkg-query -W -f='${Version}' libdisruptor-java 2>/dev/null || echo unknown)
echo "# $(date -u +%FT%TZ), $(nproc) cores, load average: $(loadavg)"
echo "# commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- bench include || echo ' (modified)')"
echo "# java: $(java -version 2>&1 | head -1), libdisruptor-java ${version}"
echo "# rounds=$rounds warmup=$warmup cpus=${cpus:-unpinned}"

# One round's figure from a process's output: its last line, as "ops" or "p50 p99 p999".
figure() {
  tail -n 1 | awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); printf "%s ", kv[2] } }'
}

# Ratios and best-of from lines "round lmx_figure... java_figure..." on stdin.
summarise() {  # topology label, latency (1) or throughput (0)
  awk -v label="$1" -v latency="$2" '
    function m(x) { return sprintf("%.1fM", x / 1e6) }
    latency == 0 {
      l = $2; j = $3; r = l / j
      printf "round %d  lmx %s  java %s  lmx/java %.2f\n", $1, m(l), m(j), r
      if (l > bl) bl = l; if (j > bj) bj = j
      if (n == 0 || r < min) min = r; if (r >= 1.5) ok++; n++
      rounds = rounds sprintf(" %.2f", r)
    }
    latency == 1 {
      printf "round %d  lmx p50/p99/p99.9 %d/%d/%d ns  java %d/%d/%d ns  java/lmx %.3g/%.3g/%.3g\n",
             $1, $2, $3, $4, $5, $6, $7, $5 / $2, $6 / $3, $7 / $4
      for (k = 0; k < 3; k++) {
        if (n == 0 || $(2 + k) < bl_[k]) bl_[k] = $(2 + k)
        if (n == 0 || $(5 + k) < bj_[k]) bj_[k] = $(5 + k)
      }
      if (n == 0 || $5 / $2 < min) min = $5 / $2; if ($5 / $2 >= 1.5) ok++; n++
    }
    END {
      if (latency == 0) {
        printf "ratio %s lmx/java=%.2f (best lmx %s, best java %s); per round:%s; " \
               "min %.2f, %d/%d rounds >= 1.5\n", label, bl / bj, m(bl), m(bj), rounds, min, ok, n
      } else {
        printf "ratio %s java/lmx p50=%.3g p99=%.3g p99.9=%.3g (best of rounds, ns: lmx " \
               "%d/%d/%d, java %d/%d/%d); p50 min %.2f, %d/%d rounds >= 1.5\n", label,
               bj_[0] / bl_[0], bj_[1] / bl_[1], bj_[2] / bl_[2], bl_[0], bl_[1], bl_[2],
               bj_[0], bj_[1], bj_[2], min, ok, n
      }
    }'
}

compare() {  # topology events wait
  local label="$1 wait=$3" latency=0 round lmx java figures=""
  [[ $1 == ping_pong ]] && latency=1
  echo "## $label events=$2 load average: $(loadavg)"
  for ((round = 1; round <= rounds; round++)); do
    lmx=$("${lmx_cmd[@]}" "$1" --events "$2" --runs $((warmup + 1)) --wait "$3")
    java=$("${java_cmd[@]}" "$1" "$2" $((warmup + 1)) "$3" "${pin_args[@]}")
    sed "s/^/  round $round lmx  /" <<<"$lmx"
    sed "s/^/  round $round java /" <<<"$java"
    figures+="$round $(figure <<<"$lmx")$(figure <<<"$java")"$'\n'
  done
  printf '%s' "$figures" | summarise "$label" "$latency"
}

compare one_to_one "$events" busy_spin
compare one_to_one "$events" yielding
compare one_to_one_batch "$events" yielding
compare three_to_one $((events / 5)) yielding
compare pipeline $((events / 5)) yielding
compare multicast $((events / 5)) yielding
compare diamond $((events / 5)) yielding
compare ping_pong $((events / 100)) yielding
# busy_spin too: the two yielding strategies spin differently before their first yield
# (lmx pauses between checks, Java does not), and ping_pong's round trip shows it.
compare ping_pong $((events / 100)) busy_spin
echo "# done $(date -u +%FT%TZ), load average: $(loadavg)"
