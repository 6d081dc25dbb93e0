#pragma once
// Publishes results to the Redis Stream `<stream>:results`, one entry per input entry,
// pipelined so that a batch costs one round trip. Fields are human-readable, so that
// `redis-cli XRANGE orders:results - +` shows what happened:
//
//   pos <input entry id>  type <topup|add_item|order|malformed>  reason <name>  code <n>
//   user <user id>  balance <after>  remain <after>
//
// A lost connection is reconnected and only the results missing from the stream are sent
// again. Results may still be published twice after an engine crash (or a server that lost
// acknowledged writes); consumers deduplicate by `pos`. A server that lost results it had
// acknowledged (a Redis Cluster failover: replication is asynchronous) stops the writer
// with an error, as only a restart of the engine, replaying from an older snapshot, can
// write them again.

#include <string>
#include <vector>

#include "backend/redis/redis_connection.hpp"
#include "backend/redis/redis_entry.hpp"
#include "backend/redis/redis_url.hpp"
#include "lmx/core/result_writer.hpp"

namespace lmx {

class RedisResultWriter final : public ResultWriter {
 public:
  // Writes to `<url.stream>:results`. Connects at once; throws if Redis cannot be reached.
  explicit RedisResultWriter(const RedisUrl& url, RedisRetryPolicy retry = {});

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
  void check_none_lost(Position written);

  RedisConnection connection_;
  std::string stream_;
  std::vector<std::string> texts_;  // the numbers of one XADD, as text
  Position written_last_;           // the entry the newest result the server acknowledged answers
};

}  // namespace lmx
