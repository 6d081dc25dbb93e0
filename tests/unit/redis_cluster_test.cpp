// What lmx reads from Redis Cluster replies: where -MOVED and -ASK send a command, and
// whether INFO cluster reports cluster mode.

#include "backend/redis/redis_cluster.hpp"

#include <gtest/gtest.h>

namespace lmx {
namespace {

TEST(RedisCluster, MovedNamesTheSlotAndItsNewOwner) {
  const auto moved = parse_redirection("MOVED 3999 127.0.0.1:6381");
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(moved->kind, RedisRedirection::Kind::moved);
  EXPECT_EQ(moved->slot, 3999);
  EXPECT_EQ(moved->node, (RedisNode{"127.0.0.1", 6381}));
}

TEST(RedisCluster, AskNamesTheImportingNode) {
  const auto ask = parse_redirection("ASK 12182 [::1]:7002");
  ASSERT_TRUE(ask.has_value());
  EXPECT_EQ(ask->kind, RedisRedirection::Kind::ask);
  EXPECT_EQ(ask->slot, 12182);
  EXPECT_EQ(ask->node, (RedisNode{"::1", 7002}));
  EXPECT_EQ(parse_redirection("ASK 1 ::1:7002")->node, (RedisNode{"::1", 7002}));
}

TEST(RedisCluster, OtherErrorsAndMalformedRedirectionsAreNotRedirections) {
  EXPECT_FALSE(parse_redirection("WRONGTYPE Operation against a key").has_value());
  EXPECT_FALSE(parse_redirection("CLUSTERDOWN The cluster is down").has_value());
  EXPECT_FALSE(parse_redirection("MOVED 3999").has_value());
  EXPECT_FALSE(parse_redirection("MOVED 16384 127.0.0.1:6381").has_value());
  EXPECT_FALSE(parse_redirection("MOVED 1 127.0.0.1:0").has_value());
  EXPECT_FALSE(parse_redirection("MOVED 1 127.0.0.1:x").has_value());
  EXPECT_FALSE(parse_redirection("MOVED x 127.0.0.1:6381").has_value());
}

TEST(RedisCluster, InfoClusterTellsClusterModeApart) {
  EXPECT_TRUE(reports_cluster_mode("# Cluster\r\ncluster_enabled:1\r\n"));
  EXPECT_FALSE(reports_cluster_mode("# Cluster\r\ncluster_enabled:0\r\n"));
  EXPECT_FALSE(reports_cluster_mode(""));
}

TEST(RedisCluster, NodeNamesBracketAnIpv6Host) {
  EXPECT_EQ((RedisNode{"127.0.0.1", 7000}).to_string(), "127.0.0.1:7000");
  EXPECT_EQ((RedisNode{"::1", 7000}).to_string(), "[::1]:7000");
}

}  // namespace
}  // namespace lmx
