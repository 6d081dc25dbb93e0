#!/usr/bin/env bash
# One engine per data directory, and data readable by its owner only: a second `lmx run`
# on a directory an engine holds refuses to start, naming the holder's pid, and writes
# nothing; the lock goes with the engine, even when it is killed with -9. Files are
# created 0600 and directories 0700, whatever the umask.
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
engine=""
trap '[[ -z "$engine" ]] || kill -9 "$engine" 2>/dev/null || true; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

umask 022
data=$tmp/data
"$lmx" produce --log "file:$data" --events 3000 --users 50 --items 10 --seed 5 2>/dev/null
"$lmx" run --log "file:$data" --snapshot-interval 100ms 2> "$tmp/first.err" &
engine=$!
for _ in $(seq 200); do
  [[ $(stat -c %s "$data/engine.lock" 2>/dev/null || echo 0) -gt 0 ]] && break
  sleep 0.05
done
for _ in $(seq 200); do compgen -G "$data/snapshots/*.lmxs" >/dev/null && break; sleep 0.05; done

results_before=$(du -b "$data/results" | cut -f1)
if "$lmx" run --log "file:$data" --exit-when-caught-up > "$tmp/second.out" 2> "$tmp/second.err"; then
  fail "a second engine ran on a data directory the first one holds"
fi
grep -q "another engine (pid $engine) is running on $data" "$tmp/second.err" ||
  fail "the refusal does not name the holder: $(cat "$tmp/second.err")"
[[ $(du -b "$data/results" | cut -f1) == "$results_before" ]] || fail "the refused engine wrote results"

# Owner-only modes for everything the engine and the producer created.
while IFS= read -r path; do
  mode=$(stat -c %a "$path")
  if [[ -d $path ]]; then want=700; else want=600; fi
  [[ $mode == "$want" ]] || fail "$path has mode $mode, not $want"
done < <(find "$data" -mindepth 0 ! -name '*.tmp')

kill -9 "$engine"
wait "$engine" 2>/dev/null || true
engine=""
"$lmx" run --log "file:$data" --exit-when-caught-up > "$tmp/third.out" 2> "$tmp/third.err" ||
  fail "the lock outlived an engine killed with -9: $(cat "$tmp/third.err")"
echo "data_dir_access: ok"
