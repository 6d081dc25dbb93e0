// Varints, the building block of the native result encoding: every value has one encoding,
// and a reader refuses any other, a cut one and one past 64 bits.

#include "format/bytes.hpp"

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cstdint>
#include <string>

namespace lmx {
namespace {

std::string varint(std::uint64_t value) {
  std::array<char, varint_size_max> bytes;
  return {bytes.data(), store_varint(bytes.data(), value)};
}

TEST(Varint, EveryWidthRoundTripsInTheFewestBytes) {
  for (unsigned bits = 0; bits <= 64; ++bits) {
    // The largest value of `bits` bits, and the smallest of `bits + 1`.
    const std::uint64_t largest = bits == 64 ? UINT64_MAX : (std::uint64_t{1} << bits) - 1;
    for (const std::uint64_t value : {largest, largest + 1}) {
      if (bits == 64 && value == 0) continue;  // wrapped
      const std::size_t width = value == 0 ? 1 : (std::bit_width(value) + 6) / 7;
      const std::string bytes = varint(value);
      EXPECT_EQ(bytes.size(), width) << value;
      ByteCursor in(bytes);
      std::uint64_t read = 0;
      ASSERT_TRUE(in.read_varint(read)) << value;
      EXPECT_EQ(read, value);
      EXPECT_EQ(in.remaining(), 0u);
    }
  }
  EXPECT_EQ(varint(300), std::string("\xAC\x02", 2));
}

TEST(Varint, LongerCutAndWiderEncodingsAreRefused) {
  const auto refused = [](std::string bytes) {
    ByteCursor in(bytes);
    std::uint64_t value = 7;
    const bool read = in.read_varint(value);
    // A refusal leaves the cursor and the value where they were.
    EXPECT_EQ(in.offset(), 0u);
    EXPECT_EQ(value, 7u);
    return !read;
  };
  EXPECT_TRUE(refused(""));
  EXPECT_TRUE(refused(std::string("\x80", 1)));                      // cut
  EXPECT_TRUE(refused(std::string("\x85\x00", 2)));                  // 5 in two bytes
  EXPECT_TRUE(refused(std::string("\x80\x80\x00", 3)));              // 0 in three
  EXPECT_TRUE(refused(std::string(9, '\xFF') + '\x02'));  // bit 64
  EXPECT_TRUE(refused(std::string(10, '\xFF') + '\x01'));            // past bit 64, and on
}

TEST(Zigzag, SmallMagnitudesOfEitherSignStaySmall) {
  EXPECT_EQ(zigzag_encode(0), 0u);
  EXPECT_EQ(zigzag_encode(-1), 1u);
  EXPECT_EQ(zigzag_encode(1), 2u);
  EXPECT_EQ(zigzag_encode(-2), 3u);
  EXPECT_EQ(zigzag_encode(INT64_MAX), UINT64_MAX - 1);
  EXPECT_EQ(zigzag_encode(INT64_MIN), UINT64_MAX);
  for (const std::int64_t value : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1},
                                   std::int64_t{123456}, std::int64_t{-123456}, INT64_MAX,
                                   INT64_MIN}) {
    EXPECT_EQ(zigzag_decode(zigzag_encode(value)), value);
  }
}

}  // namespace
}  // namespace lmx
