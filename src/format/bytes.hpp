#pragma once
// Little-endian fixed-width integers in byte strings: the building blocks of every lmx
// binary format (native codec, journal records, snapshots). All formats are little-endian
// so that x86-64 and ARM64 read them with a plain load.

#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace lmx {

static_assert(std::endian::native == std::endian::little,
              "lmx formats are little-endian and are read with plain loads");

template <class T>
requires std::is_integral_v<T>
void put_le(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

template <class T>
requires std::is_integral_v<T>
void store_le(char* at, T value) noexcept {
  std::memcpy(at, &value, sizeof(T));
}

template <class T>
requires std::is_integral_v<T>
[[nodiscard]] T load_le(const char* at) noexcept {
  T value;
  std::memcpy(&value, at, sizeof(T));
  return value;
}

// The most bytes a varint (below) takes: 64 bits at 7 a byte.
inline constexpr std::size_t varint_size_max = 10;

// Stores `value` as a varint (unsigned LEB128: 7 bits a byte, low bits first, the high bit
// set on every byte but the last) at `at`, which has room for varint_size_max bytes; returns
// the end of what was stored. The shortest encoding, always: readers refuse longer ones, so
// that a value has exactly one encoding.
[[nodiscard]] inline char* store_varint(char* at, std::uint64_t value) noexcept {
  while (value >= 0x80) {
    *at++ = static_cast<char>(value | 0x80);
    value >>= 7;
  }
  *at++ = static_cast<char>(value);
  return at;
}

// Signed values as varints: 0, -1, 1, -2, 2... map to 0, 1, 2, 3, 4..., so that small
// negative values stay short.
[[nodiscard]] constexpr std::uint64_t zigzag_encode(std::int64_t value) noexcept {
  const auto bits = static_cast<std::uint64_t>(value);
  return (bits << 1) ^ (0 - (bits >> 63));  // the sign bit, copied to every bit
}
[[nodiscard]] constexpr std::int64_t zigzag_decode(std::uint64_t value) noexcept {
  return static_cast<std::int64_t>((value >> 1) ^ (0 - (value & 1)));
}

// Reads fields front to back from untrusted bytes. Every read checks the bounds: a read
// past the end returns false and leaves the cursor where it was.
class ByteCursor {
 public:
  explicit ByteCursor(std::string_view bytes) noexcept : bytes_(bytes) {}

  template <class T>
  requires std::is_integral_v<T>
  [[nodiscard]] bool read(T& value) noexcept {
    if (remaining() < sizeof(T)) return false;
    value = load_le<T>(bytes_.data() + offset_);
    offset_ += sizeof(T);
    return true;
  }

  // Reads a varint (store_varint). Refuses one that runs past the end, holds more than 64
  // bits, or is longer than the shortest encoding of its value.
  [[nodiscard]] bool read_varint(std::uint64_t& value) noexcept {
    std::uint64_t decoded = 0;
    for (std::size_t i = 0; i < varint_size_max && offset_ + i < bytes_.size(); ++i) {
      const auto byte = static_cast<std::uint8_t>(bytes_[offset_ + i]);
      if (i == varint_size_max - 1 && byte > 1) return false;  // past 64 bits
      decoded |= std::uint64_t{byte & 0x7Fu} << (7 * i);
      if ((byte & 0x80) == 0) {
        if (byte == 0 && i > 0) return false;  // a shorter encoding exists
        value = decoded;
        offset_ += i + 1;
        return true;
      }
    }
    return false;
  }

  [[nodiscard]] bool read_bytes(std::size_t size, std::string_view& bytes) noexcept {
    if (remaining() < size) return false;
    bytes = bytes_.substr(offset_, size);
    offset_ += size;
    return true;
  }

  [[nodiscard]] std::size_t offset() const noexcept { return offset_; }
  [[nodiscard]] std::size_t remaining() const noexcept {
    assert(offset_ <= bytes_.size());
    return bytes_.size() - offset_;
  }

 private:
  std::string_view bytes_;
  std::size_t offset_ = 0;
};

}  // namespace lmx
