#pragma once
// What lmx reads from a Redis Cluster: whether a server runs in cluster mode (INFO
// cluster), which node serves a slot (CLUSTER SLOTS), and where a -MOVED or -ASK error
// reply sends a command. Parsing only: RedisConnection and the backend act on it.

#include <hiredis/hiredis.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lmx {

struct RedisNode {
  std::string host;
  std::uint16_t port = 0;

  friend bool operator==(const RedisNode&, const RedisNode&) = default;
  [[nodiscard]] std::string to_string() const;
};

// "-MOVED 3999 127.0.0.1:6381": the slot has a new owner, for good.
// "-ASK 3999 127.0.0.1:6381": the key is being migrated; send this one command there,
// after ASKING.
struct RedisRedirection {
  enum class Kind : std::uint8_t { moved, ask };
  Kind kind = Kind::moved;
  std::uint16_t slot = 0;
  RedisNode node;
};

// The redirection an error reply's text names, or nothing for any other error.
[[nodiscard]] std::optional<RedisRedirection> parse_redirection(std::string_view error);

// True when the text of `INFO cluster` says cluster_enabled:1.
[[nodiscard]] bool reports_cluster_mode(std::string_view info_cluster) noexcept;

// The master serving `slot` in a CLUSTER SLOTS reply, or nothing when no range covers it.
// Every node the reply names (masters and replicas) is added to `nodes` unless already
// there, so that a later failover can be asked about from any of them. A node given with
// an empty host is the one that answered, `asked`.
[[nodiscard]] std::optional<RedisNode> cluster_slot_owner(const redisReply& slots,
                                                          std::uint16_t slot,
                                                          const RedisNode& asked,
                                                          std::vector<RedisNode>& nodes);

}  // namespace lmx
