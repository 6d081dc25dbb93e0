#pragma once
// Where a Redis-backed log lives, from `--log` / LMX_LOG:
//
//   redis://[[user]:password@]host[:port][/db][?stream=name]
//
// Defaults: port 6379, db 0, stream "orders". `user` and `password` may be
// percent-encoded (a password holding '@' or ':'); a password without a user means
// `AUTH password`, with a user `AUTH user password` (an ACL user). An IPv6 host goes in
// brackets: redis://[::1]:6379. Anything else is refused with a message saying what.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lmx {

struct RedisUrl {
  std::string host;
  std::uint16_t port = 6379;
  std::string user;      // empty: the default user
  std::string password;  // empty: no AUTH
  std::uint32_t db = 0;
  std::string stream = "orders";

  // Parses `text`; on failure returns nullopt and sets `error` to what is wrong.
  [[nodiscard]] static std::optional<RedisUrl> parse(std::string_view text, std::string& error);

  // host:port/db?stream=..., without credentials: safe to log.
  [[nodiscard]] std::string to_string() const;
};

}  // namespace lmx
