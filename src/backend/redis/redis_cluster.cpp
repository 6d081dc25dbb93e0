#include "backend/redis/redis_cluster.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <charconv>

#include "backend/redis/redis_key_slot.hpp"

namespace lmx {

namespace {

template <typename Number>
std::optional<Number> parse_number(std::string_view text) noexcept {
  Number value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "host:port", the host possibly an IPv6 address, bracketed or not (the last ':' splits).
std::optional<RedisNode> parse_endpoint(std::string_view endpoint) {
  const std::size_t colon = endpoint.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  const std::optional<std::uint16_t> port = parse_number<std::uint16_t>(endpoint.substr(colon + 1));
  if (!port || *port == 0) return std::nullopt;
  std::string_view host = endpoint.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return RedisNode{std::string(host), *port};
}

void learn(std::vector<RedisNode>& nodes, const RedisNode& node) {
  if (std::find(nodes.begin(), nodes.end(), node) == nodes.end()) nodes.push_back(node);
}

// One node of a CLUSTER SLOTS range: [host, port, id, ...].
std::optional<RedisNode> slots_node(const redisReply& reply, const RedisNode& asked) {
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements < 2) return std::nullopt;
  const redisReply& host = *reply.element[0];
  const redisReply& port = *reply.element[1];
  if (host.type != REDIS_REPLY_STRING || port.type != REDIS_REPLY_INTEGER) return std::nullopt;
  if (port.integer <= 0 || port.integer > UINT16_MAX) return std::nullopt;
  if (host.len == 0) return RedisNode{asked.host, static_cast<std::uint16_t>(port.integer)};
  return RedisNode{std::string(host.str, host.len), static_cast<std::uint16_t>(port.integer)};
}

}  // namespace

std::string RedisNode::to_string() const {
  return host.find(':') == std::string::npos ? fmt::format("{}:{}", host, port)
                                             : fmt::format("[{}]:{}", host, port);
}

std::optional<RedisRedirection> parse_redirection(std::string_view error) {
  RedisRedirection redirection;
  if (error.starts_with("MOVED ")) {
    redirection.kind = RedisRedirection::Kind::moved;
    error.remove_prefix(6);
  } else if (error.starts_with("ASK ")) {
    redirection.kind = RedisRedirection::Kind::ask;
    error.remove_prefix(4);
  } else {
    return std::nullopt;
  }
  const std::size_t space = error.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const std::optional<std::uint16_t> slot = parse_number<std::uint16_t>(error.substr(0, space));
  if (!slot || *slot >= redis_slot_count) return std::nullopt;
  std::optional<RedisNode> node = parse_endpoint(error.substr(space + 1));
  if (!node) return std::nullopt;
  redirection.slot = *slot;
  redirection.node = std::move(*node);
  return redirection;
}

bool reports_cluster_mode(std::string_view info_cluster) noexcept {
  return info_cluster.find("cluster_enabled:1") != std::string_view::npos;
}

std::optional<RedisNode> cluster_slot_owner(const redisReply& slots, std::uint16_t slot,
                                            const RedisNode& asked, std::vector<RedisNode>& nodes) {
  assert(slot < redis_slot_count);
  std::optional<RedisNode> owner;
  if (slots.type != REDIS_REPLY_ARRAY) return owner;
  for (std::size_t i = 0; i < slots.elements; ++i) {
    const redisReply& range = *slots.element[i];
    if (range.type != REDIS_REPLY_ARRAY || range.elements < 3) continue;
    const redisReply& first = *range.element[0];
    const redisReply& last = *range.element[1];
    if (first.type != REDIS_REPLY_INTEGER || last.type != REDIS_REPLY_INTEGER) continue;
    for (std::size_t n = 2; n < range.elements; ++n) {
      const std::optional<RedisNode> node = slots_node(*range.element[n], asked);
      if (!node) continue;
      learn(nodes, *node);
      // The first node of a range is its master.
      if (n == 2 && first.integer <= slot && slot <= last.integer) owner = node;
    }
  }
  return owner;
}

}  // namespace lmx
