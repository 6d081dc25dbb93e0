// What an error message says a Redis command concerned: its key, found where each command
// keeps it, and never an argument that may be a password.

#include <gtest/gtest.h>

#include <array>
#include <string_view>

#include "backend/redis/redis_connection.hpp"

namespace lmx {
namespace {

template <std::size_t N>
std::string_view key_of(const std::array<std::string_view, N>& argv) {
  return command_key(argv);
}

TEST(RedisCommandKey, IsTheFirstArgumentOfAKeyCommand) {
  EXPECT_EQ(key_of(std::array<std::string_view, 5>{"XADD", "orders:results", "*", "pos", "1-1"}),
            "orders:results");
  EXPECT_EQ(key_of(std::array<std::string_view, 2>{"GET", "orders:snapshot:1"}),
            "orders:snapshot:1");
  EXPECT_EQ(key_of(std::array<std::string_view, 4>{"ZRANGE", "orders:snapshots", "0", "-1"}),
            "orders:snapshots");
}

TEST(RedisCommandKey, IsTheStreamAfterStreamsForXread) {
  EXPECT_EQ(key_of(std::array<std::string_view, 8>{"XREAD", "BLOCK", "1000", "COUNT", "10",
                                                   "STREAMS", "orders", "0-0"}),
            "orders");
  EXPECT_EQ(key_of(std::array<std::string_view, 4>{"xread", "streams", "shop", "0-0"}), "shop");
  EXPECT_EQ(key_of(std::array<std::string_view, 3>{"XREAD", "BLOCK", "1000"}), "");
}

TEST(RedisCommandKey, NeverShowsAnAuthArgument) {
  EXPECT_EQ(key_of(std::array<std::string_view, 2>{"AUTH", "s3cret"}), "");
  EXPECT_EQ(key_of(std::array<std::string_view, 3>{"auth", "engine", "s3cret"}), "");
  EXPECT_EQ(key_of(std::array<std::string_view, 5>{"HELLO", "3", "AUTH", "engine", "s3cret"}), "");
}

TEST(RedisCommandKey, IsEmptyWithoutArguments) {
  EXPECT_EQ(key_of(std::array<std::string_view, 1>{"EXEC"}), "");
  EXPECT_EQ(key_of(std::array<std::string_view, 1>{"MULTI"}), "");
}

}  // namespace
}  // namespace lmx
