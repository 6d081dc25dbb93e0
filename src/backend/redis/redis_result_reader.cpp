#include "backend/redis/redis_result_reader.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "backend/redis/redis_log_reader.hpp"
#include "backend/redis/redis_result_entry.hpp"

namespace lmx {

RedisResultReader::RedisResultReader(const RedisUrl& url, RedisRetryPolicy retry)
    : connection_(url, std::move(retry)), stream_(url.stream + ":results") {
  last_ = stream_end(connection_, stream_);
}

std::size_t RedisResultReader::fetch(std::vector<Result>& out, std::chrono::milliseconds timeout) {
  const std::string after = redis_id(last_);
  const std::string count = std::to_string(redis_read_count_max);
  // BLOCK 0 would wait forever: a zero timeout is a read without BLOCK.
  const auto block_ms =
      std::min<std::chrono::milliseconds::rep>(timeout.count(), redis_block_ms_max);
  const std::string block = std::to_string(block_ms);
  const RedisReply reply =
      block_ms > 0
          ? connection_.idempotent_command(
                {"XREAD", "BLOCK", block, "COUNT", count, "STREAMS", stream_, after})
          : connection_.idempotent_command({"XREAD", "COUNT", count, "STREAMS", stream_, after});
  const redisReply* entries = xread_entries(*reply, stream_, last_, redis_read_count_max);
  if (entries == nullptr) return 0;  // nothing new within the BLOCK
  const std::size_t size_before = out.size();
  for (std::size_t i = 0; i < entries->elements; ++i) {
    const Position id = xread_entry_id(*entries->element[i]);
    xread_entry_fields(*entries->element[i], fields_);
    if (const Decoded<> decoded = decode_result_entry(fields_, out); !decoded) {
      throw std::runtime_error(
          fmt::format("{} entry {} is not a result: {}", stream_, redis_id(id), decoded.error()));
    }
    last_ = id;
  }
  return out.size() - size_before;
}

}  // namespace lmx
