#include "backend/redis/redis_result_writer.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <span>
#include <stdexcept>

#include "backend/redis/redis_log_reader.hpp"
#include "backend/redis/redis_log_writer.hpp"

namespace lmx {

RedisResultWriter::RedisResultWriter(const RedisUrl& url, RedisRetryPolicy retry)
    : connection_(url, std::move(retry)), stream_(url.stream + ":results"), texts_(6) {}

// A lost connection or a restarted server must not stop the engine: reconnect (with the
// connection's capped backoff) and send again only the results the stream does not hold
// yet, found from the newest `pos` in it. Results stay in order, and none is written twice
// unless the server lost acknowledged writes itself.
void RedisResultWriter::write(std::span<const Result> results) {
  bool resync = false;
  for (;;) {
    try {
      if (resync) {
        const Position written = last_answered().position;
        check_none_lost(written);
        const auto pending = std::find_if(results.begin(), results.end(),
                                          [&](const Result& r) { return written < r.position; });
        results = results.subspan(static_cast<std::size_t>(pending - results.begin()));
      }
      write_once(results);
      if (!results.empty()) written_last_ = results.back().position;
      return;
    } catch (const RedisConnectionError& e) {
      spdlog::warn("publishing results to {}: {}; reconnecting", stream_, e.what());
      connection_.reconnect();  // throws when the server stays unreachable
      resync = true;
    }
  }
}

void RedisResultWriter::check_none_lost(Position written) {
  if (!(written < written_last_)) return;
  throw std::runtime_error(fmt::format(
      "after reconnecting to {}, {} ends at the result for {}, but results up to {} had been "
      "acknowledged: the server lost acknowledged writes (a failover: replication is "
      "asynchronous); stopping, so that a restart of lmx run writes them again from an older "
      "snapshot",
      connection_.url().to_string(), stream_, written.is_zero() ? "no entry" : written.to_string(),
      written_last_.to_string()));
}

void RedisResultWriter::write_once(std::span<const Result> results) {
  if (results.empty()) return;
  if (connection_.broken()) connection_.reconnect();
  for (std::size_t first = 0; first < results.size(); first += redis_pipeline_depth_max) {
    const std::size_t count = std::min(redis_pipeline_depth_max, results.size() - first);
    for (const Result& result : results.subspan(first, count)) {
      assert(!result.position.is_zero());
      texts_[0] = redis_id(result.position);
      texts_[1] = std::to_string(static_cast<unsigned>(result.reason));
      texts_[2] = std::to_string(result.user_id);
      texts_[3] = std::to_string(result.balance);
      texts_[4] = std::to_string(result.remain);
      // A duplicate also tells the first outcome of its command id.
      const bool duplicate = result.reason == Reason::duplicate;
      if (duplicate) texts_[5] = redis_id(result.original_position);
      const std::array<std::string_view, 21> argv = {
          "XADD", stream_, "*", "pos", texts_[0], "type", event_type_name(result.type), "reason",
          reason_name(result.reason), "code", texts_[1], "user", texts_[2], "balance", texts_[3],
          "remain", texts_[4],
          // duplicates only:
          "original_pos", texts_[5], "original_reason", reason_name(result.original_reason)};
      connection_.append(
          std::span<const std::string_view>(argv).first(duplicate ? argv.size() : argv.size() - 4));
    }
    (void)read_xadd_replies(connection_, count);
  }
}

EntryRef RedisResultWriter::last_answered() {
  const RedisReply reply = newest_entry(connection_, stream_);
  if (reply->elements == 0) return EntryRef{};
  if (const std::optional<Position> position = answered_position(*reply->element[0])) {
    return EntryRef{*position, 0};
  }
  throw std::runtime_error(fmt::format("{}: newest result has no valid pos field", stream_));
}

// A results stream that answers entries its stream no longer has means the stream lost
// data or was replaced: deleting results would hide that, so the engine stops instead.
void RedisResultWriter::discard_after(Position position) {
  throw std::runtime_error(
      fmt::format("{} holds results after {} for entries the stream no longer has: the stream lost "
                  "data or was replaced; lmx will not delete results on Redis (move {} and its "
                  "snapshots away to start over)",
                  stream_, position.to_string(), stream_));
}

}  // namespace lmx
