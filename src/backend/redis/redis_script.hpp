#pragma once
// Lua scripts on a Redis connection: the lease steps and fenced writes (redis_lease.hpp).

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "backend/redis/redis_connection.hpp"

namespace lmx {

// A Lua script run by EVALSHA, loaded (SCRIPT LOAD) on first use and again when the server
// forgot it (a restart, SCRIPT FLUSH): one round trip per run once loaded.
class RedisScript {
 public:
  explicit RedisScript(std::string_view text) : text_(text) {}

  // Runs the script with `keys` then `args`; returns the reply, an error reply included.
  [[nodiscard]] RedisReply run(RedisConnection& connection, std::span<const std::string_view> keys,
                               std::span<const std::string_view> args);

 private:
  std::string_view text_;
  std::string sha_;
  std::vector<std::string_view> argv_;
};

}  // namespace lmx
