#!/usr/bin/env bash
# Proves the Disruptor depends on the standard library alone: compiles each
# include/lmx/disruptor/*.hpp by itself, with only a copy of that folder on the include path,
# and checks that
#   1. it compiles (so no lmx header outside the folder is needed),
#   2. every <...> it includes directly is a standard library header, and
#   3. every file the compiler read is in the copy or among the files the standard library
#      headers themselves read (so no spdlog, fmt or Boost, even though they sit in
#      /usr/include beside the standard library).
# Exits 1 naming each header that fails and why.
#   tests/lint/disruptor_standalone.sh [CXX] [SOURCE_DIR]
set -euo pipefail
cxx=${1:-c++}
source_dir=$(cd "${2:-$(dirname "$0")/../..}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The C++20 standard library headers, each included only where this compiler has it.
std_headers=(
  algorithm any array atomic barrier bit bitset cassert cctype cerrno cfenv cfloat charconv
  chrono cinttypes climits clocale cmath codecvt compare complex concepts condition_variable
  coroutine csetjmp csignal cstdarg cstddef cstdint cstdio cstdlib cstring ctime cuchar cwchar
  cwctype deque exception execution expected filesystem format forward_list fstream
  functional future initializer_list iomanip ios iosfwd iostream istream iterator latch limits
  list locale map memory memory_resource mutex new numbers numeric optional ostream queue
  random ranges ratio regex scoped_allocator semaphore set shared_mutex source_location span
  spanstream sstream stack stacktrace stdexcept stop_token streambuf string string_view
  syncstream system_error thread tuple type_traits typeindex typeinfo unordered_map
  unordered_set utility valarray variant vector version
)

mkdir -p "$work/include/lmx"
cp -R "$source_dir/include/lmx/disruptor" "$work/include/lmx/disruptor"
copy_dir=$(cd "$work/include/lmx/disruptor" && pwd -P)

# Prints the files a compile read, one canonical path a line, from its dependency file.
dependencies() {
  sed -e 's/\\$//' -e 's/^[^:]*: *//' "$1" | tr ' ' '\n' | sed '/^$/d' | sed 1d |
    xargs -r realpath -e | sort -u
}

# What the whole standard library reads: the closure a disruptor header must stay within.
{
  for h in "${std_headers[@]}"; do
    printf '#if __has_include(<%s>)\n#include <%s>\n#endif\n' "$h" "$h"
  done
} >"$work/std.cpp"
"$cxx" -std=c++20 -E -M -MF "$work/std.d" "$work/std.cpp" >/dev/null
dependencies "$work/std.d" >"$work/std.files"

failures=0
for header in "$source_dir"/include/lmx/disruptor/*.hpp; do
  name=$(basename "$header")
  tu="$work/$name.cpp"
  printf '#include "lmx/disruptor/%s"\n' "$name" >"$tu"
  if ! "$cxx" -std=c++20 -I"$work/include" -c "$tu" -o "$work/$name.o" -MD -MF "$work/$name.d" \
      2>"$work/$name.err"; then
    echo "lmx/disruptor/$name does not compile on its own with only lmx/disruptor/ reachable:"
    head -5 "$work/$name.err"
    failures=$((failures + 1))
    continue
  fi
  while read -r direct; do
    # A word match in the list, not `printf | grep -q`: grep -q exits at the first match,
    # and under pipefail printf's SIGPIPE would turn a found header into a failure.
    if [[ " ${std_headers[*]} " != *" $direct "* ]]; then
      echo "lmx/disruptor/$name includes <$direct>, which is not a standard library header"
      failures=$((failures + 1))
    fi
  done < <(grep -o '^#include <[^>]*>' "$header" | sed -E 's/#include <(.*)>/\1/')
  dependencies "$work/$name.d" | grep -v "^$copy_dir/" | grep -vxF -f "$work/std.files" \
    >"$work/$name.outside" || true
  if [[ -s $work/$name.outside ]]; then
    echo "lmx/disruptor/$name reads $(wc -l <"$work/$name.outside") file(s) outside" \
      "lmx/disruptor/ and the standard library, first:"
    head -3 "$work/$name.outside" | sed 's/^/  /'
    failures=$((failures + 1))
  fi
done

if [[ $failures -gt 0 ]]; then
  echo "$failures problem(s): the Disruptor must depend on the standard library alone"
  exit 1
fi
echo "disruptor: every header compiles alone and reads only itself and the standard library"
