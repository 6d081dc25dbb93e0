// Connection loss and authentication, each on a redis-server of the test's own: killed
// connections and a restarted server lose and double nothing; passwords and ACL users work
// and a refusal says so.

#include <gtest/gtest.h>

#include <thread>

#include "backend/redis/redis_log_reader.hpp"
#include "backend/redis/redis_log_writer.hpp"
#include "integration/redis_support.hpp"

namespace lmx {
namespace {

using namespace std::chrono_literals;
using test::numbered_topups;

// Reads `count` entries in batches of 1000, calling `disrupt` before every fourth batch,
// and checks that they come once each, in order.
template <class Disrupt>
void read_numbered_through(RedisLogReader& reader, std::size_t count, Disrupt disrupt) {
  Event event;
  std::int64_t expected = 1;
  for (int batches = 0, quiet = 0; expected <= static_cast<std::int64_t>(count) && quiet < 100;) {
    if (++batches % 4 == 0) disrupt();
    const std::size_t fetched = reader.fetch(1000, 100ms);
    quiet = fetched == 0 ? quiet + 1 : 0;
    for (std::size_t i = 0; i < fetched; ++i) {
      reader.decode(i, event);
      ASSERT_EQ(event.user_id, expected) << "an entry was lost or read twice";
      ++expected;
    }
  }
  EXPECT_EQ(expected, static_cast<std::int64_t>(count) + 1);
}

TEST(RedisConnection, KilledConnectionsLoseAndDoubleNothing) {
  LMX_REQUIRE_REDIS();
  test::PrivateRedis server;
  const RedisUrl url = server.url("orders");
  RedisLogWriter writer(url, EntryFormat::seed);
  (void)writer.append(numbered_topups(30000));
  RedisConnection admin(url);
  RedisLogReader reader(url, Position{});
  int kills = 0;
  read_numbered_through(reader, 30000, [&] {
    // Every normal client but this one: the reader's connections go.
    (void)admin.command({"CLIENT", "KILL", "TYPE", "normal"});
    ++kills;
  });
  EXPECT_GT(kills, 3);
}

TEST(RedisConnection, RestartedServerLosesAndDoublesNothing) {
  LMX_REQUIRE_REDIS();
  test::PrivateRedis server;
  const RedisUrl url = server.url("orders");
  {
    RedisLogWriter writer(url, EntryFormat::seed);
    (void)writer.append(numbered_topups(20000));
  }
  RedisLogReader reader(url, Position{});
  int restarts = 0;
  read_numbered_through(reader, 20000, [&] {
    if (restarts == 2) return;
    server.stop();  // the stream survives in the AOF
    server.start();
    ++restarts;
  });
  EXPECT_EQ(restarts, 2);
}

TEST(RedisConnection, UnreachableServerIsReportedWithItsAddress) {
  LMX_REQUIRE_REDIS();
  RedisUrl url;
  url.host = "127.0.0.1";
  url.port = test::free_loopback_port();
  try {
    RedisConnection connection(url);
    FAIL() << "connected to a closed port";
  } catch (const RedisConnectionError& e) {
    EXPECT_NE(std::string(e.what()).find(fmt::format("127.0.0.1:{}", url.port)), std::string::npos)
        << e.what();
  }
}

TEST(RedisConnection, PasswordIsSentAndAWrongOneRefused) {
  LMX_REQUIRE_REDIS();
  test::PrivateRedis server("--requirepass s3cret");
  RedisUrl url = server.url("orders");
  {
    RedisLogReader reader(url, Position{});  // no AUTH: the first XREAD is refused
    EXPECT_THROW((void)reader.fetch(1, 1ms), std::runtime_error);
  }
  url.password = "wrong";
  try {
    RedisConnection connection(url);
    FAIL() << "a wrong password was accepted";
  } catch (const RedisConnectionError& e) {
    FAIL() << "an AUTH refusal must not be retried as a connection error: " << e.what();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("AUTH"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("wrong"), std::string::npos) << e.what();
  }
  url.password = "s3cret";
  RedisLogWriter writer(url, EntryFormat::seed);
  EXPECT_FALSE(writer.append(numbered_topups(1)).is_zero());
}

TEST(RedisConnection, AclUserAndDbFromTheUrl) {
  LMX_REQUIRE_REDIS();
  test::PrivateRedis server;
  {
    RedisConnection admin(server.url("orders"));
    (void)admin.command({"ACL", "SETUSER", "engine", "on", ">pw", "~*", "+@all"});
  }
  const Decoded<RedisUrl> url = RedisUrl::parse(
      fmt::format("redis://engine:pw@127.0.0.1:{}/2?stream=shop", server.url("").port));
  ASSERT_TRUE(url) << url.error();
  RedisLogWriter writer(*url, EntryFormat::seed);
  (void)writer.append(numbered_topups(3));
  RedisConnection check(*url);
  const RedisReply who = check.command({"ACL", "WHOAMI"});
  EXPECT_EQ(reply_text(*who), "engine");
  const RedisReply length = check.command({"XLEN", "shop"});
  EXPECT_EQ(length->integer, 3);
  RedisConnection db0(server.url("orders"));
  EXPECT_EQ(db0.command({"XLEN", "shop"})->integer, 0);
}

}  // namespace
}  // namespace lmx
