#!/usr/bin/env bash
# lmx apply on a small file: the exact canonical export and summary, blank and malformed
# lines included; then a generated workload is applied identically twice.
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/events.jsonl" <<'JSON'
{"type":"topup","user_id":7,"amount":1000}
{"type":"add_item","item_id":"cpu","count":10,"price":250}

{"type":"add_item","item_id":"ram","count":3,"price":null}
{"type":"order","user_id":7,"lines":[{"item_id":"cpu","quantity":2},{"item_id":"cpu","quantity":1}]}
{"type":"order","user_id":7,"lines":[{"item_id":"cpu","quantity":8}]}
not json at all
{"type":"topup","user_id":-1,"amount":5}
JSON
cat > "$tmp/expected.jsonl" <<'JSON'
{"user_id":-1,"balance":5}
{"user_id":7,"balance":250}
{"item_id":"cpu","price":250,"remain":7}
JSON
"$lmx" apply --summary "$tmp/events.jsonl" > "$tmp/export.jsonl" 2> "$tmp/summary.json"
diff -u "$tmp/expected.jsonl" "$tmp/export.jsonl"
echo '{"accepted":4,"malformed":1,"out_of_stock":1,"price_required":1}' | diff -u - "$tmp/summary.json"

# stdin and a file give the same bytes; a generated workload is deterministic.
"$lmx" apply < "$tmp/events.jsonl" | cmp - "$tmp/export.jsonl"
"$lmx" generate --events 20000 --users 50 --items 20 --seed 3 > "$tmp/gen.jsonl"
"$lmx" generate --events 20000 --users 50 --items 20 --seed 3 | cmp - "$tmp/gen.jsonl"
"$lmx" apply --summary "$tmp/gen.jsonl" > "$tmp/a" 2> "$tmp/sa"
"$lmx" apply --summary - < "$tmp/gen.jsonl" > "$tmp/b" 2> "$tmp/sb"
cmp "$tmp/a" "$tmp/b"
cmp "$tmp/sa" "$tmp/sb"
grep -q '"accepted":' "$tmp/sa"
[[ $(wc -l < "$tmp/a") -eq 70 ]]

# A missing file is a clear error, not a crash.
if "$lmx" apply "$tmp/missing.jsonl" 2> "$tmp/err"; then exit 1; fi
grep -q "cannot open" "$tmp/err"
echo "apply: ok"
