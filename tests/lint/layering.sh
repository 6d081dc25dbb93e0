#!/usr/bin/env bash
# Checks what may include what (docs/ARCHITECTURE.md, "Dependencies"): each component's
# quoted includes must name a component it may depend on. Exits 1 naming every violation.
#   tests/lint/layering.sh [SOURCE_DIR]
set -euo pipefail
cd "${1:-$(dirname "$0")/../..}"

# component (a path prefix) -> the include prefixes it may use, besides the standard library
# and the third-party libraries in <...>.
declare -A allowed=(
  [include/lmx/disruptor/]="lmx/disruptor/"
  [include/lmx/]="lmx/"
  [include/lmx/core/]="lmx/core/ lmx/constants.hpp lmx/assert.hpp"
  [src/core/]="lmx/core/ lmx/constants.hpp lmx/assert.hpp"
  [src/format/]="lmx/ format/"
  [src/backend/file/]="lmx/ format/ backend/file/"
  [src/backend/redis/]="lmx/ format/ backend/redis/ backend/file/file_snapshot_store.hpp"
  [src/backend/]="lmx/ backend/"
  [src/pipeline/]="lmx/ pipeline/"
  [include/lmx/client/]="lmx/core/ lmx/client/"
  [src/client/]="lmx/core/ lmx/client/"
  [src/service/]="lmx/ format/ service/"
)
# Longest prefix first, so include/lmx/disruptor/ wins over include/lmx/.
mapfile -t components < <(printf '%s\n' "${!allowed[@]}" | awk '{ print length, $0 }' | sort -rn | cut -d' ' -f2)

violations=0
while IFS= read -r file; do
  component=""
  for c in "${components[@]}"; do
    if [[ $file == "$c"* ]]; then component=$c; break; fi
  done
  [[ -n $component ]] || continue
  while IFS=: read -r line target; do
    ok=0
    for prefix in ${allowed[$component]}; do
      [[ $target == "$prefix"* ]] && ok=1
    done
    # A source may include its own header, whatever folder it sits in.
    [[ $target == "${file%.cpp}.hpp" || "src/$target" == "${file%.cpp}.hpp" ]] && ok=1
    if [[ $ok == 0 ]]; then
      echo "$file:$line: includes \"$target\", outside what ${component%/} may use (${allowed[$component]})"
      violations=$((violations + 1))
    fi
  done < <(grep -n '^#include "' "$file" | sed -E 's/^([0-9]+):#include "([^"]+)".*/\1:\2/')
done < <(git ls-files 'include/*.hpp' 'src/*.hpp' 'src/*.cpp' 2>/dev/null || find include src -name '*.[ch]pp')

if [[ $violations -gt 0 ]]; then
  echo "$violations include(s) cross a component boundary"
  exit 1
fi
echo "layering: every include stays within its component's dependencies"
