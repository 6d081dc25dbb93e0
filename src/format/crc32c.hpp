#pragma once
// CRC32C (Castagnoli, polynomial 0x1EDC6F41, reflected 0x82F63B78): the checksum of journal
// records and snapshot files. It is the CRC the SSE4.2 `crc32` instruction computes, so on
// x86-64 it runs at several GB/s; other CPUs use a table. Both give the same values:
// crc32c("123456789") == 0xE3069283.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace lmx {

// Continues `crc` (the result of an earlier call, or 0 to start) over `size` more bytes.
// Uses the hardware instruction when the CPU has it.
[[nodiscard]] std::uint32_t crc32c_extend(std::uint32_t crc, const void* data,
                                          std::size_t size) noexcept;

[[nodiscard]] inline std::uint32_t crc32c(std::string_view bytes) noexcept {
  return crc32c_extend(0, bytes.data(), bytes.size());
}

// The two implementations, exposed so that tests can check each against known vectors.
[[nodiscard]] std::uint32_t crc32c_extend_table(std::uint32_t crc, const void* data,
                                                std::size_t size) noexcept;
// Only call when crc32c_hardware_available().
[[nodiscard]] std::uint32_t crc32c_extend_hardware(std::uint32_t crc, const void* data,
                                                   std::size_t size) noexcept;
[[nodiscard]] bool crc32c_hardware_available() noexcept;

}  // namespace lmx
