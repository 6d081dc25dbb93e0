#!/usr/bin/env bash
# Builds the fuzz preset (clang, libFuzzer + ASan + UBSan) and fuzzes every decoder for a
# bounded time, starting from the checked-in seed corpora in fuzz/corpus/<target>/. Fails
# when any target finds a crash, a sanitizer report or a broken property; the input that
# did it is kept under build/fuzz/findings/<target>/ and named in the output.
#   LMX_FUZZ_SECONDS=N   seconds per target (default 20: all targets in under 3 minutes)
#   LMX_FUZZ_TARGETS="a b"  only these targets (default: every fuzz/*_fuzz.cpp)
#   bash fuzz/run.sh --write-corpus   regenerate fuzz/corpus/ from lmx's encoders, then stop
# Long form: LMX_FUZZ_SECONDS=600 bash fuzz/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
seconds=${LMX_FUZZ_SECONDS:-20}
build=build/fuzz

targets=${LMX_FUZZ_TARGETS:-$(for f in fuzz/*_fuzz.cpp; do basename "$f" .cpp; done)}
cmake --preset fuzz >/dev/null
if [[ "${1:-}" == "--write-corpus" ]]; then
  cmake --build --preset fuzz -j"$(nproc)" --target lmx_fuzz_corpus
  "$build/fuzz/lmx_fuzz_corpus" fuzz/corpus
  exit 0
fi
# shellcheck disable=SC2086 # one target name per word
cmake --build --preset fuzz -j"$(nproc)" --target $targets

findings=$build/findings
failed=()
for target in $targets; do
  # New inputs go to a scratch folder: the checked-in corpus only changes on purpose.
  work=$findings/$target
  rm -rf "$work"
  mkdir -p "$work/corpus"
  log=$work/log.txt
  if "$build/fuzz/$target" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$work/" "$work/corpus" "fuzz/corpus/$target" >"$log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz: $target ok: $execs execs in ${seconds}s ($((execs / seconds)) execs/s)"
  else
    echo "fuzz: $target FAILED: see $log; the input is in $work/" >&2
    grep -E "assertion failed|ERROR:|SUMMARY:|runtime error" "$log" | head -5 >&2 || true
    failed+=("$target")
  fi
done
if [[ ${#failed[@]} -ne 0 ]]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
