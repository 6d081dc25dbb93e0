// CRC32C against the standard check value and RFC 3720 (iSCSI) vectors, for both the
// table and the hardware implementation, and chunked extension equal to one pass.

#include "format/crc32c.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lmx {
namespace {

struct Vector {
  std::string bytes;
  std::uint32_t crc;
};

std::vector<Vector> standard_vectors() {
  std::string ascending(32, '\0');
  std::string descending(32, '\0');
  for (int i = 0; i < 32; ++i) {
    ascending[static_cast<std::size_t>(i)] = static_cast<char>(i);
    descending[static_cast<std::size_t>(i)] = static_cast<char>(31 - i);
  }
  return {
      {"", 0x00000000u},
      {"123456789", 0xE3069283u},
      {std::string(32, '\0'), 0x8A9136AAu},
      {std::string(32, '\xFF'), 0x62A8AB43u},
      {ascending, 0x46DD794Eu},
      {descending, 0x113FDB5Cu},
  };
}

TEST(Crc32c, TableMatchesStandardVectors) {
  for (const Vector& v : standard_vectors()) {
    EXPECT_EQ(crc32c_extend_table(0, v.bytes.data(), v.bytes.size()), v.crc) << v.bytes.size();
  }
}

TEST(Crc32c, HardwareMatchesStandardVectors) {
  if (!crc32c_hardware_available()) GTEST_SKIP() << "no SSE4.2 on this CPU";
  for (const Vector& v : standard_vectors()) {
    EXPECT_EQ(crc32c_extend_hardware(0, v.bytes.data(), v.bytes.size()), v.crc) << v.bytes.size();
  }
}

TEST(Crc32c, ExtendingInPiecesEqualsOnePassAtEveryAlignment) {
  std::string bytes(1000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7 + 3);
  const std::uint32_t whole = crc32c_extend_table(0, bytes.data(), bytes.size());
  for (std::size_t split = 0; split < 20; ++split) {
    const std::uint32_t first = crc32c_extend(0, bytes.data(), split);
    EXPECT_EQ(crc32c_extend(first, bytes.data() + split, bytes.size() - split), whole) << split;
  }
  EXPECT_EQ(crc32c(bytes), whole);
}

}  // namespace
}  // namespace lmx
