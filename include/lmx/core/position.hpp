#pragma once
// A position in the log. Positions are totally ordered and never go backward.
//   Redis Stream entry id "<ms>-<seq>"  ->  {major = ms, minor = seq}
//   file journal record sequence N       ->  {major = 0,  minor = N}   (N >= 1)
// The zero position means "before the first entry".

#include <charconv>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "lmx/core/decoded.hpp"

namespace lmx {

struct Position {
  std::uint64_t major = 0;
  std::uint64_t minor = 0;

  friend constexpr auto operator<=>(const Position&, const Position&) = default;

  [[nodiscard]] constexpr bool is_zero() const noexcept { return major == 0 && minor == 0; }

  // "ms-seq" for Redis ids; a bare "N" for journal sequences.
  [[nodiscard]] std::string to_string() const {
    if (major == 0) return std::to_string(minor);
    return std::to_string(major) + "-" + std::to_string(minor);
  }

  // Parses "major-minor", or a bare "N" meaning "0-N"; anything else (a sign, spaces, an
  // empty part, a number above UINT64_MAX) is refused whole, with the reason.
  [[nodiscard]] static Decoded<Position> parse(std::string_view text) noexcept {
    const auto dash = text.find('-');
    Position position;
    if (dash == std::string_view::npos) {
      if (!parse_number(text, position.minor)) return failure();
      return position;
    }
    if (!parse_number(text.substr(0, dash), position.major) ||
        !parse_number(text.substr(dash + 1), position.minor)) {
      return failure();
    }
    return position;
  }

 private:
  [[nodiscard]] static Decoded<Position> failure() noexcept {
    return Decoded<Position>::failure("a position is major-minor (two decimal numbers), or N");
  }

  [[nodiscard]] static bool parse_number(std::string_view text, std::uint64_t& value) noexcept {
    const char* end = text.data() + text.size();
    const auto [p, ec] = std::from_chars(text.data(), end, value);
    return !text.empty() && ec == std::errc{} && p == end;
  }
};

}  // namespace lmx
