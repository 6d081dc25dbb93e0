#include "backend/redis/redis_result_writer.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <span>
#include <stdexcept>

#include "backend/redis/redis_lease.hpp"
#include "backend/redis/redis_log_reader.hpp"
#include "backend/redis/redis_log_writer.hpp"

namespace lmx {

RedisResultWriter::RedisResultWriter(const RedisUrl& url, RedisRetryPolicy retry,
                                     const Fence* fence)
    : connection_(url, std::move(retry)),
      stream_(url.stream + ":results"),
      epoch_key_(epoch_key(url.stream)),
      fence_(fence),
      script_(fenced_results_script) {}

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

// The XADD fields of `result`, its numbers kept in `texts` (6 strings).
std::span<const std::string_view> RedisResultWriter::result_fields(
    const Result& result, std::span<std::string> texts,
    std::array<std::string_view, result_fields_max>& fields) {
  assert(!result.position.is_zero());
  texts[0] = redis_id(result.position);
  texts[1] = std::to_string(static_cast<unsigned>(result.reason));
  texts[2] = std::to_string(result.user_id);
  texts[3] = std::to_string(result.balance);
  texts[4] = std::to_string(result.remain);
  // A duplicate also tells the first outcome of its command id.
  const bool duplicate = result.reason == Reason::duplicate;
  if (duplicate) texts[5] = redis_id(result.original_position);
  fields = {"pos", texts[0], "type", event_type_name(result.type), "reason",
            reason_name(result.reason), "code", texts[1], "user", texts[2], "balance", texts[3],
            "remain", texts[4],
            // duplicates only:
            "original_pos", texts[5], "original_reason", reason_name(result.original_reason)};
  return std::span<const std::string_view>(fields).first(duplicate ? fields.size()
                                                                   : fields.size() - 4);
}

void RedisResultWriter::write_once(std::span<const Result> results) {
  if (results.empty()) return;
  if (connection_.broken()) connection_.reconnect();
  for (std::size_t first = 0; first < results.size(); first += redis_pipeline_depth_max) {
    const std::size_t count = std::min(redis_pipeline_depth_max, results.size() - first);
    if (fence_ != nullptr) {
      write_fenced(results.subspan(first, count));
    } else {
      write_pipelined(results.subspan(first, count));
    }
  }
}

// One XADD per result, pipelined: one round trip.
void RedisResultWriter::write_pipelined(std::span<const Result> results) {
  texts_.resize(result_texts);
  std::array<std::string_view, result_fields_max> fields;
  for (const Result& result : results) {
    argv_.assign({"XADD", stream_, "*"});
    const auto entry = result_fields(result, texts_, fields);
    argv_.insert(argv_.end(), entry.begin(), entry.end());
    connection_.append(argv_);
  }
  (void)read_xadd_replies(connection_, results.size());
}

// One script run per chunk: the server appends the chunk only while the writer's epoch is
// the stream's, and refuses all of it otherwise. A chunk already appended when a later one
// is refused stays: each holds whole results, in order, and the next primary resumes after
// the newest.
void RedisResultWriter::write_fenced(std::span<const Result> results) {
  const std::uint64_t epoch = fence_->epoch();
  if (epoch == 0) throw Fenced(fmt::format("{}: this engine holds no lease", stream_));
  texts_.resize(1 + results.size() * (result_texts + 1));
  texts_[0] = std::to_string(epoch);
  argv_.assign({texts_[0]});
  std::array<std::string_view, result_fields_max> fields;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const std::span<std::string> texts =
        std::span(texts_).subspan(1 + i * (result_texts + 1), result_texts + 1);
    const auto entry = result_fields(results[i], texts.first(result_texts), fields);
    texts.back() = std::to_string(entry.size());
    argv_.push_back(texts.back());
    argv_.insert(argv_.end(), entry.begin(), entry.end());
  }
  const std::array<std::string_view, 2> keys{epoch_key_, stream_};
  const RedisReply reply = script_.run(connection_, keys, argv_);
  if (is_fenced_reply(*reply)) {
    throw Fenced(fmt::format("{}: results refused: {}", stream_, reply_text(*reply)));
  }
  if (reply->type == REDIS_REPLY_ERROR) {
    throw std::runtime_error(fmt::format("{}: writing results to {} refused: {}",
                                         connection_.url().to_string(), stream_,
                                         reply_text(*reply)));
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
