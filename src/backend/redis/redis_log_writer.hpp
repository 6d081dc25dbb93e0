#pragma once
// Appends events to a Redis Stream: one `XADD <stream> * <fields>` per event, pipelined so
// that a batch costs one round trip (or one per redis_pipeline_depth_max events).
// Redis assigns the ids; the returned position is the last one's (for an empty batch, the
// newest entry's in the stream).
//
// A broken connection fails the append in progress (some of the batch may be in the log,
// as LogWriter says) and is reconnected, with backoff, by the next append: resending a
// batch automatically could write it twice.

#include <string>
#include <vector>

#include "lmx/core/log_writer.hpp"
#include "backend/redis/redis_connection.hpp"
#include "backend/redis/redis_entry.hpp"
#include "backend/redis/redis_url.hpp"

namespace lmx {

class RedisLogWriter final : public LogWriter {
 public:
  // Writes to url.stream in `format`. Connects at once; throws if Redis cannot be reached
  // or refuses the credentials.
  RedisLogWriter(const RedisUrl& url, EntryFormat format);

  Position append(std::span<const Event> events) override;

 private:
  Position append_chunk(std::span<const Event> events);

  RedisConnection connection_;
  std::string stream_;
  EntryFormat format_;
  std::string payload_;                 // reused for each event's encoded bytes
  std::vector<std::string_view> argv_;  // reused for each XADD
};

// Reads the ids of `count` pipelined XADD replies; throws the first error after reading all
// of them, so the connection stays in step with its commands.
[[nodiscard]] Position read_xadd_replies(RedisConnection& connection, std::size_t count,
                                         std::string_view stream);

}  // namespace lmx
