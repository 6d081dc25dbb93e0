#include "backend/redis/redis_key_slot.hpp"

#include <cassert>

namespace lmx {

// Bitwise rather than by table: a slot is computed when a connection opens, never per
// command, so 256 bytes of table would buy nothing.
std::uint16_t crc16_xmodem(std::string_view bytes) noexcept {
  std::uint16_t crc = 0;
  for (const char byte : bytes) {
    crc = static_cast<std::uint16_t>(
        crc ^ (static_cast<std::uint16_t>(static_cast<unsigned char>(byte)) << 8));
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) != 0 ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021)
                                : static_cast<std::uint16_t>(crc << 1);
    }
  }
  return crc;
}

std::string_view redis_hash_tag(std::string_view key) noexcept {
  const std::size_t open = key.find('{');
  if (open == std::string_view::npos) return key;
  const std::size_t close = key.find('}', open + 1);
  if (close == std::string_view::npos || close == open + 1) return key;
  return key.substr(open + 1, close - open - 1);
}

bool has_redis_hash_tag(std::string_view key) noexcept {
  return redis_hash_tag(key).size() != key.size();
}

std::uint16_t redis_key_slot(std::string_view key) noexcept {
  const auto slot =
      static_cast<std::uint16_t>(crc16_xmodem(redis_hash_tag(key)) % redis_slot_count);
  assert(slot < redis_slot_count);
  return slot;
}

}  // namespace lmx
