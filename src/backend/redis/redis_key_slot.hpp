#pragma once
// Where Redis Cluster keeps a key: one of 16384 slots, CRC16 (XMODEM) of the key modulo
// 16384. Only the hash tag is hashed when the key has one: the bytes between the first '{'
// and the next '}', if there is at least one byte between them ("{shop-7}:orders" and
// "{shop-7}:orders:results" share a slot; "{}x" hashes the whole key). That is how a
// stream and the keys lmx keeps beside it land on one node.

#include <cstdint>
#include <string_view>

namespace lmx {

inline constexpr std::uint16_t redis_slot_count = 16384;

// CRC16-CCITT, polynomial 0x1021, initial value 0 (XMODEM), as Redis Cluster uses it.
[[nodiscard]] std::uint16_t crc16_xmodem(std::string_view bytes) noexcept;

// The part of `key` that is hashed: its hash tag, or the whole key when it has none.
[[nodiscard]] std::string_view redis_hash_tag(std::string_view key) noexcept;

// True when `key` has a non-empty hash tag, so keys built on it can share its slot.
[[nodiscard]] bool has_redis_hash_tag(std::string_view key) noexcept;

[[nodiscard]] std::uint16_t redis_key_slot(std::string_view key) noexcept;

}  // namespace lmx
