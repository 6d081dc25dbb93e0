#!/usr/bin/env bash
# Static analysis of lmx's own code (src/, apps/ and the headers they include): cppcheck and
# clang-tidy, zero findings. Each suppression carries its reason: tests/lint/cppcheck.supp,
# .clang-tidy, and `cppcheck-suppress` / `NOLINT` comments at the line they excuse.
# Usage: static_analysis.sh SOURCE_DIR BUILD_DIR   (BUILD_DIR has compile_commands.json)
set -euo pipefail
src=$1
build=$2
db=$build/compile_commands.json
[[ -f $db ]] || { echo "no $db (configure with CMAKE_EXPORT_COMPILE_COMMANDS=ON)" >&2; exit 1; }
for tool in cppcheck clang-tidy; do
  command -v "$tool" > /dev/null || { echo "$tool is not installed (scripts/deps.sh)" >&2; exit 1; }
done
jobs=$(nproc)

cppcheck --project="$db" --std=c++20 --enable=warning,style,performance,portability \
  --inline-suppr --suppressions-list="$src/tests/lint/cppcheck.supp" --error-exitcode=1 \
  --quiet -j "$jobs" --file-filter="$src/src/*" --file-filter="$src/apps/*"
echo "cppcheck: no findings"

find "$src/src" "$src/apps" -name '*.cpp' -print0 | sort -z |
  xargs -0 -P "$jobs" -n 4 clang-tidy -p "$build" --quiet 2> "$build/clang-tidy.err" || {
  cat "$build/clang-tidy.err" >&2
  exit 1
}
echo "clang-tidy: no findings"
