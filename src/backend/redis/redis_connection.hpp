#pragma once
// One connection to Redis (hiredis), owned by one thread: connect with a timeout, AUTH,
// SELECT, pipelined commands, and reconnection with capped exponential backoff.
//
// On a Redis Cluster a connection serves one stream and the keys beside it (one slot), so
// it talks to the one node that serves that slot. A -MOVED reply makes it remember the new
// owner and throw RedisRedirected, a RedisConnectionError: the callers' resync after a lost
// connection then runs against the new owner, so a redirected pipeline is never sent again
// blindly. command() and idempotent_command() follow redirections themselves (the command
// was not run), -ASK by sending ASKING and the command to the named node once. When the
// owner stops answering (a failover), reconnect() asks the cluster nodes it knows which node
// serves the slot now, with the same backoff and outage limit as for one server.
//
// Errors come in two kinds, so that callers retry only what a new connection can fix:
//   RedisConnectionError  the server is unreachable, the connection broke or timed out,
//                         or the server is still loading its data: reconnect may help;
//   std::runtime_error    the server refused (AUTH failed, WRONGTYPE, ...): it will again.
// Each message names the server (never the password) and the command it concerns with its
// key ("XADD orders refused: WRONGTYPE ..."), so an operator knows which key to look at.

#include <hiredis/hiredis.h>

#include <atomic>
#include <chrono>
#include <initializer_list>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "backend/redis/redis_cluster.hpp"
#include "backend/redis/redis_reply_arena.hpp"
#include "backend/redis/redis_url.hpp"
#include "lmx/core/interrupted.hpp"

namespace lmx {

class RedisConnectionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A cluster node answered -MOVED or -ASK: the command was not run there.
class RedisRedirected : public RedisConnectionError {
 public:
  RedisRedirected(const std::string& what, RedisRedirection redirection)
      : RedisConnectionError(what), redirection_(std::move(redirection)) {}
  [[nodiscard]] const RedisRedirection& redirection() const noexcept { return redirection_; }

 private:
  RedisRedirection redirection_;
};

// How long a connection waits for a server that stopped answering, and what ends the wait.
struct RedisRetryPolicy {
  // Zero: retry until the server answers again or interrupt is set.
  std::chrono::milliseconds outage_max{0};
  // The engine's stop flag (null: never interrupted). Read only between attempts.
  const std::atomic<bool>* interrupt = nullptr;
  // On a Redis Cluster: the nodes to ask which node serves the slot after its owner stopped
  // answering (empty: one server, whose address never changes).
  std::vector<RedisNode> cluster_nodes;
};

// A reply hiredis built in a connection's RedisReplyArena goes back to it; any other, to
// hiredis. An arena reply must be released before its connection is destroyed.
struct RedisReplyDeleter {
  RedisReplyArena* arena = nullptr;
  void operator()(redisReply* reply) const noexcept {
    if (arena != nullptr) {
      arena->release();
    } else {
      freeReplyObject(reply);
    }
  }
};
using RedisReply = std::unique_ptr<redisReply, RedisReplyDeleter>;

class RedisConnection {
 public:
  // Connects (one attempt) and authenticates. Throws as described above.
  explicit RedisConnection(RedisUrl url, RedisRetryPolicy retry = {});
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Queues a command; it is sent by flush() or by the next reply().
  void append(std::initializer_list<std::string_view> argv);
  void append(std::span<const std::string_view> argv);

  // Sends every queued command now, so the server works while the caller does other work.
  void flush();

  // From now on, replies are built in an arena of the connection's (redis_reply_arena.hpp):
  // for a caller that releases each reply before it reads the next.
  void use_reply_arena();

  // The next reply, in command order. An error reply throws std::runtime_error naming the
  // command and its key; use reply_or_error() to drain a pipeline past an error reply.
  [[nodiscard]] RedisReply reply();
  [[nodiscard]] RedisReply reply_or_error();

  // The command the reply read last answered, as messages name it: its name and the key it
  // concerned ("XADD orders", "XREAD orders", "EXEC"), never an AUTH argument.
  [[nodiscard]] const std::string& replied_command() const noexcept { return replied_; }

  // append + reply, one round trip.
  [[nodiscard]] RedisReply command(std::initializer_list<std::string_view> argv);

  // The same for a read-only command, which is safe to send again: a broken connection is
  // reconnected (with backoff) and the command retried.
  [[nodiscard]] RedisReply idempotent_command(std::initializer_list<std::string_view> argv);
  // The same, returning an error reply instead of throwing, for a caller that can go on
  // without the answer (a snapshot key of the wrong type is skipped, say).
  [[nodiscard]] RedisReply idempotent_command_or_error(
      std::initializer_list<std::string_view> argv);

  // Drops the connection and connects again, waiting with capped exponential backoff
  // (each attempt logged with how long the server has been unreachable) when earlier
  // attempts found no answering server. Throws RedisConnectionError once the outage lasted
  // longer than the policy's outage_max, lmx::Interrupted when the policy's interrupt flag
  // is set after an attempt failed; an AUTH refusal throws at once.
  void reconnect();

  // True after an I/O error: the connection must be reconnected before use.
  [[nodiscard]] bool broken() const noexcept { return !context_ || context_->err != 0; }

  [[nodiscard]] const RedisUrl& url() const noexcept { return url_; }
  [[nodiscard]] const RedisRetryPolicy& retry_policy() const noexcept { return retry_; }

 private:
  void connect();
  void wait_before_retry();
  void handshake();
  [[noreturn]] void throw_io_error(std::string_view what);
  [[noreturn]] void throw_refused(const redisReply& reply) const;
  void push_pending(std::span<const std::string_view> argv);
  void pop_pending();
  [[noreturn]] void redirected(const RedisRedirection& redirection);
  [[nodiscard]] RedisReply follow(const RedisRedirected& redirected,
                                  std::initializer_list<std::string_view> argv);
  [[nodiscard]] RedisReply ask(const RedisNode& node, std::initializer_list<std::string_view> argv);
  void locate_slot_owner();

  struct ContextDeleter {
    void operator()(redisContext* context) const noexcept { redisFree(context); }
  };

  RedisUrl url_;
  RedisRetryPolicy retry_;
  std::unique_ptr<redisContext, ContextDeleter> context_;
  // Where replies are built (null: by hiredis, one malloc per object). Its own allocation,
  // so that replies still held keep a stable arena across reconnects.
  std::unique_ptr<RedisReplyArena> arena_;
  // The slot of url_.stream, the one this connection's keys share on a cluster.
  std::uint16_t slot_ = 0;
  std::uint32_t failures_ = 0;  // reconnections since the server last answered
  std::chrono::steady_clock::time_point outage_start_;  // when failures_ left zero
  // Reused for every command, so that appending allocates nothing once warmed up.
  std::vector<const char*> argv_;
  std::vector<std::size_t> argv_sizes_;
  // The commands sent and not answered yet, oldest first, as replied_command() names them:
  // a ring over pending_ whose strings keep their capacity, so naming allocates nothing
  // once warmed up. Emptied with the connection, whose replies it describes.
  std::vector<std::string> pending_;
  std::size_t pending_first_ = 0;
  std::size_t pending_count_ = 0;
  std::string replied_;
};

// Message of an error reply, for exceptions and logs.
[[nodiscard]] std::string_view reply_text(const redisReply& reply) noexcept;

// The key a command concerns, for messages: the stream after STREAMS for XREAD, nothing for
// AUTH and HELLO (their arguments are secrets) or a command without arguments, else argv[1].
[[nodiscard]] std::string_view command_key(std::span<const std::string_view> argv) noexcept;

}  // namespace lmx
