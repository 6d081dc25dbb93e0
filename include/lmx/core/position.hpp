#pragma once
// A position in the log. Positions are totally ordered and never go backward. Each backend
// has its own id space, and the backend, not the value, says which one a position is in:
//
//   file journal   record sequence N          ->  {major = 0,  minor = N}   (N >= 1, dense:
//                                                  N + 1 follows N)
//   Redis Stream   entry id "<ms>-<seq>"      ->  {major = ms, minor = seq} (not dense: ids
//                                                  skip, and 0-5 is a valid Redis id)
//
// The zero position means "before the first entry". Because only the backend knows whether
// positions are dense, arithmetic on positions (how many entries lie between two) belongs
// to the backend: LogReader::lag_after() (log_reader.hpp), never `b.minor - a.minor` here.
//
// One text form, "major-minor", for every backend: journal sequence 42 is "0-42". It is
// also the form Redis takes for an id; a bare "42" would be read by Redis as "42-0", so
// lmx never prints it. parse() still accepts a bare "N" as "0-N" (a journal sequence typed
// by hand, or a script written when lmx printed that form).
//
// Snapshot files and Redis snapshot keys store major and minor as two numbers; that format
// does not change with the text form.

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "lmx/core/decimal.hpp"
#include "lmx/core/decoded.hpp"

namespace lmx {

struct Position {
  std::uint64_t major = 0;
  std::uint64_t minor = 0;

  friend constexpr auto operator<=>(const Position&, const Position&) = default;

  // The greatest position: "no limit" where a limit is asked for.
  [[nodiscard]] static constexpr Position last() noexcept { return {UINT64_MAX, UINT64_MAX}; }

  [[nodiscard]] constexpr bool is_zero() const noexcept { return major == 0 && minor == 0; }

  // "major-minor", whatever the backend: "0-42", "1700000000000-3".
  [[nodiscard]] std::string to_string() const {
    return std::to_string(major) + "-" + std::to_string(minor);
  }

  // Parses "major-minor", or a bare "N" meaning "0-N"; anything else (a sign, spaces, an
  // empty part, a number above UINT64_MAX) is refused whole, with the reason.
  [[nodiscard]] static Decoded<Position> parse(std::string_view text) noexcept {
    const auto dash = text.find('-');
    Position position;
    if (dash == std::string_view::npos) {
      if (!parse_decimal(text, position.minor)) return failure();
      return position;
    }
    if (!parse_decimal(text.substr(0, dash), position.major) ||
        !parse_decimal(text.substr(dash + 1), position.minor)) {
      return failure();
    }
    return position;
  }

 private:
  [[nodiscard]] static Decoded<Position> failure() noexcept {
    return Decoded<Position>::failure("a position is major-minor (two decimal numbers), or N");
  }
};

}  // namespace lmx
