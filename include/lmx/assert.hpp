#pragma once
// LMX_ASSERT: a contract check that stays on in every build, release included.
//
// Use it for cheap invariants whose violation means lmx itself is wrong (a position going
// backward, a decoded field out of its range, a ring sequence out of order): going on
// would write a wrong state or a wrong result, so the process stops at once and says
// where. Operating errors (Redis down, a damaged file, bad input) are never asserted: they
// are handled and reported. Checks too costly for the hot path use plain `assert`, which
// the dev and tsan presets keep on.

#include <cstdio>
#include <cstdlib>

namespace lmx::detail {

[[noreturn]] inline void assert_failed(const char* condition, const char* file, int line) noexcept {
  std::fprintf(stderr, "lmx: assertion failed: %s (%s:%d)\n", condition, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace lmx::detail

#define LMX_ASSERT(condition)                                       \
  do {                                                              \
    if (!(condition)) [[unlikely]]                                  \
      ::lmx::detail::assert_failed(#condition, __FILE__, __LINE__); \
  } while (false)
