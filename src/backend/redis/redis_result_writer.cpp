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
#include "backend/redis/redis_result_entry.hpp"

namespace lmx {

RedisResultWriter::RedisResultWriter(const RedisUrl& url, ResultsLayout layout,
                                     RedisRetryPolicy retry, const Fence* fence)
    : connection_(url, std::move(retry)),
      layout_(layout),
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

void RedisResultWriter::write_once(std::span<const Result> results) {
  if (results.empty()) return;
  if (connection_.broken()) connection_.reconnect();
  for (std::size_t first = 0; first < results.size(); first += redis_pipeline_depth_max) {
    encode_entries(
        results.subspan(first, std::min(redis_pipeline_depth_max, results.size() - first)));
    if (fence_ != nullptr) {
      write_fenced();
    } else {
      write_pipelined();
    }
  }
}

// The entries holding `results`, in the writer's layout: entry i's fields are
// fields_[bounds_[i], bounds_[i + 1]).
void RedisResultWriter::encode_entries(std::span<const Result> results) {
  texts_.clear();
  fields_.clear();
  bounds_.assign(1, 0);
  if (layout_ == ResultsLayout::packed) {
    for (std::size_t first = 0; first < results.size(); first += packed_results_max) {
      append_packed_fields(
          results.subspan(first, std::min(packed_results_max, results.size() - first)), texts_,
          fields_);
      bounds_.push_back(fields_.size());
    }
  } else {
    for (const Result& result : results) {
      append_result_fields(result, texts_, fields_);
      bounds_.push_back(fields_.size());
    }
  }
}

std::span<const std::string_view> RedisResultWriter::entry_fields(std::size_t entry) const {
  return std::span(fields_).subspan(bounds_[entry], bounds_[entry + 1] - bounds_[entry]);
}

// One XADD per entry, pipelined: one round trip.
void RedisResultWriter::write_pipelined() {
  const std::size_t entries = bounds_.size() - 1;
  for (std::size_t i = 0; i < entries; ++i) {
    argv_.assign({"XADD", stream_, "*"});
    const auto fields = entry_fields(i);
    argv_.insert(argv_.end(), fields.begin(), fields.end());
    connection_.append(argv_);
  }
  (void)read_xadd_replies(connection_, entries);
}

// One script run per chunk: the server appends the chunk's entries only while the writer's
// epoch is the stream's, and refuses all of them otherwise. A chunk already appended when a
// later one is refused stays: each holds whole results, in order, and the next primary
// resumes after the newest.
void RedisResultWriter::write_fenced() {
  const std::uint64_t epoch = fence_->epoch();
  if (epoch == 0) throw Fenced(fmt::format("{}: this engine holds no lease", stream_));
  argv_.assign({texts_.emplace_back(std::to_string(epoch))});
  for (std::size_t i = 0; i < bounds_.size() - 1; ++i) {
    const auto fields = entry_fields(i);
    argv_.push_back(texts_.emplace_back(std::to_string(fields.size())));
    argv_.insert(argv_.end(), fields.begin(), fields.end());
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
