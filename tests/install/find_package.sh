#!/usr/bin/env bash
# Installs lmx from BUILD_DIR into a temporary prefix, then builds and runs a project
# outside the tree that uses it through find_package(lmx): the installed headers must be
# complete on their own (no engine internals) and the package config must find its
# dependencies.
#   tests/install/find_package.sh BUILD_DIR
set -euo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
# Only the public surface is installed.
if find "$tmp/prefix/include" -name '*.hpp' | grep -vE '/include/lmx/(core/|client/|disruptor/|constants.hpp|assert.hpp)'; then
  echo "FAIL: headers outside the public surface were installed" >&2
  exit 1
fi
flags=$(sed -n 's/^CMAKE_CXX_FLAGS:STRING=//p' "$build/CMakeCache.txt")
cmake -S "$here/consumer" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCMAKE_CXX_FLAGS="$flags" >/dev/null
cmake --build "$tmp/build" >/dev/null
"$tmp/build/consumer" "$tmp/data"
echo "find_package: ok"
