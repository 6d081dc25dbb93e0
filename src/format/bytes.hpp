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
