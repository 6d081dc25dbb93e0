#!/usr/bin/env bash
# The Python producer and result reader of docs/REDIS.md ("Producers in any language"),
# run as written there, against a live `lmx run` writing results one per entry, then against
# one writing them packed (--results-layout packed), each on a stream of its own: it prints
# exactly the output the doc shows, and the engine's export equals `lmx apply` of the same
# events.
# Needs LMX_TEST_REDIS_URL and a python3 with the redis module (scripts/deps.sh installs
# python3-redis); skipped without either.
set -euo pipefail
lmx=$1
# shellcheck source-path=SCRIPTDIR source=lib/redis_json.bash
source "$(dirname "$0")/lib/redis_json.bash"

# shellcheck source-path=SCRIPTDIR source=lib/python.bash
source "$(dirname "$0")/lib/python.bash"
find_python redis python3-redis

doc_blocks python > "$tmp/producer.py"
doc_blocks text > "$tmp/expected_output"
[[ -s "$tmp/producer.py" && -s "$tmp/expected_output" ]] ||
  fail "docs/REDIS.md lost its Python producer or the output it shows"

for layout in per-result packed; do
  stream=$stream_base-$layout
  url="$LMX_TEST_REDIS_URL?stream=$stream"
  start_engine --results-layout "$layout"
  LMX_REDIS=$LMX_TEST_REDIS_URL LMX_STREAM=$stream timeout 60 "$python" "$tmp/producer.py" \
    > "$tmp/output" || fail "the Python producer failed ($layout): $(cat "$tmp/output")"
  diff "$tmp/expected_output" "$tmp/output" ||
    fail "the Python producer's output (right) is not what the doc shows (left), $layout"
  # Every results entry is of the layout asked for: its first field is `pos`, or `v`.
  entries=$(command redis-cli -u "$LMX_TEST_REDIS_URL" XLEN "$stream:results")
  first_field=$([[ $layout == packed ]] && echo v || echo pos)
  [[ $(command redis-cli -u "$LMX_TEST_REDIS_URL" XRANGE "$stream:results" - + |
    grep -cx "$first_field") -eq $entries ]] || fail "$layout: results entries of another layout"
  stop_engine_and_compare
done
echo "redis_json_python: ok"
