// A connection sent to a Redis Cluster node that does not serve its stream's slot: a single
// command follows -MOVED and the connection keeps the new owner; a pipeline is not sent
// again but fails as a lost connection, for the caller's resync. Needs a cluster:
// LMX_TEST_REDIS_CLUSTER_URL names one of its nodes (scripts/redis_cluster.sh starts one on
// loopback); skipped without it.

#include "backend/redis/redis_cluster.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "backend/redis/redis_connection.hpp"
#include "backend/redis/redis_key_slot.hpp"
#include "backend/redis/redis_url.hpp"

namespace lmx {
namespace {

// A URL on the cluster whose stream the node it names does not serve, and that owner.
struct Misdirected {
  RedisUrl url;
  RedisNode owner;
};

std::optional<Misdirected> misdirected_stream(const std::string& name) {
  const char* text = std::getenv("LMX_TEST_REDIS_CLUSTER_URL");
  if (text == nullptr) return std::nullopt;
  const Decoded<RedisUrl> parsed = RedisUrl::parse(text);
  if (!parsed) throw std::runtime_error(parsed.error());
  std::optional<RedisUrl> url = *parsed;
  RedisConnection probe(*url);
  const RedisReply slots = probe.command({"CLUSTER", "SLOTS"});
  const RedisNode asked{url->host, url->port};
  for (int i = 0; i < 100; ++i) {
    url->stream = fmt::format("{{{}-{}}}:orders", name, i);
    std::vector<RedisNode> nodes;
    const std::optional<RedisNode> owner =
        cluster_slot_owner(*slots, redis_key_slot(url->stream), asked, nodes);
    if (owner && *owner != asked) {
      RedisUrl at_owner = *url;  // each test starts from an empty stream
      at_owner.host = owner->host;
      at_owner.port = owner->port;
      RedisConnection owner_connection(at_owner);
      (void)owner_connection.command({"DEL", url->stream});
      return Misdirected{*url, *owner};
    }
  }
  throw std::runtime_error("every tried slot is served by the seed node");
}

#define LMX_REQUIRE_CLUSTER(found)                                                     \
  if (!(found)) {                                                                      \
    GTEST_SKIP() << "LMX_TEST_REDIS_CLUSTER_URL is not set: these tests need a Redis " \
                    "Cluster (scripts/redis_cluster.sh starts one)";                   \
  }

TEST(RedisClusterConnection, ACommandFollowsMovedAndTheConnectionKeepsTheOwner) {
  const std::optional<Misdirected> target = misdirected_stream("moved-command");
  LMX_REQUIRE_CLUSTER(target);
  RedisConnection connection(target->url);
  const RedisReply id = connection.command({"XADD", target->url.stream, "*", "f", "v"});
  EXPECT_EQ(id->type, REDIS_REPLY_STRING);
  EXPECT_EQ(connection.url().port, target->owner.port);
  const RedisReply length = connection.idempotent_command({"XLEN", target->url.stream});
  EXPECT_EQ(length->integer, 1);
  (void)connection.command({"DEL", target->url.stream});
}

TEST(RedisClusterConnection, ARedirectedPipelineFailsAsALostConnectionOnTheNewOwner) {
  const std::optional<Misdirected> target = misdirected_stream("moved-pipeline");
  LMX_REQUIRE_CLUSTER(target);
  RedisConnection connection(target->url);
  connection.append({"XADD", target->url.stream, "*", "f", "1"});
  connection.append({"XADD", target->url.stream, "*", "f", "2"});
  EXPECT_THROW((void)connection.reply_or_error(), RedisRedirected);
  EXPECT_TRUE(connection.broken());
  EXPECT_EQ(connection.url().port, target->owner.port);
  // Nothing was written anywhere: the caller's resync starts from what the owner holds.
  connection.reconnect();
  const RedisReply length = connection.idempotent_command({"XLEN", target->url.stream});
  EXPECT_EQ(length->integer, 0);
}

}  // namespace
}  // namespace lmx
