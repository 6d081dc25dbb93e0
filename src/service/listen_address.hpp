#pragma once
// The address `lmx run --listen` serves on, and the rule that keeps the API private by
// default: a loopback address needs nothing more; any other needs a bearer token
// (--listen-token-file), since the API appends to the log and reads every user's balance.

#include <cstdint>
#include <string>
#include <string_view>

#include "lmx/core/decoded.hpp"

namespace lmx::service {

struct ListenAddress {
  std::string host;  // "127.0.0.1", "0.0.0.0", "::1" (written [::1]:8080), "localhost"
  std::uint16_t port = 0;

  // "HOST:PORT" or "[IPV6]:PORT"; port 0 picks a free one (tests).
  [[nodiscard]] static Decoded<ListenAddress> parse(std::string_view text);

  // 127.0.0.0/8, ::1 or localhost: reachable from this machine only.
  [[nodiscard]] bool loopback() const noexcept;
};

// The first line of a token file, without surrounding blanks; empty when there is none
// (the caller refuses it). Never logged.
[[nodiscard]] std::string token_from_file_text(std::string_view text);

// Whether an Authorization header value is "Bearer <token>", compared in time independent
// of where the first difference is.
[[nodiscard]] bool bearer_matches(std::string_view header, std::string_view token) noexcept;

}  // namespace lmx::service
