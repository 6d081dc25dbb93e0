#pragma once
// Publishes results to the Redis Stream `<stream>:results`, one entry per input entry,
// pipelined so that a batch costs one round trip. Fields are human-readable, so that
// `redis-cli XRANGE orders:results - +` shows what happened:
//
//   pos <input entry id>  type <topup|add_item|order|malformed>  reason <name>  code <n>
//   user <user id>  balance <after>  remain <after>
//
// Given a fence (lmx/core/lease.hpp), each batch (each redis_pipeline_depth_max results of
// it) is appended by one Lua script that first
// checks the writer's epoch against the stream's, and throws lmx::Fenced when it is over.
//
// A lost connection is reconnected and only the results missing from the stream are sent
// again. Results may still be published twice after an engine crash (or a server that lost
// acknowledged writes); consumers deduplicate by `pos`. A server that lost results it had
// acknowledged (a Redis Cluster failover: replication is asynchronous) stops the writer
// with an error, as only a restart of the engine, replaying from an older snapshot, can
// write them again.

#include <array>
#include <span>
#include <string>
#include <vector>

#include "backend/redis/redis_connection.hpp"
#include "backend/redis/redis_entry.hpp"
#include "backend/redis/redis_lease.hpp"
#include "backend/redis/redis_url.hpp"
#include "lmx/core/lease.hpp"
#include "lmx/core/result_writer.hpp"

namespace lmx {

class RedisResultWriter final : public ResultWriter {
 public:
  // Writes to `<url.stream>:results`, fenced by `fence` unless it is null. Connects at once;
  // throws if Redis cannot be reached.
  explicit RedisResultWriter(const RedisUrl& url, RedisRetryPolicy retry = {},
                             const Fence* fence = nullptr);

  void write(std::span<const Result> results) override;
  // Durability of a Redis Stream is the server's (appendonly / appendfsync): nothing to do.
  void sync() override {}
  // Results on Redis record no entry checksum: the id alone names the entry.
  [[nodiscard]] EntryRef last_answered() override;
  // Never needed (ids are not given twice), so refused: see the .cpp.
  void discard_after(Position position) override;

  // The key results go to.
  [[nodiscard]] const std::string& stream() const noexcept { return stream_; }

 private:
  static constexpr std::size_t result_fields_max = 18;
  static constexpr std::size_t result_texts = 6;  // the numbers of one result, as text

  static std::span<const std::string_view> result_fields(
      const Result& result, std::span<std::string> texts,
      std::array<std::string_view, result_fields_max>& fields);
  void write_once(std::span<const Result> results);
  void write_pipelined(std::span<const Result> results);
  void write_fenced(std::span<const Result> results);
  void check_none_lost(Position written);

  RedisConnection connection_;
  std::string stream_;
  std::string epoch_key_;
  const Fence* fence_;
  RedisScript script_;
  std::vector<std::string> texts_;      // numbers as text, reused
  std::vector<std::string_view> argv_;  // one command's arguments, reused
  Position written_last_;  // the entry the newest result the server acknowledged answers
};

}  // namespace lmx
