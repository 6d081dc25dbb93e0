#!/usr/bin/env bash
# Latency by offered load on three backends, and its plot. See BENCHMARKS.md, section
# "Latency by offered load".
#
#   bench/latency_by_load.sh      # RATES=10k,50k,100k,200k,500k,1m,2m,5m SECONDS_PER_RATE=5
#                                 # WARMUP=1; 2-3 min here
#   RATES=100k,1m SECONDS_PER_RATE=2 bench/latency_by_load.sh             # a quick look
#   READER=thread bench/latency_by_load.sh   # the engine's --reader (default auto)
#
# Builds the release preset (ccache when present) and runs bench/load_latency, the engine in
# its process, over the rate ladder on a file journal with --fsync none, one with --fsync
# always, and a private redis-server (scripts/redis_private.sh, no persistence), each
# backend stopping at its first broken rate. Writes every row, with the load average before
# each backend, to docs/latency_by_load.dat, and plots it with gnuplot (scripts/deps.sh
# --bench) into docs/latency_by_load.svg: one panel per backend, latency percentiles
# against the offered rate, both axes logarithmic. Percentiles against the rate rather than
# HdrHistogram's percentile spectrum per rate: the question is how the tail moves with load
# and where it breaks, which one line per percentile shows at a glance, where a spectrum
# would need one curve per rate in every panel.
set -euo pipefail
cd "$(dirname "$0")/.."
rates=${RATES:-10k,50k,100k,200k,500k,1m,2m,5m}
seconds=${SECONDS_PER_RATE:-5}
warmup=${WARMUP:-1}
reader=${READER:-auto}  # where the engine reads the log: auto, thread or inline (lmx run --reader)
data=${DATA:-docs/latency_by_load.dat}
plot=${PLOT:-docs/latency_by_load.svg}
if ! command -v gnuplot >/dev/null; then
  echo "latency_by_load: gnuplot is missing; bash scripts/deps.sh --bench installs it" >&2
  exit 1
fi
command -v ccache >/dev/null && export CMAKE_CXX_COMPILER_LAUNCHER=ccache
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)" --target load_latency >/dev/null
bench=$PWD/build/release/bench/load_latency
# shellcheck source=../scripts/redis_private.sh
source scripts/redis_private.sh
redis_private_start
work=$(mktemp -d "$PWD/build/latency_by_load.XXXXXX")  # on the build's disk, not a tmpfs
cleanup() {
  redis_private_stop
  rm -rf "$work"
}
trap cleanup EXIT

echo "# bench/latency_by_load.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), commit" \
  "$(git rev-parse --short HEAD), RATES=$rates SECONDS_PER_RATE=$seconds WARMUP=$warmup" \
  "READER=$reader" >"$data"
# run LABEL ARGS...: one backend's ladder, appended to the data file as its own block.
run() {
  echo "# $1: load average $(cut -d' ' -f1-3 /proc/loadavg) at the start" | tee -a "$data"
  "$bench" --label "$1" --rates "$rates" --seconds "$seconds" --warmup "$warmup" \
    --reader "$reader" "${@:2}" |
    tee -a "$data"
  printf '\n\n' >>"$data"
}
run file-fsync-none --log "file:$work" --fsync none
run file-fsync-always --log "file:$work" --fsync always
run redis --log "redis://127.0.0.1:$LMX_REDIS_PORT"
echo "# load average $(cut -d' ' -f1-3 /proc/loadavg) at the end" | tee -a "$data"

# Columns: label offered achieved events p50 p99 p99.9 p99.99 max (µs) status.
gnuplot <<GNUPLOT
set terminal svg size 1350,480 dynamic font 'sans,11' background '#ffffff'
set output '$plot'
set multiplot layout 1,3 title "lmx, engine in process: latency from each event's intended send time to its result written"
set logscale xy
set grid
set key top left font ',9'
set format x '%.0s%c'
set xlabel 'offered events/s'
set ylabel 'latency'
set yrange [1:1e8]
set ytics ('1 µs' 1, '10 µs' 10, '100 µs' 100, '1 ms' 1e3, '10 ms' 1e4, '100 ms' 1e5, '1 s' 1e6, '10 s' 1e7, '100 s' 1e8)
array titles[3] = ['file journal, --fsync none', 'file journal, --fsync always', 'Redis (loopback, no persistence)']
do for [i=0:2] {
  set title titles[i+1]
  plot '$data' index i using 2:5 with linespoints title 'p50', \
    '' index i using 2:6 with linespoints title 'p99', \
    '' index i using 2:7 with linespoints title 'p99.9', \
    '' index i using 2:8 with linespoints title 'p99.99', \
    '' index i using 2:9 with linespoints dashtype 2 title 'max', \
    '' index i using 2:(strcol(10) eq 'ok' ? NaN : \$8) with points pointtype 2 pointsize 2 lc 'red' title 'broken', \
    50 with lines dashtype 3 lc 'black' title '50 µs'
}
unset multiplot
GNUPLOT
echo "wrote $data and $plot"
