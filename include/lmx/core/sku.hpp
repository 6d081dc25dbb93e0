#pragma once
// An item id (SKU) stored inline: no allocation in ring slots or in state.

#include <array>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "lmx/constants.hpp"

namespace lmx {

struct Sku {
  // A size of `size_too_long` records that the source id was longer than `sku_size_max`;
  // such an id is kept only so that the business logic can reject it as `invalid_sku`.
  static constexpr std::uint8_t size_too_long = sku_size_max + 1;

  std::uint8_t size = 0;
  std::array<char, sku_size_max> bytes{};

  [[nodiscard]] static Sku from(std::string_view text) noexcept {
    Sku sku;
    if (text.size() > sku_size_max) {
      sku.size = size_too_long;
      return sku;
    }
    sku.size = static_cast<std::uint8_t>(text.size());
    std::memcpy(sku.bytes.data(), text.data(), text.size());
    return sku;
  }

  // Valid ids are 1 to sku_size_max bytes long.
  [[nodiscard]] bool valid() const noexcept { return size > 0 && size <= sku_size_max; }

  [[nodiscard]] std::string_view view() const noexcept {
    assert(size <= sku_size_max);
    return {bytes.data(), size};
  }

  // The id as a text format (JSON, the seed's msgpack) writes it. An id too long to have
  // been kept is written as a placeholder just as long: it reads back as too long, and the
  // business logic rejects it as invalid_sku, as it would have the original id.
  [[nodiscard]] std::string_view written_form() const noexcept {
    static constexpr std::string_view too_long_placeholder(
        "................................................................", size_too_long);
    static_assert(size_too_long <= 64, "the placeholder must be long enough");
    return size == size_too_long ? too_long_placeholder : view();
  }

  friend bool operator==(const Sku& a, const Sku& b) noexcept {
    if (a.size != b.size) return false;
    const std::size_t stored = a.size <= sku_size_max ? a.size : 0;
    return std::memcmp(a.bytes.data(), b.bytes.data(), stored) == 0;
  }
};

}  // namespace lmx
