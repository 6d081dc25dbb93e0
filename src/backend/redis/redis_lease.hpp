#pragma once
// The lease of a Redis stream (lmx/core/lease.hpp), in two keys next to it, in its slot on
// a cluster (the stream's hash tag covers them):
//
//   <stream>:epoch  the stream's epoch, a counter that only grows (INCR); never expires
//   <stream>:lease  "<epoch> <owner>", with a time to live (PX): the primary's lease
//   <stream>:engine:<owner>  each engine's status for `lmx status`, with a time to live
//   <stream>:digest:<position>  hash: each engine's state digest there, for ten minutes
//
// Each step is one Lua script, so the server runs it atomically: taking the lease (when the
// lease key is gone: INCR the epoch, SET the lease NX PX), renewing it (only while the epoch
// is still ours), releasing it. Fenced writes check `<stream>:epoch` in the same way
// (fenced_results_script below, and the snapshot store's commit script).

#include <chrono>
#include <initializer_list>
#include <string>

#include "backend/redis/redis_connection.hpp"
#include "backend/redis/redis_script.hpp"
#include "backend/redis/redis_url.hpp"
#include "lmx/core/lease.hpp"

namespace lmx {

class RedisLease final : public Lease {
 public:
  // `owner` names this engine in the lease ("host:pid"). Connects at once.
  RedisLease(const RedisUrl& url, std::string owner, std::chrono::milliseconds ttl,
             RedisRetryPolicy retry = {});

  std::optional<std::uint64_t> try_acquire() override;
  bool renew(std::uint64_t epoch) override;
  void release(std::uint64_t epoch) override;
  std::optional<LeaseHolder> holder() override;
  std::uint64_t current_epoch() override;
  void announce(std::string_view status) override;
  std::vector<std::string> announcements() override;
  void publish_digest(Position position, std::uint64_t digest) override;
  std::vector<std::pair<std::string, std::uint64_t>> digests(Position position) override;
  std::chrono::milliseconds ttl() const noexcept override { return ttl_; }

 private:
  RedisReply run(RedisScript& script, std::initializer_list<std::string_view> args);

  RedisConnection connection_;
  std::string stream_;
  std::string lease_key_;
  std::string epoch_key_;
  std::string owner_;
  std::string engine_key_;
  std::chrono::milliseconds ttl_;
  std::string ttl_text_;
  RedisScript acquire_;
  RedisScript renew_;
  RedisScript release_;
  RedisScript holder_;
};

// The keys of a stream's lease and epoch.
[[nodiscard]] std::string lease_key(std::string_view stream);
[[nodiscard]] std::string epoch_key(std::string_view stream);

// KEYS[1] the epoch key, KEYS[2] the results stream; ARGV[1] the writer's epoch, then for
// each result its field count and fields. Refuses with "FENCED ..." when the epoch is over.
extern const std::string_view fenced_results_script;

// True for the error reply of a write refused by the fence.
[[nodiscard]] bool is_fenced_reply(const redisReply& reply) noexcept;

}  // namespace lmx
