// Redis entry ids and positions: always "ms-seq", even when ms is 0.

#include <gtest/gtest.h>

#include "backend/redis/redis_log_reader.hpp"

namespace lmx {
namespace {

TEST(RedisId, AlwaysHasBothParts) {
  EXPECT_EQ(redis_id(Position{}), "0-0");
  EXPECT_EQ(redis_id(Position{0, 5}), "0-5");
  EXPECT_EQ(redis_id(Position{1700000000000, 12}), "1700000000000-12");
}

TEST(RedisId, ParsesOnlyFullIds) {
  EXPECT_EQ(parse_redis_id("0-5"), (Position{0, 5}));
  EXPECT_EQ(parse_redis_id("18446744073709551615-1"), (Position{UINT64_MAX, 1}));
  EXPECT_FALSE(parse_redis_id("5").ok());
  EXPECT_FALSE(parse_redis_id("5-").ok());
  EXPECT_FALSE(parse_redis_id("-5").ok());
  EXPECT_FALSE(parse_redis_id("1-2-3").ok());
  EXPECT_FALSE(parse_redis_id("").ok());
}

// One text form for every backend; a bare N still reads as a journal sequence.
TEST(PositionText, PrintsMajorMinorAndParsesBothForms) {
  EXPECT_EQ((Position{0, 42}).to_string(), "0-42");
  EXPECT_EQ((Position{1700000000000, 3}).to_string(), "1700000000000-3");
  EXPECT_EQ(Position::parse("0-42"), (Position{0, 42}));
  EXPECT_EQ(Position::parse("42"), (Position{0, 42}));
  EXPECT_FALSE(Position::parse("").ok());
  EXPECT_FALSE(Position::parse("+4").ok());
  EXPECT_FALSE(Position::parse("4-").ok());
  EXPECT_NE(Position::parse("x").error(), nullptr);
}

}  // namespace
}  // namespace lmx
