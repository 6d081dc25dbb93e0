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
#include <string>
#include <string_view>

#include "lmx/core/decoded.hpp"

namespace lmx {

struct RedisUrl {
  std::string host;
  std::uint16_t port = 6379;
  std::string user;      // empty: the default user
  std::string password;  // empty: no AUTH
  std::uint32_t db = 0;
  std::string stream = "orders";

  // Parses `text`, or says what is wrong with it (never echoing it: it may hold a password).
  [[nodiscard]] static Decoded<RedisUrl> parse(std::string_view text);

  // redis://host:port/db?stream=..., without credentials: safe to log, and parses back to
  // the same host, port, db and stream (the stream percent-encoded where it must be).
  [[nodiscard]] std::string to_string() const;
};

}  // namespace lmx
