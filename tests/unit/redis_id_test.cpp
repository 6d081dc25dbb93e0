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

}  // namespace
}  // namespace lmx
