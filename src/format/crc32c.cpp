#include "format/crc32c.hpp"

#include <array>
#include <cassert>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace lmx {
namespace {

constexpr std::uint32_t polynomial_reflected = 0x82F63B78u;

constexpr std::array<std::uint32_t, 256> make_table() noexcept {
  std::array<std::uint32_t, 256> made{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? polynomial_reflected : 0u);
    made[i] = crc;
  }
  return made;
}

constexpr std::array<std::uint32_t, 256> table = make_table();

}  // namespace

std::uint32_t crc32c_extend_table(std::uint32_t crc, const void* data, std::size_t size) noexcept {
  assert(data != nullptr || size == 0);
  const auto* p = static_cast<const unsigned char*>(data);
  crc = ~crc;
  for (std::size_t i = 0; i < size; ++i) crc = (crc >> 8) ^ table[(crc ^ p[i]) & 0xFFu];
  return ~crc;
}

#if defined(__x86_64__)

namespace {

// Checked once at start-up rather than behind a function-local static's guard on every
// call: journal records are small, so per-call overhead shows. A call made before this is
// initialised sees false and uses the table, which gives the same result.
const bool hardware_available = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2") != 0;
}();

}  // namespace

bool crc32c_hardware_available() noexcept {
  return hardware_available;
}

__attribute__((target("sse4.2"))) std::uint32_t crc32c_extend_hardware(std::uint32_t crc,
                                                                       const void* data,
                                                                       std::size_t size) noexcept {
  assert(crc32c_hardware_available());
  assert(data != nullptr || size == 0);
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint64_t state = ~crc;
  // Eight bytes per instruction; memcpy keeps unaligned loads well defined.
  for (; size >= 8; size -= 8, p += 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    state = _mm_crc32_u64(state, word);
  }
  auto state32 = static_cast<std::uint32_t>(state);
  for (; size > 0; --size, ++p) state32 = _mm_crc32_u8(state32, *p);
  return ~state32;
}

#else

bool crc32c_hardware_available() noexcept {
  return false;
}

std::uint32_t crc32c_extend_hardware(std::uint32_t crc, const void* data,
                                     std::size_t size) noexcept {
  assert(false && "no CRC32C instruction on this CPU");
  return crc32c_extend_table(crc, data, size);
}

#endif

std::uint32_t crc32c_extend(std::uint32_t crc, const void* data, std::size_t size) noexcept {
  if (crc32c_hardware_available()) return crc32c_extend_hardware(crc, data, size);
  return crc32c_extend_table(crc, data, size);
}

}  // namespace lmx
