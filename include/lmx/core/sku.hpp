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

  friend bool operator==(const Sku& a, const Sku& b) noexcept {
    if (a.size != b.size) return false;
    const std::size_t stored = a.size <= sku_size_max ? a.size : 0;
    return std::memcmp(a.bytes.data(), b.bytes.data(), stored) == 0;
  }
};

}  // namespace lmx
