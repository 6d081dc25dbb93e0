// Redis Cluster key slots, checked against the values the Redis Cluster specification and
// `CLUSTER KEYSLOT` give.

#include "backend/redis/redis_key_slot.hpp"

#include <gtest/gtest.h>

namespace lmx {
namespace {

TEST(RedisKeySlot, Crc16IsXmodem) {
  EXPECT_EQ(crc16_xmodem("123456789"), 0x31C3);
  EXPECT_EQ(crc16_xmodem(""), 0);
}

TEST(RedisKeySlot, MatchesClusterKeyslot) {
  EXPECT_EQ(redis_key_slot("foo"), 12182);
  EXPECT_EQ(redis_key_slot("bar"), 5061);
  EXPECT_EQ(redis_key_slot("orders"), redis_key_slot("orders"));
}

TEST(RedisKeySlot, KeysWithOneHashTagShareASlot) {
  EXPECT_EQ(redis_key_slot("{user1000}.following"), redis_key_slot("{user1000}.followers"));
  EXPECT_EQ(redis_key_slot("{user1000}.following"), redis_key_slot("user1000"));
  EXPECT_EQ(redis_key_slot("{shop-7}:orders"), redis_key_slot("{shop-7}:orders:results"));
  EXPECT_EQ(redis_key_slot("{shop-7}:orders"), redis_key_slot("{shop-7}:orders:snapshot:1-2"));
}

TEST(RedisKeySlot, OnlyTheFirstNonEmptyTagCounts) {
  EXPECT_EQ(redis_hash_tag("foo{bar}{zap}"), "bar");
  EXPECT_EQ(redis_hash_tag("foo{{bar}}zap"), "{bar");
  EXPECT_EQ(redis_key_slot("foo{}{bar}"), redis_key_slot("foo{}{bar}"));
  EXPECT_EQ(redis_hash_tag("foo{}{bar}"), "foo{}{bar}");  // empty tag: the whole key
  EXPECT_EQ(redis_hash_tag("{}"), "{}");
  EXPECT_EQ(redis_hash_tag("foo{bar"), "foo{bar");
}

TEST(RedisKeySlot, HasHashTagOnlyWithBytesBetweenTheBraces) {
  EXPECT_TRUE(has_redis_hash_tag("{shop-7}:orders"));
  EXPECT_FALSE(has_redis_hash_tag("orders"));
  EXPECT_FALSE(has_redis_hash_tag("{}:orders"));
  EXPECT_FALSE(has_redis_hash_tag("orders}{"));
}

}  // namespace
}  // namespace lmx
