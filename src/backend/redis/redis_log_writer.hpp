#pragma once
// Appends events to a Redis Stream: one `XADD <stream> * <fields>` per event, pipelined so
// that a batch costs one round trip (or one per redis_pipeline_depth_max events).
// Redis assigns the ids; the returned position is the last one's (for an empty batch, the
// newest entry's in the stream).
//
// A broken connection fails the append in progress and is reconnected, with backoff, by
// the next append: resending a batch automatically could write it twice. The AppendError
// counts as appended the events whose XADD returned an id, in order from the first; the
// ones sent after them whose replies were lost are in doubt.

#include <string>
#include <vector>

#include "backend/redis/redis_connection.hpp"
#include "backend/redis/redis_entry.hpp"
#include "backend/redis/redis_url.hpp"
#include "lmx/core/log_writer.hpp"

namespace lmx {

class RedisLogWriter final : public LogWriter {
 public:
  // Writes to url.stream in `format`. Connects at once; throws if Redis cannot be reached
  // or refuses the credentials. A lost connection is reconnected as `retry` says (on a
  // cluster, asking its nodes where the stream's slot went) at the next append.
  RedisLogWriter(const RedisUrl& url, EntryFormat format, RedisRetryPolicy retry = {});

  using LogWriter::append;
  Position append(std::span<const Event> events, std::span<Position> positions) override;

 private:
  struct Progress;
  Position append_chunk(std::span<const Event> events, std::span<Position> positions,
                        Progress& progress);

  RedisConnection connection_;
  std::string stream_;
  EntryFormat format_;
  std::string payload_;                 // reused for each event's encoded bytes
  std::vector<std::string_view> argv_;  // reused for each XADD
};

// What the replies to pipelined XADDs said so far: kept up to date reply by reply, so that
// it still tells what the server confirmed when reading them throws.
struct XaddTally {
  std::size_t read = 0;     // replies read
  std::size_t leading = 0;  // ids returned before the first reply that was not one
  Position leading_last;    // the last of those ids
  std::size_t ids_end = 0;  // one past the last reply that was an id
};

// Reads the ids of `count` pipelined XADD replies and returns the greatest; throws the first
// error after reading all of them, so the connection stays in step with its commands (a
// lost connection throws RedisConnectionError at once). `tally`, when given, is updated as
// each reply is read; `ids`, when not empty (then `count` long), gets each reply's id (zero
// for a refusal). An error names the stream the refused XADD was for.
[[nodiscard]] Position read_xadd_replies(RedisConnection& connection, std::size_t count,
                                         XaddTally* tally = nullptr, std::span<Position> ids = {});

}  // namespace lmx
