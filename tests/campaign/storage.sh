#!/usr/bin/env bash
# Storage fault campaign (file backend): each round restores a data directory with three
# snapshots, a full results log and events the engine has not read yet, injects seeded
# faults (a truncation or a bit flip at a random offset of a journal segment, a results
# segment or a snapshot; results/ or snapshots/ deleted; sometimes two at once), then runs
# the engine. It must either refuse with an error naming the damaged file (with the offset,
# for damage), or recover correctly: `lmx export` equals `lmx apply` over the records that
# survive, the results log answers each of them once with the right reason, and events
# produced afterwards get right results too. Never a wrong state or a wrong result.
# As root with mount allowed, also a full disk (a small tmpfs) and a read-only directory.
#   tests/campaign/storage.sh LMX [DATA]    (LMX_CAMPAIGN_ROUNDS, LMX_CAMPAIGN_SEED: lib/)
set -euo pipefail
lmx=$1
tmp=$(mktemp -d)
mnt=
cleanup() {
  if [[ -n $mnt ]]; then umount "$mnt" 2> /dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
# shellcheck source-path=SCRIPTDIR source=lib/campaign.bash
source "$(dirname "$0")/lib/campaign.bash"

rounds=$(campaign_rounds 8)
d=$tmp/data
workload=(--users 100 --items 30)
parts=(1 2 3 4 more)
for ((p = 0; p < ${#parts[@]}; p++)); do
  "$lmx" generate --events 2000 "${workload[@]}" --seed $((campaign_seed * 100 + p)) \
    > "$tmp/part${parts[p]}.jsonl"
done
# Three runs leave snapshots at 2000, 4000 and 6000 and a results log to 6000; part 4 is in
# the journal only.
: > "$tmp/all.jsonl"
for part in 1 2 3 4; do
  "$lmx" produce --log "file:$d" --fsync none --input "$tmp/part$part.jsonl" 2> /dev/null
  cat "$tmp/part$part.jsonl" >> "$tmp/all.jsonl"
  if ((part < 4)); then
    "$lmx" run --log "file:$d" --exit-when-caught-up > /dev/null 2> "$tmp/setup.err" ||
      fail "setup run: $(cat "$tmp/setup.err")"
  fi
done
[[ $(find "$d/snapshots" -name '*.lmxs' | wc -l) -eq 3 ]] || fail "setup: not three snapshots"
cp -a "$d" "$tmp/pristine"

# pick_file DIR GLOB: sets $chosen to one of the non-empty files, at random; to nothing when
# an earlier fault of the round removed them.
pick_file() {
  local files
  chosen=
  mapfile -t files < <(find "$1" -name "$2" -size +0 2> /dev/null | sort)
  ((${#files[@]} > 0)) || return 0
  random_below ${#files[@]}
  chosen=${files[random]}
}

# The faults. Each adds the file it damaged (or the directory it removed) to $damaged.
truncate_file() {
  pick_file "$1" "$2"
  [[ -n $chosen ]] || return 0
  random_below "$(stat -c %s "$chosen")"
  truncate -s "$random" "$chosen"
  damaged+=("$chosen")
}
flip_file() {
  pick_file "$1" "$2"
  [[ -n $chosen ]] || return 0
  random_below "$(stat -c %s "$chosen")"
  flip_byte "$chosen" "$random"
  damaged+=("$chosen")
}
inject() {
  case $1 in
    journal_truncate) truncate_file "$d/journal" '*.seg' ;;
    journal_flip) flip_file "$d/journal" '*.seg' ;;
    results_truncate) truncate_file "$d/results" '*.seg' ;;
    results_flip) flip_file "$d/results" '*.seg' ;;
    snapshot_truncate) truncate_file "$d/snapshots" '*.lmxs' ;;
    snapshot_flip) flip_file "$d/snapshots" '*.lmxs' ;;
    results_deleted) rm -rf "$d/results" && damaged+=("$d/results") ;;
    snapshots_deleted) rm -rf "$d/snapshots" && damaged+=("$d/snapshots") ;;
  esac
}
faults=(journal_truncate journal_flip results_truncate results_flip snapshot_truncate
  snapshot_flip results_deleted snapshots_deleted)

# check_recovered WHAT: the engine ran to the end of what survives of the journal. The
# state and results are those of exactly the surviving records; then more events are
# produced and run, and get right results at the positions that follow.
check_recovered() {
  local k
  "$lmx" inspect journal "$d" > "$tmp/journal.report" ||
    fail "$1: lmx run succeeded over a journal inspect calls damaged: $(cat "$tmp/journal.report")"
  k=$(sed -n 's/^segments [0-9]*  records \([0-9]*\)  .*/\1/p' "$tmp/journal.report")
  head -n "${k:-0}" "$tmp/all.jsonl" > "$tmp/survived.jsonl"
  for stage in "after the fault" "after producing more"; do
    reference "$tmp/survived.jsonl"
    "$lmx" export --log "file:$d" > "$tmp/actual.export" 2> "$tmp/export.err" ||
      fail "$1, $stage: lmx export failed: $(cat "$tmp/export.err")"
    expect_same "$tmp/expected.export" "$tmp/actual.export" "$1, $stage: export"
    "$lmx" inspect results "$d" > "$tmp/actual.results" || fail "$1, $stage: no results log"
    check_results_prefix "$tmp/actual.results" "$1, $stage" complete
    [[ $stage == "after the fault" ]] || break
    "$lmx" produce --log "file:$d" --input "$tmp/partmore.jsonl" 2> "$tmp/produce.err" ||
      fail "$1: produce after recovery failed: $(cat "$tmp/produce.err")"
    cat "$tmp/partmore.jsonl" >> "$tmp/survived.jsonl"
    "$lmx" run --log "file:$d" --exit-when-caught-up > /dev/null 2> "$tmp/run2.err" ||
      fail "$1: run after producing more failed: $(cat "$tmp/run2.err")"
  done
  check_conservation "$tmp/survived.jsonl" "$tmp/actual.results" "$tmp/actual.export" "$1"
}

# check_refused WHAT FILES...: the engine's error names one of the damaged files (by its
# name; a removed directory by its path), and for damage inside a file, an offset. A journal
# cut short under the newest snapshot is named by the positions instead (the engine sees
# them through backend interfaces), with what to do.
check_refused() {
  local what=$1 named=false f
  shift
  for f in "$@"; do
    grep -qF -- "$(basename "$f")" "$tmp/run.err" && named=true
  done
  grep -Eq "at position [0-9]+-[0-9]+ is ahead of the end of the log \(position|the entry at position [0-9]+-[0-9]+ is not the one the snapshot" \
    "$tmp/run.err" && named=true
  $named || fail "$what: the refusal names none of $*: $(cat "$tmp/run.err")"
  if grep -q "checksum\|bad record\|mid-record" "$tmp/run.err"; then
    expect_grep "offset [0-9]+" "$tmp/run.err" "$what: damage without an offset"
  fi
}

recovered=0
refused=0
for ((round = 1; round <= rounds; round++)); do
  rm -rf "$d"
  cp -a "$tmp/pristine" "$d"
  picked=("${faults[$(((round - 1) % ${#faults[@]}))]}")
  # From the second pass over the list on, every other round adds a second, random fault.
  if ((round > ${#faults[@]} && round % 2 == 0)); then
    random_below ${#faults[@]}
    picked+=("${faults[random]}")
  fi
  damaged=()
  for fault in "${picked[@]}"; do inject "$fault"; done
  what="round $round (${picked[*]}: ${damaged[*]#"$d/"})"
  if "$lmx" run --log "file:$d" --exit-when-caught-up > "$tmp/run.out" 2> "$tmp/run.err"; then
    check_recovered "$what"
    recovered=$((recovered + 1))
  else
    check_refused "$what" "${damaged[@]}"
    refused=$((refused + 1))
  fi
done
echo "storage: $rounds rounds of file faults: $recovered recovered correctly, $refused refused" \
  "naming the file; 0 wrong states or results"

# --- Full disk and read-only directory: need a tmpfs, so root with mount allowed.
mnt=$tmp/mnt
mkdir -p "$mnt"
if ! mount -t tmpfs -o size=64m,mode=0700 tmpfs "$mnt" 2> /dev/null; then
  mnt=
  echo "storage: full disk and read-only directory skipped (cannot mount a tmpfs; needs root)"
  exit 0
fi

# A full disk: room for the journal but not for all results. The engine stops with the
# reason, leaves a results log that is a right prefix, and recovers once there is room.
journal_bytes=$(du -sb "$tmp/pristine/journal" | cut -f1)
mkdir -p "$mnt/data"
cp -a "$tmp/pristine/journal" "$mnt/data/journal"
mount -o remount,size=$((journal_bytes + 64 * 1024)) "$mnt"
d=$mnt/data
if "$lmx" run --log "file:$d" --exit-when-caught-up > "$tmp/run.out" 2> "$tmp/run.err"; then
  fail "full disk: lmx run succeeded with no room for its results"
fi
expect_grep "No space left on device" "$tmp/run.err" "full disk: lmx run"
expect_grep "write to $d/results/[0-9]+\.seg at offset [0-9]+: No space left on device" \
  "$tmp/run.err" "full disk: the error names no file and offset"
"$lmx" inspect results "$d" > "$tmp/actual.results" 2> /dev/null || : > "$tmp/actual.results"
reference "$tmp/all.jsonl"
check_results_prefix "$tmp/actual.results" "full disk: results left behind"
if "$lmx" produce --log "file:$d" --input "$tmp/partmore.jsonl" 2> "$tmp/produce.err"; then
  fail "full disk: lmx produce succeeded with no room"
fi
expect_grep "write to $d/journal/[0-9]+\.seg at offset [0-9]+: No space left on device" \
  "$tmp/produce.err" "full disk: lmx produce"
mount -o remount,size=64m "$mnt"
"$lmx" produce --log "file:$d" --input /dev/null 2> /dev/null # repairs what the full disk tore
if "$lmx" run --log "file:$d" --exit-when-caught-up > "$tmp/run.out" 2> "$tmp/run.err"; then
  check_recovered "full disk, then room again"
else
  fail "full disk, then room again: lmx run failed: $(cat "$tmp/run.err")"
fi

# A read-only directory: the engine refuses, naming it; export still reads the state.
rm -rf "$d"
cp -a "$tmp/pristine" "$d"
mount -o remount,ro "$mnt"
if "$lmx" run --log "file:$d" --exit-when-caught-up > "$tmp/run.out" 2> "$tmp/run.err"; then
  fail "read-only directory: lmx run succeeded"
fi
expect_grep "Read-only file system" "$tmp/run.err" "read-only directory: lmx run"
expect_grep "$d" "$tmp/run.err" "read-only directory: the error names no path"
reference "$tmp/all.jsonl"
"$lmx" export --log "file:$d" > "$tmp/actual.export" 2> "$tmp/export.err" ||
  fail "read-only directory: lmx export failed: $(cat "$tmp/export.err")"
expect_same "$tmp/expected.export" "$tmp/actual.export" "read-only directory: export"
mount -o remount,rw "$mnt"
"$lmx" run --log "file:$d" --exit-when-caught-up > "$tmp/run.out" 2> "$tmp/run.err" ||
  fail "read-only directory made writable: lmx run failed: $(cat "$tmp/run.err")"
check_recovered "read-only directory made writable"
echo "storage: full disk and read-only directory: refused with the reason, then recovered"
