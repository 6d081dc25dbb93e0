#pragma once
// Reading a whole text as a decimal integer: what command lines, Redis fields and file
// names hold.

#include <charconv>
#include <concepts>
#include <string_view>

namespace lmx {

// True, with the value in `out`, when `text` is exactly a decimal number that fits `Int`
// (a leading '-' for a signed one; no sign, space or other character around it).
template <std::integral Int>
[[nodiscard]] bool parse_decimal(std::string_view text, Int& out) noexcept {
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, out);
  return !text.empty() && ec == std::errc{} && p == end;
}

}  // namespace lmx
