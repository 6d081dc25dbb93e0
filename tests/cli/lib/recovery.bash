# Shared by the crash and recovery scripts in tests/cli (sourced, not a test of its own:
# CTest registers only tests/cli/*.sh). Each script sets $lmx and $tmp before using these.

# shellcheck disable=SC2154 # $lmx and $tmp are set by each script before it sources this
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# expect_same EXPECTED ACTUAL WHAT: byte-for-byte equality, with a diff excerpt on failure.
expect_same() {
  if ! cmp -s "$1" "$2"; then
    diff -u "$1" "$2" | head -40 >&2 || true
    fail "$3: $2 differs from $1"
  fi
}

# expect_grep PATTERN FILE WHAT: FILE must contain the extended regex PATTERN.
expect_grep() {
  if ! grep -Eq -- "$1" "$2"; then
    sed 's/^/    | /' "$2" | tail -20 >&2
    fail "$3: no line matching /$1/ in $2"
  fi
}

# reason_counts: reads `<position> <reason>` lines, prints the counts as `lmx apply
# --summary` does ({"accepted":9,"out_of_stock":1}, keys in byte order).
reason_counts() {
  cut -d' ' -f2 | LC_ALL=C sort | uniq -c |
    awk 'BEGIN { printf "{" } { printf "%s\"%s\":%s", (NR > 1 ? "," : ""), $2, $1 } END { print "}" }'
}

# check_state DIR EVENTS WHAT: `lmx export` of DIR equals `lmx apply` of the JSON-lines
# EVENTS, byte for byte, and the journal holds exactly as many records as EVENTS has lines.
check_state() {
  local dir=$1 events=$2 what=$3
  "$lmx" apply "$events" > "$tmp/expected.export"
  "$lmx" export --log "file:$dir" > "$tmp/actual.export" 2> "$tmp/export.err" ||
    fail "$what: lmx export failed: $(cat "$tmp/export.err")"
  expect_same "$tmp/expected.export" "$tmp/actual.export" "$what: export"
  "$lmx" inspect journal "$dir" > "$tmp/journal.report" ||
    fail "$what: lmx inspect journal reports damage: $(cat "$tmp/journal.report")"
  local n
  n=$(wc -l < "$events")
  expect_grep "records $n  sequences 1\.\.$n\$" "$tmp/journal.report" "$what: journal length"
}

# check_results DIR EVENTS WHAT: the results journal of DIR has one result for each input
# position 1..N (N = lines of EVENTS), in order, each exactly once, and its reason counts
# equal those of `lmx apply --summary EVENTS`.
check_results() {
  local dir=$1 events=$2 what=$3
  local n
  n=$(wc -l < "$events")
  "$lmx" inspect results "$dir" > "$tmp/results.txt" ||
    fail "$what: lmx inspect results failed"
  # Journal sequence N prints as 0-N; compare the sequences.
  cut -d' ' -f1 "$tmp/results.txt" | sed 's/^0-//' > "$tmp/results.positions"
  if ! seq 1 "$n" | cmp -s - "$tmp/results.positions"; then
    local lines dups missing
    lines=$(wc -l < "$tmp/results.positions")
    dups=$(sort -n "$tmp/results.positions" | uniq -d | head -5 | tr '\n' ' ')
    missing=$(seq 1 "$n" | sort | comm -23 - <(sort -u "$tmp/results.positions") | sort -n |
      head -5 | tr '\n' ' ')
    fail "$what: results journal holds $lines results for $n events" \
      "(repeated positions: ${dups:-none}; missing: ${missing:-none})"
  fi
  "$lmx" apply --summary "$events" 2> "$tmp/expected.counts" > /dev/null
  reason_counts < "$tmp/results.txt" > "$tmp/actual.counts"
  expect_same "$tmp/expected.counts" "$tmp/actual.counts" "$what: result reasons"
}

# flip_byte FILE OFFSET: inverts every bit of one byte in place.
flip_byte() {
  local byte
  byte=$(od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' ')
  [[ -n $byte ]] || fail "flip_byte: $1 has no byte at offset $2"
  # shellcheck disable=SC2059 # the format is the octal escape of the new byte
  printf "\\$(printf '%03o' $((byte ^ 0xff)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
