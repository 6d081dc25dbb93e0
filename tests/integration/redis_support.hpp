#pragma once
// What the Redis integration tests share: the server from LMX_TEST_REDIS_URL (each test on
// its own stream, so that tests may run in parallel), and, for tests that kill
// connections, restart the server or set passwords, a redis-server of their own.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "backend/redis/redis_connection.hpp"
#include "backend/redis/redis_url.hpp"
#include "lmx/core/event.hpp"

namespace lmx::test {

inline constexpr const char* redis_url_variable = "LMX_TEST_REDIS_URL";

// The URL of the shared test server, or nullopt when the Redis tests are not enabled.
inline std::optional<RedisUrl> test_redis_url() {
  const char* text = std::getenv(redis_url_variable);
  if (text == nullptr) return std::nullopt;
  const Decoded<RedisUrl> url = RedisUrl::parse(text);
  if (!url) throw std::runtime_error(fmt::format("{}: {}", redis_url_variable, url.error()));
  return *url;
}

// Skips the test unless the Redis tests are enabled (they need redis-server in PATH).
#define LMX_REQUIRE_REDIS()                                                                 \
  do {                                                                                      \
    if (!::lmx::test::test_redis_url()) {                                                   \
      GTEST_SKIP() << ::lmx::test::redis_url_variable                                       \
                   << " is not set: these tests need a real redis-server (scripts/test.sh " \
                      "starts a private one)";                                              \
    }                                                                                       \
  } while (false)

// A fixture on the shared server: url.stream is named after the test and starts empty.
class RedisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LMX_REQUIRE_REDIS();
    url = *test_redis_url();
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    url.stream = fmt::format("lmx-test:{}.{}", info->test_suite_name(), info->name());
    admin.emplace(url);
    (void)admin->command({"DEL", url.stream, url.stream + ":results"});
  }

  RedisUrl url;
  std::optional<RedisConnection> admin;  // for raw commands
};

inline std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    throw std::runtime_error("cannot find a free loopback port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

// A redis-server of the test's own, on a free loopback port with a temporary directory and
// AOF on (so a restart keeps the stream). Stopped by its pid, never by name.
class PrivateRedis {
 public:
  explicit PrivateRedis(std::string extra_args = "")
      : extra_args_(std::move(extra_args)), port_(free_loopback_port()) {
    char dir[] = "/tmp/lmx-redis-test.XXXXXX";
    if (::mkdtemp(dir) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = dir;
    start();
  }
  ~PrivateRedis() {
    stop();
    std::system(fmt::format("rm -rf '{}'", dir_).c_str());
  }
  PrivateRedis(const PrivateRedis&) = delete;
  PrivateRedis& operator=(const PrivateRedis&) = delete;

  void start() {
    const std::string command = fmt::format(
        "redis-server --port {} --bind 127.0.0.1 --dir '{}' --daemonize yes --pidfile '{}/pid' "
        "--logfile '{}/log' --save '' --appendonly yes {}",
        port_, dir_, dir_, dir_, extra_args_);
    if (std::system(command.c_str()) != 0) throw std::runtime_error("cannot start redis-server");
    for (int i = 0; i < 100 && pid() == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (pid() == 0) throw std::runtime_error("redis-server did not write its pid");
    wait_until_accepting();
  }

  // SIGTERM: Redis flushes its AOF and exits; waits until the process is gone.
  void stop() {
    const pid_t server = pid();
    if (server == 0) return;
    ::kill(server, SIGTERM);
    while (::kill(server, 0) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::remove(fmt::format("{}/pid", dir_).c_str());
  }

  [[nodiscard]] RedisUrl url(std::string_view stream) const {
    RedisUrl url;
    url.host = "127.0.0.1";
    url.port = port_;
    url.stream = stream;
    return url;
  }

 private:
  pid_t pid() const {
    std::ifstream in(dir_ + "/pid");
    long value = 0;
    return (in >> value) ? static_cast<pid_t>(value) : 0;
  }

  void wait_until_accepting() const {
    for (int i = 0; i < 250; ++i) {
      redisContext* context = redisConnect("127.0.0.1", port_);
      const bool up = context != nullptr && context->err == 0;
      if (context != nullptr) redisFree(context);
      if (up) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("redis-server does not accept connections");
  }

  std::string extra_args_;
  std::uint16_t port_;
  std::string dir_;
};

// Topups whose user_id numbers them 1..count, so that a gap or a duplicate shows.
inline std::vector<Event> numbered_topups(std::size_t count) {
  std::vector<Event> events;
  for (std::size_t i = 1; i <= count; ++i) {
    events.push_back(Event::make_topup(static_cast<std::int64_t>(i), 1));
  }
  return events;
}

}  // namespace lmx::test
