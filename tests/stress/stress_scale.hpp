#pragma once
// LMX_STRESS_SCALE (environment) multiplies the stress tests' counts for long soak runs;
// unset, or not a positive number, it is 1: the short form CI runs.

#include <cstdint>
#include <cstdlib>

namespace lmx::test {

[[nodiscard]] inline std::int64_t stress_scaled(std::int64_t count) {
  const char* text = std::getenv("LMX_STRESS_SCALE");
  const long long factor = text != nullptr ? std::strtoll(text, nullptr, 10) : 1;
  return count * (factor > 0 ? factor : 1);
}

}  // namespace lmx::test
