#pragma once
// A client command id (an order number, a UUID) stored inline: no allocation in ring slots
// or in the id record. Ids are opaque bytes, compared byte for byte.
//
// An event may have no id, or an id that the business logic rejects as invalid_id (empty,
// or longer than command_id_size_max: such an id keeps only that fact, as Sku does).

#include <array>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "lmx/constants.hpp"

namespace lmx {

struct CommandId {
  static constexpr std::uint8_t size_too_long = command_id_size_max + 1;

  bool present = false;
  std::uint8_t size = 0;  // 0..command_id_size_max, or size_too_long
  std::array<char, command_id_size_max> bytes{};

  [[nodiscard]] static CommandId from(std::string_view text) noexcept {
    CommandId id;
    id.present = true;
    if (text.size() > command_id_size_max) {
      id.size = size_too_long;
      return id;
    }
    id.size = static_cast<std::uint8_t>(text.size());
    std::memcpy(id.bytes.data(), text.data(), text.size());
    return id;
  }

  // A present id of 1 to command_id_size_max bytes: one the business logic records.
  [[nodiscard]] bool valid() const noexcept {
    return present && size > 0 && size <= command_id_size_max;
  }

  [[nodiscard]] std::string_view view() const noexcept {
    assert(size <= command_id_size_max);
    return {bytes.data(), size};
  }

  // A text just too long to be an id: how a text format writes an id that was too long to
  // be kept. It reads back as too long, and is rejected as invalid_id as the original was.
  [[nodiscard]] static constexpr std::string_view too_long_text() noexcept {
    return {
        "................................................................."
        "................................................................",
        size_too_long};
  }

  // The id as a text format (JSON, the seed's msgpack) writes it.
  [[nodiscard]] std::string_view written_form() const noexcept {
    return size == size_too_long ? too_long_text() : view();
  }

  friend bool operator==(const CommandId& a, const CommandId& b) noexcept {
    if (a.present != b.present || a.size != b.size) return false;
    const std::size_t stored = a.size <= command_id_size_max ? a.size : 0;
    return std::memcmp(a.bytes.data(), b.bytes.data(), stored) == 0;
  }
};

}  // namespace lmx
