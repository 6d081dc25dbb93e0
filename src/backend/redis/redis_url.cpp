#include "backend/redis/redis_url.hpp"

#include <fmt/format.h>

#include "lmx/core/decimal.hpp"

namespace lmx {

namespace {

constexpr std::string_view scheme = "redis://";

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes; false on a broken escape.
bool percent_decode(std::string_view text, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return false;
    const int high = hex_digit(text[i + 1]);
    const int low = hex_digit(text[i + 2]);
    if (high < 0 || low < 0) return false;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return true;
}

// Escapes what would not read back as itself in a printed URL ('%') and what would not
// show in a log line (spaces, control and non-ASCII bytes).
std::string percent_encode(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte > ' ' && byte < 0x7f && c != '%') {
      out += c;
      continue;
    }
    out += fmt::format("%{:02X}", byte);
  }
  return out;
}

const char* parse_credentials(std::string_view text, RedisUrl& url) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return "credentials must be user:password@ or :password@ (a bare user has no password)";
  }
  if (!percent_decode(text.substr(0, colon), url.user)) return "bad %-escape in the user";
  if (!percent_decode(text.substr(colon + 1), url.password)) {
    return "bad %-escape in the password";
  }
  if (url.password.empty()) return "the password is empty";
  return nullptr;
}

const char* parse_host_port(std::string_view text, RedisUrl& url) {
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return "an IPv6 host needs its closing ']'";
    url.host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return "unexpected text after the IPv6 host";
    if (!rest.empty()) port = rest.substr(1);
    if (rest.size() == 1) return "the port is empty";
  } else {
    const auto colon = text.find(':');
    url.host = text.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = text.substr(colon + 1);
      if (port.empty()) return "the port is empty";
    }
  }
  if (url.host.empty()) return "the host is empty";
  // Brackets only enclose an IPv6 host; inside a name they would print as another URL.
  if (url.host.find_first_of("[]") != std::string::npos) return "the host holds '[' or ']'";
  if (!port.empty() && (!parse_decimal(port, url.port) || url.port == 0)) {
    return "the port must be a number from 1 to 65535";
  }
  return nullptr;
}

const char* parse_query(std::string_view query, RedisUrl& url) {
  constexpr std::string_view key = "stream=";
  if (query.substr(0, key.size()) != key) return "the only query parameter is ?stream=<name>";
  if (!percent_decode(query.substr(key.size()), url.stream)) return "bad %-escape in the stream";
  if (url.stream.empty()) return "the stream name is empty";
  if (url.stream.find('&') != std::string::npos) return "the only query parameter is ?stream=";
  return nullptr;
}

const char* parse_after_scheme(std::string_view rest, RedisUrl& url) {
  const auto question = rest.find('?');
  if (question != std::string_view::npos) {
    if (const char* e = parse_query(rest.substr(question + 1), url)) return e;
    rest = rest.substr(0, question);
  }
  const auto slash = rest.find('/');
  if (slash != std::string_view::npos) {
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && !parse_decimal(db, url.db)) return "the db must be a number (/0, /1, ...)";
    rest = rest.substr(0, slash);
  }
  const auto at = rest.rfind('@');
  if (at != std::string_view::npos) {
    if (const char* e = parse_credentials(rest.substr(0, at), url)) return e;
    rest = rest.substr(at + 1);
  }
  return parse_host_port(rest, url);
}

}  // namespace

Decoded<RedisUrl> RedisUrl::parse(std::string_view text) {
  if (text.substr(0, scheme.size()) != scheme) {
    return Decoded<RedisUrl>::failure(
        "not a Redis URL: expected redis://[user:password@]host[:port][/db][?stream=name]");
  }
  RedisUrl url;
  if (const char* e = parse_after_scheme(text.substr(scheme.size()), url)) {
    return Decoded<RedisUrl>::failure(e);
  }
  LMX_ASSERT(!url.host.empty());
  LMX_ASSERT(url.port != 0);
  return url;
}

std::string RedisUrl::to_string() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return fmt::format("redis://{}{}{}:{}/{}?stream={}", ipv6 ? "[" : "", host, ipv6 ? "]" : "", port,
                     db, percent_encode(stream));
}

}  // namespace lmx
