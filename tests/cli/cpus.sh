#!/usr/bin/env bash
# lmx run --cpus pins the pipeline's threads round-robin to the CPUs given: with the log
# read on a thread of its own, three (lmx-reader, lmx-logic, lmx-results); inline, which
# --reader auto picks when the list names fewer than three CPUs, two (lmx-logic reads the
# log too). A list naming a CPU the process may not use is refused before anything runs.
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; tail -n 20 "$tmp/run.err" >&2 2>/dev/null || true; exit 1; }

# The first CPU this shell may run on (the list is like 0-1 or 0,2-3).
cpu=$(awk '/^Cpus_allowed_list/ { print $2 }' /proc/self/status | cut -d, -f1 | cut -d- -f1)

"$lmx" produce --log "file:$tmp/data" --events 100 --seed 1 2>/dev/null

# pinned_threads ARGS...: runs the engine with ARGS, checks that each pipeline thread may
# run on $cpu only, and sets $threads to their names, sorted, on one line.
pinned_threads() {
  "$lmx" run --log "file:$tmp/data" --cpus "$cpu,$cpu" --status-interval 1s "$@" \
    > /dev/null 2> "$tmp/run.err" &
  pid=$!
  for _ in $(seq 200); do grep -q "recovered" "$tmp/run.err" && break; sleep 0.05; done
  grep -q "recovered" "$tmp/run.err" || fail "the engine did not start"
  sleep 0.3  # the stages start right after recovery
  local names=()
  for task in /proc/"$pid"/task/*; do
    name=$(cat "$task/comm")
    [[ $name == lmx-reader || $name == lmx-logic || $name == lmx-results ]] || continue
    allowed=$(awk '/^Cpus_allowed_list/ { print $2 }' "$task/status")
    [[ $allowed == "$cpu" ]] || fail "$name may run on CPUs $allowed, not only $cpu"
    names+=("$name")
  done
  kill -TERM "$pid"
  wait "$pid" || fail "the engine did not exit cleanly on SIGTERM"
  pid=""
  threads=$(printf '%s\n' "${names[@]}" | sort | paste -sd' ')
}

pinned_threads --reader thread
[[ $threads == "lmx-logic lmx-reader lmx-results" ]] || fail "pinned with --reader thread: $threads"
pinned_threads
[[ $threads == "lmx-logic lmx-results" ]] || fail "pinned with --reader auto on one CPU: $threads"
grep -q "reading the log on the business logic thread: 1 CPU available" "$tmp/run.err" ||
  fail "--reader auto does not say where it reads the log"

if "$lmx" run --log "file:$tmp/data" --cpus 1023 --exit-when-caught-up 2> "$tmp/bad.err"; then
  fail "a CPU the process may not use was accepted"
fi
grep -q -- "--cpus: CPU 1023 is not one this process may run on" "$tmp/bad.err" ||
  fail "the refusal does not say why: $(cat "$tmp/bad.err")"
echo "cpus: ok"
