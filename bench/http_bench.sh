#!/usr/bin/env bash
# The HTTP API of `lmx run --listen` under load, measured with wrk, next to the engine's own
# rate on the same backend in the same run. See BENCHMARKS.md, section "HTTP API".
#
#   bench/http_bench.sh       # DURATION=10 CONNECTIONS="1 4 16 64" BATCH=100 BACKENDS="file redis"
#                             # USERS=10000 ITEMS=100 BACKLOG=1000000 RUNS=3; ~6 min here
#   DURATION=3 CONNECTIONS="1 16" BACKENDS=file bench/http_bench.sh          # a quick look
#
# Needs wrk (Debian: `apt-get install -y wrk`; run as root, the script installs it itself) and,
# for the Redis backend, redis-server (a private one on a free port, scripts/redis_private.sh,
# without AOF: an XADD is acknowledged from memory). The bench is not part of CI.
#
# Workload: every event carries its own command id, so each is a real command; 3 of 4 are
# orders of one unit, 1 of 4 topups of 1, on USERS users and ITEMS items that a setup (one
# large topup per user, one large add_item per item) makes sure can always pay and deliver.
#
# For each backend (file: the embedded journal in a temporary directory; `lmx run` has no
# --fsync, so POST /events appends with the default `always`: one fdatasync per request;
# redis: the private server):
# 1. Builds the release preset's lmx CLI (ccache when present).
# 2. produce: the setup and BACKLOG workload events appended by `lmx produce --input` with its
#    default --fsync (always, one fdatasync per 4096 events): the log writer's own rate.
# 3. engine: `lmx run --exit-when-caught-up` over that log from an empty state, RUNS times
#    without and with `--listen 127.0.0.1:0`, alternating (results and snapshots reset
#    between runs): the engine's own rate, and what serving the API costs it.
# 4. One `lmx run --listen` (default settings) on a log holding only the setup, and wrk for
#    DURATION seconds per point:
#    - GET /users/{id} with READ_CONNECTIONS connections, the engine idle;
#    - POST /events at each of CONNECTIONS, first with one event per request, then with
#      BATCH events per request (JSON lines); wrk's Lua builds each body with fresh ids.
#      Then /metrics gives the reasons of every result the server wrote;
#    - GET /users/{id} again, while a second wrk posts BATCH-event requests on
#      LOAD_CONNECTIONS connections.
#    Each point also reports the cores lmx and wrk used, and the snapshots saved meanwhile.
# 5. A summary table: HTTP events/s as a ratio of the engine's own rate (best plain run).
# Latencies are wrk's (a closed loop: a slow answer delays the next request on its
# connection, so the tail is understated under overload); wrk shares the 2 cores with lmx.
# Everything lives in one temporary directory under TMPDIR, removed on exit (~200 MB).
set -euo pipefail

DURATION=${DURATION:-10}
read -r -a CONNECTION_COUNTS <<< "${CONNECTIONS:-1 4 16 64}"
BATCH=${BATCH:-100}
read -r -a BACKEND_NAMES <<< "${BACKENDS:-file redis}"
USERS=${USERS:-10000}
ITEMS=${ITEMS:-100}
BACKLOG=${BACKLOG:-1000000}
RUNS=${RUNS:-3}
READ_CONNECTIONS=${READ_CONNECTIONS:-4}
LOAD_CONNECTIONS=${LOAD_CONNECTIONS:-16}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

if ! command -v wrk >/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then
    apt-get install -y wrk >/dev/null
  else
    echo "wrk is missing: sudo apt-get install -y wrk (Debian), then run this again" >&2
    exit 1
  fi
fi

if command -v ccache >/dev/null; then export CMAKE_CXX_COMPILER_LAUNCHER=ccache; fi
cmake --preset release -S "$ROOT" >/dev/null
cmake --build --preset release -j2 --target lmx_cli >/dev/null
LMX=$ROOT/build/release/apps/lmx/lmx

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lmx-http-bench-XXXXXX")
SERVER_PID='' SERVER_LOG=''
cleanup() {
  if [[ -n $SERVER_PID ]]; then kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" || true; fi
  if [[ " ${BACKEND_NAMES[*]} " == *" redis "* ]]; then redis_private_stop; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
if [[ " ${BACKEND_NAMES[*]} " == *" redis "* ]]; then
  # shellcheck source-path=SCRIPTDIR source=../scripts/redis_private.sh
  source "$ROOT/scripts/redis_private.sh"
  # shellcheck disable=SC2119  # no extra redis-server arguments
  redis_private_start
fi

# The setup, then the workload: event N of a prefix is the same line in awk (the backlog)
# and in wrk's Lua (the requests).
awk -v users="$USERS" -v items="$ITEMS" 'BEGIN {
  for (u = 1; u <= users; u++) printf "{\"type\":\"topup\",\"user_id\":%d,\"amount\":1000000000000}\n", u
  for (i = 1; i <= items; i++) printf "{\"type\":\"add_item\",\"item_id\":\"sku-%d\",\"count\":1000000000000,\"price\":1}\n", i
}' > "$WORK/setup.jsonl"
awk -v n="$BACKLOG" -v users="$USERS" -v items="$ITEMS" 'BEGIN {
  for (k = 0; k < n; k++) {
    if (k % 4 == 0) printf "{\"type\":\"topup\",\"user_id\":%d,\"amount\":1,\"id\":\"b-%d\"}\n", k % users + 1, k
    else printf "{\"type\":\"order\",\"user_id\":%d,\"lines\":[{\"item_id\":\"sku-%d\",\"quantity\":1}],\"id\":\"b-%d\"}\n", k % users + 1, k % items + 1, k
  }
}' > "$WORK/backlog.jsonl"

# wrk prints one RESULT line from done(); latencies are in microseconds.
WRK_DONE='
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d seconds=%.3f p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end'
cat > "$WORK/post.lua" <<LUA
-- POST /events with EVENTS JSON lines per request, each event with an id unique to this
-- run (args: events per request, id prefix, users, items).
local thread_count = 0
function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end
local per, prefix, users, items
local sent = 0
function init(args)
  per, users, items = tonumber(args[1]), tonumber(args[3]), tonumber(args[4])
  prefix = args[2] .. "-" .. thread_index .. "-"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end
local function event(k)
  if k % 4 == 0 then
    return string.format('{"type":"topup","user_id":%d,"amount":1,"id":"%s%d"}', k % users + 1, prefix, k)
  end
  return string.format('{"type":"order","user_id":%d,"lines":[{"item_id":"sku-%d","quantity":1}],"id":"%s%d"}',
    k % users + 1, k % items + 1, prefix, k)
end
function request()
  local lines = {}
  for i = 1, per do lines[i] = event(sent * per + i - 1) end
  sent = sent + 1
  return wrk.format(nil, "/events", nil, table.concat(lines, "\n"))
end
$WRK_DONE
LUA
cat > "$WORK/get.lua" <<LUA
-- GET /users/{id} over every user in turn (args: users).
local users
local sent = 0
function init(args) users = tonumber(args[1]) end
function request()
  sent = sent + 1
  return wrk.format("GET", "/users/" .. (sent % users + 1))
end
$WRK_DONE
LUA

field() {  # field NAME LINE: the value of NAME=value in LINE
  sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"
}
log_url() {  # log_url BACKEND NAME: a log of its own for NAME on BACKEND
  if [[ $1 == file ]]; then echo "file:$WORK/$1-$2"; else echo "redis://127.0.0.1:$LMX_REDIS_PORT/0?stream=$2"; fi
}
run_flags() {  # run_flags BACKEND NAME: keeps a Redis log's snapshots in a directory, to reset
  if [[ $1 == redis ]]; then echo "--snapshot-dir $WORK/$1-$2-snapshots"; fi
}
reset_engine() {  # reset_engine BACKEND NAME: no results and no snapshots, as before any run
  rm -rf "$WORK/$1-$2/results" "$WORK/$1-$2/snapshots" "$WORK/$1-$2-snapshots"
  if [[ $1 == redis ]]; then redis-cli -p "$LMX_REDIS_PORT" del "$2:results" >/dev/null; fi
}
rate_of() {  # rate_of LINE: the events/s of an `lmx run` summary line
  sed -n 's/.*(\([0-9.]*\) events\/s.*/\1/p' <<<"$1"
}
best_and_median() {  # best_and_median RATE...: the largest and the median
  printf '%s\n' "$@" | sort -g | awk '{ r[NR] = $1 } END {
    print r[NR], (NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2) }'
}

start_server() {  # start_server BACKEND NAME: `lmx run --listen` on that log; sets SERVER_PID, PORT
  local log=$WORK/$1-$2.server.log
  SERVER_LOG=$log
  : > "$log"  # before the server opens it, for the first look below
  # shellcheck disable=SC2046  # run_flags is empty or two words
  "$LMX" run --log "$(log_url "$1" "$2")" $(run_flags "$1" "$2") --listen 127.0.0.1:0 \
    >"$log.out" 2>"$log" &
  SERVER_PID=$!
  PORT=
  for _ in $(seq 600); do
    PORT=$(sed -n 's|.*serving the HTTP API on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")
    if [[ -n $PORT ]] && curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "lmx run --listen did not get ready; its log:" >&2
  cat "$log" >&2
  return 1
}
stop_server() {
  kill -TERM "$SERVER_PID"
  local status=0
  wait "$SERVER_PID" || status=$?
  SERVER_PID=
  if [[ $status -ne 0 ]]; then echo "lmx run --listen exited with status $status" >&2; fi
}
server_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
snapshots_saved() { grep -c 'snapshot saved' "$SERVER_LOG" || true; }
# wrk_point CONNECTIONS SCRIPT PATH ARGS...: wrk's RESULT line, then the cores lmx and this
# wrk used over the point, and how many snapshots the engine saved meanwhile.
wrk_point() {
  local threads=$(( $1 < 2 ? $1 : 2 )) ticks snapshots times=$WORK/wrk-$BASHPID.time line
  ticks=$(server_cpu_ticks)
  snapshots=$(snapshots_saved)
  line=$(/usr/bin/time -f '%U %S' -o "$times" wrk -t "$threads" -c "$1" -d "${DURATION}s" \
    --timeout 15s -s "$WORK/$2" "http://127.0.0.1:$PORT$3" -- "${@:4}" | grep '^RESULT')
  awk -v line="$line" -v ticks="$(( $(server_cpu_ticks) - ticks ))" -v hz="$(getconf CLK_TCK)" \
    -v snapshots="$(( $(snapshots_saved) - snapshots ))" '{
      split(line, f, /[= ]/); for (i = 2; i < length(f); i += 2) if (f[i] == "seconds") s = f[i + 1]
      if (s <= 0) { print line; exit }
      printf "%s lmx_cores=%.2f wrk_cores=%.2f snapshots=%d\n", line, ticks / hz / s,
        ($1 + $2) / s, snapshots }' "$times"
}

declare -A engine_rate
rows=() engine_rows=()
add_row() {  # add_row BACKEND WHAT CONNECTIONS EVENTS_PER_REQUEST RESULT_LINE
  local line=$5 requests seconds
  requests=$(field requests "$line")
  seconds=$(field seconds "$line")
  rows+=("$(awk -v b="$1" -v w="$2" -v c="$3" -v per="$4" -v r="$requests" -v s="$seconds" \
    -v p50="$(field p50_us "$line")" -v p90="$(field p90_us "$line")" \
    -v p99="$(field p99_us "$line")" -v p999="$(field p999_us "$line")" \
    -v errors="$(( $(field connect "$line") + $(field read "$line") + $(field write "$line") + $(field status "$line") + $(field timeout "$line") ))" \
    -v engine="${engine_rate[$1]}" -v lmx_cores="$(field lmx_cores "$line")" \
    -v wrk_cores="$(field wrk_cores "$line")" -v snapshots="$(field snapshots "$line")" 'BEGIN {
      rps = r / s; eps = rps * per; ratio = "-"
      if (per > 0) ratio = sprintf("%.3f", eps / engine)
      printf "%-6s %-16s %5d %9.0f %10.0f %8.2f %8.2f %8.2f %8.2f %6d %7s %4.2f %4.2f %3d\n", b,
        w, c, rps, eps, p50 / 1000, p90 / 1000, p99 / 1000, p999 / 1000, errors, ratio,
        lmx_cores, wrk_cores, snapshots }')")
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $USERS users, $ITEMS items," \
  "backlog $BACKLOG events, ${DURATION}s per wrk point"
for backend in "${BACKEND_NAMES[@]}"; do
  echo
  echo "== $backend (load average $(cut -d" " -f1-3 /proc/loadavg))"
  url=$(log_url "$backend" engine)
  "$LMX" produce --log "$url" --input "$WORK/setup.jsonl" --fsync none >/dev/null 2>&1
  start=$(date +%s.%N)
  "$LMX" produce --log "$url" --input "$WORK/backlog.jsonl" >/dev/null 2>&1
  produce_rate=$(awk -v n="$BACKLOG" -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", n / (b - a) }')
  echo "produce: $BACKLOG events in batches of 4096 (default --fsync): $produce_rate events/s"

  plain_rates=() listen_rates=()
  for run in $(seq "$RUNS"); do
    order=(plain listen)
    [[ $((run % 2)) -eq 0 ]] && order=(listen plain)
    for variant in "${order[@]}"; do
      reset_engine "$backend" engine
      flags=()
      [[ $variant == listen ]] && flags=(--listen 127.0.0.1:0)
      # shellcheck disable=SC2046  # run_flags is empty or two words
      "$LMX" run --log "$url" $(run_flags "$backend" engine) --exit-when-caught-up \
        --snapshot-interval 1h "${flags[@]}" >"$WORK/run.out" 2>/dev/null
      line=$(grep -m1 'events/s' "$WORK/run.out")
      rate=$(rate_of "$line")
      echo "engine run $run, $variant: $line"
      if [[ $variant == plain ]]; then plain_rates+=("$rate"); else listen_rates+=("$rate"); fi
    done
  done
  read -r best_plain median_plain <<<"$(best_and_median "${plain_rates[@]}")"
  read -r best_listen median_listen <<<"$(best_and_median "${listen_rates[@]}")"
  engine_rate[$backend]=$best_plain
  engine_rows+=("$(awk -v b="$backend" -v p="$best_plain" -v l="$best_listen" -v mp="$median_plain" \
    -v ml="$median_listen" -v w="$produce_rate" 'BEGIN {
    printf "%-6s engine best %.0f events/s, with --listen %.0f (%.3f); median %.0f, with --listen %.0f (%.3f)\n",
      b, p, l, l / p, mp, ml, ml / mp
    printf "%-6s produce %.0f events/s\n", b, w }')")
  if [[ $backend == file ]]; then rm -rf "$WORK/file-engine"; fi

  "$LMX" produce --log "$(log_url "$backend" api)" --input "$WORK/setup.jsonl" --fsync none >/dev/null 2>&1
  start_server "$backend" api
  tag=$(date +%s)
  line=$(wrk_point "$READ_CONNECTIONS" get.lua /users "$USERS")
  echo "GET /users/{id}, idle: $line"
  add_row "$backend" "GET idle" "$READ_CONNECTIONS" 0 "$line"
  for per in 1 "$BATCH"; do
    for connections in "${CONNECTION_COUNTS[@]}"; do
      line=$(wrk_point "$connections" post.lua /events "$per" "$backend-$tag-$per-$connections" "$USERS" "$ITEMS")
      echo "POST /events, $per per request, $connections connections: $line"
      add_row "$backend" "POST x$per" "$connections" "$per" "$line"
    done
  done
  echo "results written by the server, by reason (from /metrics):"
  curl -fs "http://127.0.0.1:$PORT/metrics" | grep -E '^lmx_results_total|^lmx_http_requests_total' | sed 's/^/  /'

  # The load runs a second longer on each side, so the reads see it from start to end.
  (DURATION=$((DURATION + 2)) wrk_point "$LOAD_CONNECTIONS" post.lua /events "$BATCH" \
    "$backend-$tag-load" "$USERS" "$ITEMS" > "$WORK/load.result") &
  load_pid=$!
  sleep 1
  line=$(wrk_point "$READ_CONNECTIONS" get.lua /users "$USERS")
  wait "$load_pid"
  echo "GET /users/{id}, under POST load: $line"
  echo "  the POST load meanwhile: $(cat "$WORK/load.result")"
  add_row "$backend" "GET loaded" "$READ_CONNECTIONS" 0 "$line"
  add_row "$backend" "POST x$BATCH (load)" "$LOAD_CONNECTIONS" "$BATCH" "$(cat "$WORK/load.result")"
  stop_server
done

echo
echo "summary (latencies in ms; errors: connect + read + write + non-2xx + timeout;"
echo "/engine: HTTP events/s over the engine's own rate (best run) on the same backend;"
echo "lmx, wrk: cores each used over the point; snp: snapshots the engine saved meanwhile)"
printf "%-6s %-16s %5s %9s %10s %8s %8s %8s %8s %6s %7s %4s %4s %3s\n" backend what conns \
  req/s events/s p50 p90 p99 p99.9 errors /engine lmx wrk snp
printf '%s\n' "${rows[@]}" "${engine_rows[@]}"
