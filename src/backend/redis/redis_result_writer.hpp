#pragma once
// Publishes results to the Redis Stream `<stream>:results`, one entry per input entry or
// packed (redis_result_entry.hpp has both layouts), pipelined so that a batch costs one
// round trip. Fields are human-readable, so that `redis-cli XRANGE orders:results - +`
// shows what happened.
//
// Given a fence (lmx/core/lease.hpp), each batch (each redis_pipeline_depth_max results of
// it) is appended by one Lua script that first checks the writer's epoch against the
// stream's, and throws lmx::Fenced when it is over.
//
// A lost connection is reconnected and only the results missing from the stream are sent
// again. Results may still be published twice after an engine crash (or a server that lost
// acknowledged writes); consumers deduplicate by `pos`. A server that lost results it had
// acknowledged (a Redis Cluster failover: replication is asynchronous) stops the writer
// with an error, as only a restart of the engine, replaying from an older snapshot, can
// write them again.

#include <deque>
#include <span>
#include <string>
#include <vector>

#include "backend/redis/redis_connection.hpp"
#include "backend/redis/redis_entry.hpp"
#include "backend/redis/redis_lease.hpp"
#include "backend/redis/redis_url.hpp"
#include "lmx/core/backend_options.hpp"
#include "lmx/core/lease.hpp"
#include "lmx/core/result_writer.hpp"

namespace lmx {

class RedisResultWriter final : public ResultWriter {
 public:
  // Writes to `<url.stream>:results`, fenced by `fence` unless it is null. Connects at once;
  // throws if Redis cannot be reached.
  explicit RedisResultWriter(const RedisUrl& url, ResultsLayout layout = ResultsLayout::per_result,
                             RedisRetryPolicy retry = {}, const Fence* fence = nullptr);

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
  void write_once(std::span<const Result> results);
  void encode_entries(std::span<const Result> results);
  [[nodiscard]] std::span<const std::string_view> entry_fields(std::size_t entry) const;
  void write_pipelined();
  void write_fenced();
  void check_none_lost(Position written);

  RedisConnection connection_;
  ResultsLayout layout_;
  std::string stream_;
  std::string epoch_key_;
  const Fence* fence_;
  RedisScript script_;
  // The entries of the chunk being written, reused: their texts, their fields, and where
  // each entry's fields start (and the last one ends).
  std::deque<std::string> texts_;
  std::vector<std::string_view> fields_;
  std::vector<std::size_t> bounds_;
  std::vector<std::string_view> argv_;  // one command's arguments, reused
  Position written_last_;  // the entry the newest result the server acknowledged answers
};

}  // namespace lmx
