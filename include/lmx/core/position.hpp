#pragma once
// A position in the log. Positions are totally ordered and never go backward.
//   Redis Stream entry id "<ms>-<seq>"  ->  {major = ms, minor = seq}
//   file journal record sequence N       ->  {major = 0,  minor = N}   (N >= 1)
// The zero position means "before the first entry".

#include <charconv>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

  // Parses either form; nullopt on anything else (no partial parses).
  [[nodiscard]] static std::optional<Position> parse(std::string_view text) noexcept {
    Position position;
    const char* end = text.data() + text.size();
    const auto dash = text.find('-');
    if (dash == std::string_view::npos) {
      const auto [p, ec] = std::from_chars(text.data(), end, position.minor);
      if (ec != std::errc{} || p != end || text.empty()) return std::nullopt;
      return position;
    }
    const char* mid = text.data() + dash;
    const auto [p1, ec1] = std::from_chars(text.data(), mid, position.major);
    if (ec1 != std::errc{} || p1 != mid || dash == 0) return std::nullopt;
    const auto [p2, ec2] = std::from_chars(mid + 1, end, position.minor);
    if (ec2 != std::errc{} || p2 != end || mid + 1 == end) return std::nullopt;
    return position;
  }
};

}  // namespace lmx
