#include "backend/redis/redis_log_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <stdexcept>

#include "backend/redis/redis_log_reader.hpp"

namespace lmx {

RedisLogWriter::RedisLogWriter(const RedisUrl& url, EntryFormat format)
    : connection_(url), stream_(url.stream), format_(format) {}

Position RedisLogWriter::append(std::span<const Event> events) {
  if (connection_.broken()) connection_.reconnect();
  if (events.empty()) return stream_end(connection_, stream_);
  Position last;
  for (std::size_t first = 0; first < events.size(); first += redis_pipeline_depth_max) {
    const std::size_t count = std::min(redis_pipeline_depth_max, events.size() - first);
    last = append_chunk(events.subspan(first, count));
  }
  return last;
}

Position RedisLogWriter::append_chunk(std::span<const Event> events) {
  assert(events.size() <= redis_pipeline_depth_max);
  for (const Event& event : events) {
    argv_.assign({"XADD", stream_, "*"});
    append_entry_fields(event, format_, payload_, argv_);
    connection_.append(argv_);  // hiredis copies the command: payload_ may be reused
  }
  return read_xadd_replies(connection_, events.size(), stream_);
}

Position read_xadd_replies(RedisConnection& connection, std::size_t count,
                           std::string_view stream) {
  std::string first_error;
  Position last;
  for (std::size_t i = 0; i < count; ++i) {
    const RedisReply reply = connection.reply_or_error("XADD");
    const Decoded<Position> id = reply->type == REDIS_REPLY_STRING
                                     ? parse_redis_id(reply_text(*reply))
                                     : Decoded<Position>::failure("XADD did not return an id");
    if (id && *id > last) {
      last = *id;
    } else if (first_error.empty()) {
      first_error = fmt::format(
          "{}: XADD {} refused: {}", connection.url().to_string(), stream,
          reply->type == REDIS_REPLY_ERROR ? reply_text(*reply) : "not an increasing id");
    }
  }
  if (!first_error.empty()) throw std::runtime_error(first_error);
  assert(!last.is_zero());
  return last;
}

}  // namespace lmx
