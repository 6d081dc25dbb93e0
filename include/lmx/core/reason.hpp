#pragma once
// The outcome of applying one event: accepted, or the first rule it broke. Codes are stable:
// they are written into results logs and must never be renumbered, only appended to.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace lmx {

enum class Reason : std::uint8_t {
  accepted = 0,
  malformed = 1,
  invalid_amount = 2,
  overflow = 3,
  invalid_sku = 4,
  invalid_quantity = 5,
  invalid_price = 6,
  price_required = 7,
  empty_order = 8,
  too_many_lines = 9,
  unknown_user = 10,
  unknown_item = 11,
  out_of_stock = 12,
  insufficient_balance = 13,
  invalid_id = 14,  // a command id that is empty or longer than command_id_size_max
  duplicate = 15,   // a command id already recorded: nothing applied, the first outcome told
};

inline constexpr std::size_t reason_count = 16;

inline constexpr std::array<std::string_view, reason_count> reason_names = {
    "accepted",       "malformed",
    "invalid_amount", "overflow",
    "invalid_sku",    "invalid_quantity",
    "invalid_price",  "price_required",
    "empty_order",    "too_many_lines",
    "unknown_user",   "unknown_item",
    "out_of_stock",   "insufficient_balance",
    "invalid_id",     "duplicate",
};

[[nodiscard]] constexpr std::string_view reason_name(Reason reason) noexcept {
  return reason_names[static_cast<std::size_t>(reason)];
}

[[nodiscard]] constexpr std::optional<Reason> reason_from_code(std::uint8_t code) noexcept {
  if (code >= reason_count) return std::nullopt;
  return static_cast<Reason>(code);
}

[[nodiscard]] constexpr std::optional<Reason> reason_from_name(std::string_view name) noexcept {
  for (std::size_t i = 0; i < reason_count; ++i) {
    if (reason_names[i] == name) return static_cast<Reason>(i);
  }
  return std::nullopt;
}

}  // namespace lmx
