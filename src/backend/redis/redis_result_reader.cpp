#include "backend/redis/redis_result_reader.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "backend/redis/redis_log_reader.hpp"
#include "lmx/core/decimal.hpp"

namespace lmx {
Decoded<Result> decode_result_fields(std::span<const EntryField> fields) {
  enum : unsigned { pos = 1, type = 2, reason = 4, user = 8, balance = 16, remain = 32 };
  enum : unsigned { original_pos = 64, original_reason = 128 };
  Result result;
  unsigned seen = 0;
  for (const EntryField& field : fields) {
    if (field.name == "pos") {
      const Decoded<Position> position = parse_redis_id(field.value);
      if (!position) return Decoded<Result>::failure("pos is not an entry id");
      result.position = *position;
      seen |= pos;
    } else if (field.name == "type") {
      const auto parsed = event_type_from_name(field.value);
      if (!parsed && field.value != "malformed") return Decoded<Result>::failure("unknown type");
      result.type = parsed.value_or(EventType::malformed);
      seen |= type;
    } else if (field.name == "reason") {
      const auto parsed = reason_from_name(field.value);
      if (!parsed) return Decoded<Result>::failure("unknown reason");
      result.reason = *parsed;
      seen |= reason;
    } else if (field.name == "user") {
      if (!parse_decimal(field.value, result.user_id)) return Decoded<Result>::failure("bad user");
      seen |= user;
    } else if (field.name == "balance") {
      if (!parse_decimal(field.value, result.balance)) {
        return Decoded<Result>::failure("bad balance");
      }
      seen |= balance;
    } else if (field.name == "remain") {
      if (!parse_decimal(field.value, result.remain)) return Decoded<Result>::failure("bad remain");
      seen |= remain;
    } else if (field.name == "original_pos") {
      const Decoded<Position> position = parse_redis_id(field.value);
      if (!position) return Decoded<Result>::failure("original_pos is not an entry id");
      result.original_position = *position;
      seen |= original_pos;
    } else if (field.name == "original_reason") {
      const auto parsed = reason_from_name(field.value);
      if (!parsed) return Decoded<Result>::failure("unknown original_reason");
      result.original_reason = *parsed;
      seen |= original_reason;
    }
  }
  unsigned required = pos | type | reason | user | balance | remain;
  if (result.reason == Reason::duplicate) required |= original_pos | original_reason;
  if ((seen & required) != required) return Decoded<Result>::failure("a field is missing");
  return result;
}

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
  for (std::size_t i = 0; i < entries->elements; ++i) {
    const Position id = xread_entry_id(*entries->element[i]);
    xread_entry_fields(*entries->element[i], fields_);
    const Decoded<Result> result = decode_result_fields(fields_);
    if (!result) {
      throw std::runtime_error(
          fmt::format("{} entry {} is not a result: {}", stream_, redis_id(id), result.error()));
    }
    out.push_back(*result);
    last_ = id;
  }
  return entries->elements;
}

}  // namespace lmx
