#include "backend/redis/redis_log_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <stdexcept>

#include "backend/redis/redis_log_reader.hpp"

namespace lmx {

RedisLogWriter::RedisLogWriter(const RedisUrl& url, EntryFormat format, RedisRetryPolicy retry)
    : connection_(url, std::move(retry)), stream_(url.stream), format_(format) {}

// How far an append got: events [0, appended) have ids, [appended, sent_end) may be in the
// stream, the rest were not sent.
struct RedisLogWriter::Progress {
  std::size_t appended = 0;
  std::size_t sent_end = 0;
  Position last_appended;
};

Position RedisLogWriter::append(std::span<const Event> events, std::span<Position> positions) {
  assert(positions.empty() || positions.size() == events.size());
  Progress progress;
  try {
    if (connection_.broken()) connection_.reconnect();
    if (events.empty()) return stream_end(connection_, stream_);
    Position last;
    for (std::size_t first = 0; first < events.size(); first += redis_pipeline_depth_max) {
      const std::size_t count = std::min(redis_pipeline_depth_max, events.size() - first);
      last =
          append_chunk(events.subspan(first, count),
                       positions.empty() ? positions : positions.subspan(first, count), progress);
    }
    return last;
  } catch (const std::exception& e) {
    assert(progress.appended <= progress.sent_end && progress.sent_end <= events.size());
    throw AppendError(e.what(), progress.appended, progress.sent_end - progress.appended,
                      progress.last_appended);
  }
}

// Appends one chunk; the chunks before it were appended whole (or append() would have
// thrown), so `progress.appended` is where this one starts.
Position RedisLogWriter::append_chunk(std::span<const Event> events, std::span<Position> positions,
                                      Progress& progress) {
  assert(events.size() <= redis_pipeline_depth_max);
  assert(progress.appended == progress.sent_end);
  const std::size_t base = progress.appended;
  for (const Event& event : events) {
    argv_.assign({"XADD", stream_, "*"});
    append_entry_fields(event, format_, payload_, argv_);
    connection_.append(argv_);  // hiredis copies the command: payload_ may be reused
  }
  // Queued only: nothing goes out before the first reply is asked for.
  progress.sent_end = base + events.size();
  XaddTally tally;
  try {
    const Position last = read_xadd_replies(connection_, events.size(), &tally, positions);
    progress.appended = base + events.size();
    progress.last_appended = last;
    return last;
  } catch (...) {
    if (tally.leading > 0) progress.last_appended = tally.leading_last;
    progress.appended = base + tally.leading;
    // All replies read: the refused ones are known, and only ids after the first refusal
    // are not a prefix. A reply missing: everything sent after the ids may be in the log.
    if (tally.read == events.size()) progress.sent_end = base + tally.ids_end;
    progress.sent_end = std::max(progress.sent_end, progress.appended);
    throw;
  }
}

Position read_xadd_replies(RedisConnection& connection, std::size_t count, XaddTally* tally,
                           std::span<Position> ids) {
  assert(ids.empty() || ids.size() == count);
  XaddTally local;
  XaddTally& t = tally != nullptr ? *tally : local;
  std::string first_error;
  Position last;
  for (std::size_t i = 0; i < count; ++i) {
    const RedisReply reply = connection.reply_or_error();
    t.read = i + 1;
    const Decoded<Position> id = reply->type == REDIS_REPLY_STRING
                                     ? parse_redis_id(reply_text(*reply))
                                     : Decoded<Position>::failure("XADD did not return an id");
    if (!ids.empty()) ids[i] = id ? *id : Position{};
    if (id && *id > last) {
      last = *id;
      t.ids_end = i + 1;
      if (first_error.empty()) {
        t.leading = i + 1;
        t.leading_last = last;
      }
    } else if (first_error.empty()) {
      first_error = fmt::format(
          "{}: {} refused: {}", connection.url().to_string(), connection.replied_command(),
          reply->type == REDIS_REPLY_ERROR ? reply_text(*reply) : "not an increasing id");
    }
  }
  if (!first_error.empty()) throw std::runtime_error(first_error);
  assert(!last.is_zero());
  return last;
}

}  // namespace lmx
