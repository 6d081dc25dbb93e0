#!/usr/bin/env bash
# The dashboard page of `lmx run --listen` (GET /) in a real browser: headless Chromium
# loads it twice against an engine under a steady producer, and the test checks that the
# page rendered its figures and chart from the live API, and that they moved between the
# two loads. It saves a screenshot, the test's artifact, under $LMX_TEST_ARTIFACTS
# (default: ./artifacts in the test's working directory).
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
pids=()
cleanup() {
  touch "$tmp/stop"  # the producer loop ends after its current round
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait  # the engine and the producer loop
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; cat "$tmp"/*.err >&2 || true; exit 1; }
# shellcheck source-path=SCRIPTDIR source=lib/http.bash
source "$(dirname "$0")/lib/http.bash"

browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  echo "SKIP: no chromium (scripts/deps.sh installs it)"
  exit 77
fi
artifacts=${LMX_TEST_ARTIFACTS:-$PWD/artifacts}
mkdir -p "$artifacts"

"$lmx" run --log "file:$tmp/log" --status-interval 1h --listen 127.0.0.1:0 \
  >"$tmp/engine.out" 2>"$tmp/engine.err" &
pids+=($!)
wait_listening "$tmp/engine.err"

# A steady producer, and a few POSTs so that the latency figures have requests to show.
(
  seed=1
  while [[ ! -e $tmp/stop ]]; do
    "$lmx" produce --log "file:$tmp/log" --events 5000 --users 500 --items 50 --seed $seed \
      --fsync none >/dev/null 2>>"$tmp/producer.err"
    seed=$((seed + 1))
  done
) &
for i in 1 2 3; do
  [[ $(post "{\"type\":\"topup\",\"user_id\":$i,\"amount\":5}") == 200 ]] || fail "POST /events"
done

# Chromium runs as root here: its sandbox needs --no-sandbox then. Its virtual time budget
# lets the page's one-second timer tick a few times before the DOM is read.
chrome() {
  timeout 90 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --user-data-dir="$tmp/profile" --virtual-time-budget=4000 "$@" "$base/" 2>>"$tmp/chromium.err"
}
# The value of the element with id $2 in the DOM $1, or of the attribute $2="..." .
element() { sed -n "s|.*id=\"$2\"[^>]*>\([^<]*\)<.*|\1|p" "$1" | head -1; }
attribute() { sed -n "s|.*$2=\"\([^\"]*\)\".*|\1|p" "$1" | head -1; }

check_dom() {  # check_dom FILE: the figures and the chart were drawn from the API
  local dom=$1
  [[ -z $(element "$dom" error) ]] || fail "the page says: $(element "$dom" error)"
  [[ $(element "$dom" position) =~ ^[0-9]+-[0-9]+$ ]] || fail "no position: $(element "$dom" position)"
  [[ $(element "$dom" role) == primary ]] || fail "no role"
  [[ $(element "$dom" ring-input) == *slots ]] || fail "no ring occupancy"
  [[ $(element "$dom" p50) =~ (µs|ms|s)$ ]] || fail "no latency p50: $(element "$dom" p50)"
  grep -q "<td>accepted</td>" "$dom" || fail "no results by reason"
  local samples points
  samples=$(attribute "$dom" data-samples)
  ((samples >= 2)) || fail "the chart was not updated while the page was open ($samples samples)"
  points=$(sed -n 's|.*id="rate-line"[^>]*points="\([^"]*\)".*|\1|p' "$dom" | wc -w)
  ((points == samples)) || fail "the chart has $points points for $samples samples"
}

chrome --dump-dom >"$tmp/first.html"
check_dom "$tmp/first.html"
sleep 1
chrome --dump-dom >"$tmp/second.html"
check_dom "$tmp/second.html"
first=$(element "$tmp/first.html" applied)
second=$(element "$tmp/second.html" applied)
[[ $first != "$second" ]] || fail "the figures did not change under load (applied $first both times)"

chrome --window-size=1280,900 --screenshot="$artifacts/dashboard.png" >/dev/null
[[ -s $artifacts/dashboard.png ]] || fail "no screenshot"
echo "dashboard: ok (entries applied $first, then $second; screenshot $artifacts/dashboard.png)"
