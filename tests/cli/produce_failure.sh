#!/usr/bin/env bash
# `lmx produce` whose appends start failing midway (here a file size limit, `ulimit -f`:
# the journal write fails with EFBIG as it would with ENOSPC) exits 1 and says exactly how
# many events the journal holds and the --skip that resumes after them: the count equals
# the journal's records, and resuming with the printed --skip (even after a second
# failure) leaves every event in the journal exactly once. Covered for the generated
# workload (--events) and for JSON lines from a pipe with blank and malformed lines, where
# --skip counts lines. lmx must get EFBIG, not die of SIGXFSZ: it ignores the signal itself.
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib/recovery.bash
source "$(dirname "$0")/lib/recovery.bash"

n=60000
workload=(--users 200 --items 50 --seed 11)
"$lmx" generate --events "$n" "${workload[@]}" > "$tmp/all.jsonl"

# The journal size of the whole workload, for limits that cut it a third and two thirds in.
"$lmx" produce --log "file:$tmp/reference" --events "$n" "${workload[@]}" 2> /dev/null
full_kb=$(($(du -b "$tmp/reference/journal"/*.seg | cut -f1) / 1024))
[[ $full_kb -gt 300 ]] || fail "the reference journal is too small to cut: $full_kb KiB"

# records DIR: the records in DIR's journal; the journal must be clean (no torn tail).
records() {
  "$lmx" inspect journal "$1" > "$tmp/inspect.out" ||
    fail "journal of $1 damaged: $(cat "$tmp/inspect.out")"
  if grep -q "torn tail" "$tmp/inspect.out"; then fail "torn tail left in $1"; fi
  sed -nE 's/^segments [0-9]+  records ([0-9]+) .*/\1/p' "$tmp/inspect.out"
}

# limited KB ARGS...: `lmx produce ARGS` with files limited to KB KiB and SIGXFSZ at its
# default (kill), as an unsuspecting shell leaves it. Sets $status; stderr in $tmp/err.
limited() {
  local kb=$1
  shift
  status=0
  (
    trap - XFSZ
    ulimit -f "$kb"
    exec "$lmx" produce "$@"
  ) 2> "$tmp/err" || status=$?
  [[ $status -ne $((128 + $(kill -l XFSZ))) ]] || fail "lmx was killed by SIGXFSZ"
  [[ $status -eq 1 ]] || fail "produce under a $kb KiB limit: exit $status, not 1: $(cat "$tmp/err")"
  expect_grep "File too large" "$tmp/err" "produce under a $kb KiB limit: the error"
}

# 1. Generated events: fails at a third, resumes and fails at two thirds, then completes.
d=$tmp/gen
limited $((full_kb / 3)) --log "file:$d" --events "$n" "${workload[@]}"
expect_grep "^lmx: appended [0-9]+ of $n events before the failure \(positions 0-1\.\.0-[0-9]+\); to resume, re-run with --skip [0-9]+\$" \
  "$tmp/err" "generated, first failure"
k1=$(sed -nE 's/^lmx: appended ([0-9]+) of .*/\1/p' "$tmp/err")
skip1=$(sed -nE 's/.*re-run with --skip ([0-9]+)$/\1/p' "$tmp/err")
[[ $k1 -gt 0 && $k1 -lt $n ]] || fail "generated: failed after $k1 of $n events, not midway"
[[ $skip1 -eq $k1 ]] || fail "generated: --skip $skip1 after $k1 events"
grep -q "positions 0-1\.\.0-$k1)" "$tmp/err" || fail "generated: positions do not end at 0-$k1"
[[ $(records "$d") -eq $k1 ]] || fail "generated: said $k1 appended, journal holds $(records "$d")"

limited $((2 * full_kb / 3)) --log "file:$d" --events "$n" "${workload[@]}" --skip "$skip1"
expect_grep "^lmx: appended [0-9]+ more of $n events \(after --skip $skip1\) before the failure \(positions 0-$((k1 + 1))\.\.0-[0-9]+\); to resume, re-run with --skip [0-9]+\$" \
  "$tmp/err" "generated, second failure"
more=$(sed -nE 's/^lmx: appended ([0-9]+) more .*/\1/p' "$tmp/err")
skip2=$(sed -nE 's/.*re-run with --skip ([0-9]+)$/\1/p' "$tmp/err")
[[ $more -gt 0 && $skip2 -eq $((k1 + more)) && $skip2 -lt $n ]] ||
  fail "generated: second run appended $more after $k1 and says --skip $skip2"
[[ $(records "$d") -eq $skip2 ]] || fail "generated: said $skip2 in all, journal holds $(records "$d")"

"$lmx" produce --log "file:$d" --events "$n" "${workload[@]}" --skip "$skip2" 2> "$tmp/err" ||
  fail "generated: resuming failed: $(cat "$tmp/err")"
expect_grep "^appended $((n - skip2)) events \(positions 0-$((skip2 + 1))\.\.0-$n\)" "$tmp/err" \
  "generated: resumed run"
check_state "$d" "$tmp/all.jsonl" "generated, resumed twice"

# 2. JSON lines from a pipe, with blank and malformed lines early on: --skip counts lines,
# so it is more than the events appended, and a resumed run does not see those lines again.
{
  echo '{"type":"topup","user_id":1,"amount":5}'
  echo
  echo 'not json'
  echo '   '
  echo '{"type":"topup","user_id":2}'
  cat "$tmp/all.jsonl"
} > "$tmp/input.jsonl"
bad_lines=4 # lines 2..5 append nothing
{ head -n 1 "$tmp/input.jsonl"; cat "$tmp/all.jsonl"; } > "$tmp/valid.jsonl"
e=$tmp/lines
status=0
# stdin is a pipe (`< <(cat ...)`), not the file itself.
(
  trap - XFSZ
  ulimit -f $((full_kb / 2))
  exec "$lmx" produce --log "file:$e" --input - < <(cat "$tmp/input.jsonl")
) 2> "$tmp/err" || status=$?
[[ $status -eq 1 ]] || fail "lines: exit $status, not 1: $(cat "$tmp/err")"
expect_grep "File too large" "$tmp/err" "lines: the error"
expect_grep "^stdin:3: malformed" "$tmp/err" "lines: malformed line reported"
expect_grep "^lmx: appended [0-9]+ events from stdin before the failure \(positions 0-1\.\.0-[0-9]+\); to resume, re-run with --skip [0-9]+\$" \
  "$tmp/err" "lines: failure"
k=$(sed -nE 's/^lmx: appended ([0-9]+) events from .*/\1/p' "$tmp/err")
skip=$(sed -nE 's/.*re-run with --skip ([0-9]+)$/\1/p' "$tmp/err")
[[ $k -gt 1 && $k -lt $n ]] || fail "lines: failed after $k events, not midway"
[[ $(records "$e") -eq $k ]] || fail "lines: said $k appended, journal holds $(records "$e")"
[[ $skip -eq $((k + bad_lines)) ]] || fail "lines: $k events appended, but --skip $skip"
"$lmx" produce --log "file:$e" --input - --skip "$skip" < <(cat "$tmp/input.jsonl") 2> "$tmp/err" ||
  fail "lines: resuming failed: $(cat "$tmp/err")"
if grep -q malformed "$tmp/err"; then fail "lines: the resumed run read skipped lines"; fi
expect_grep "^appended $((n + 1 - k)) events \(positions 0-$((k + 1))\.\.0-$((n + 1))\)" "$tmp/err" \
  "lines: resumed run"
check_state "$e" "$tmp/valid.jsonl" "lines, resumed"

# 3. --skip beyond --events is refused before anything is appended.
if "$lmx" produce --log "file:$tmp/none" --events 10 --skip 11 2> "$tmp/err"; then
  fail "--skip 11 --events 10 accepted"
fi
expect_grep "more than --events" "$tmp/err" "--skip beyond --events"
echo "produce_failure: ok"
