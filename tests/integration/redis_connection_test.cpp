// Connection loss and authentication, each on a redis-server of the test's own: killed
// connections and a restarted server lose and double nothing; passwords and ACL users work
// and a refusal says so.

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
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

// A connection killed while a large batch is being appended: the AppendError counts as
// appended exactly a prefix the stream holds (with the id of its last entry), and the
// stream holds no more than that plus the events in doubt. Appending the rest after what
// the stream holds (a producer's resume) leaves each event in it once.
TEST(RedisConnection, AKilledAppendSaysHowFarItGot) {
  LMX_REQUIRE_REDIS();
  test::PrivateRedis server;
  constexpr std::size_t count = 200000;
  const std::vector<Event> events = numbered_topups(count);
  for (int attempt = 0; attempt < 5; ++attempt) {
    const RedisUrl url = server.url(fmt::format("orders-{}", attempt));
    RedisConnection admin(url);
    RedisLogWriter writer(url, EntryFormat::native);
    std::atomic<bool> done = false;
    std::thread killer([&] {
      RedisConnection killer_connection(url);
      while (!done && killer_connection.command({"XLEN", url.stream})->integer < 10000) {
        std::this_thread::sleep_for(1ms);
      }
      // Every normal client but this one: the writer's connection (and admin's) go.
      if (!done) (void)killer_connection.command({"CLIENT", "KILL", "TYPE", "normal"});
    });
    std::optional<AppendError> failure;
    try {
      (void)writer.append(events);
    } catch (const AppendError& e) {
      failure = e;
    }
    done = true;
    killer.join();
    if (!failure) continue;  // the batch was appended before the kill: try again
    const std::size_t held =
        static_cast<std::size_t>(admin.idempotent_command({"XLEN", url.stream})->integer);
    EXPECT_GE(failure->appended(), 8192u) << "two chunks were confirmed before the kill";
    EXPECT_GE(held, failure->appended()) << failure->what();
    EXPECT_LE(held, failure->appended() + failure->in_doubt()) << failure->what();
    const RedisReply nth = admin.idempotent_command(
        {"XRANGE", url.stream, "-", "+", "COUNT", std::to_string(failure->appended())});
    ASSERT_EQ(nth->elements, failure->appended());
    EXPECT_EQ(reply_text(*nth->element[nth->elements - 1]->element[0]),
              redis_id(failure->last_appended()));
    (void)writer.append(std::span(events).subspan(held));  // reconnects
    RedisLogReader reader(url, Position{});
    read_numbered_through(reader, count, [] {});
    return;
  }
  GTEST_SKIP() << "every batch was appended before the connection could be killed";
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
