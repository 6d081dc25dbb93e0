#include "backend/redis/redis_log_reader.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cassert>

#include "backend/redis/redis_trim.hpp"

namespace lmx {

std::string redis_id(Position position) {
  return position.to_string();
}

Decoded<Position> parse_redis_id(std::string_view text) noexcept {
  // Redis reads a bare "5" as "5-0", not as Position::parse's "0-5": refuse it.
  if (text.find('-') == std::string_view::npos) {
    return Decoded<Position>::failure("a Redis entry id is ms-seq");
  }
  return Position::parse(text);
}

namespace {

std::string_view text_of(const redisReply* reply) noexcept {
  return reply->type == REDIS_REPLY_STRING ? reply_text(*reply) : std::string_view{};
}

}  // namespace

RedisLogReader::RedisLogReader(const RedisUrl& url, Position after, RedisRetryPolicy retry)
    : connection_(url, std::move(retry)), stream_(url.stream), next_after_(after) {
  refuse_trimmed_after(connection_, stream_, after);
  positions_.reserve(redis_read_count_max);
  connection_.use_reply_arena();  // receive() releases each reply before reading the next
}

std::size_t RedisLogReader::fetch(std::size_t count_max, std::chrono::milliseconds timeout) {
  assert(count_max > 0);
  // BLOCK 0 would mean "forever": a zero timeout is a read without BLOCK.
  const auto block_ms =
      std::clamp<std::chrono::milliseconds::rep>(timeout.count(), 0, redis_block_ms_max);
  block_ms_ = static_cast<std::uint32_t>(block_ms);
  count_ = std::min(count_max, redis_read_count_max);
  const std::size_t available = positions_.size() - handed_out_;
  // Without BLOCK, an empty reply may be older than this call (its request went out when
  // the previous batch arrived): the request sent on its heels says whether the end is now.
  if (available == 0 && !receive() && (block_ms_ > 0 || !receive())) return 0;
  batch_first_ = handed_out_;
  batch_count_ = std::min(count_max, positions_.size() - handed_out_);
  handed_out_ += batch_count_;
  assert(batch_count_ > 0);
  return batch_count_;
}

void RedisLogReader::send_read() {
  assert(!read_in_flight_);
  id_text_ = redis_id(next_after_);
  count_text_ = std::to_string(count_);
  if (block_ms_ > 0) {
    block_text_ = std::to_string(block_ms_);
    connection_.append(
        {"XREAD", "BLOCK", block_text_, "COUNT", count_text_, "STREAMS", stream_, id_text_});
  } else {
    connection_.append({"XREAD", "COUNT", count_text_, "STREAMS", stream_, id_text_});
  }
  connection_.flush();
  read_in_flight_ = true;
}

// Waits for the XREAD in flight (sending one if none is) and takes its entries, then
// sends the next XREAD at once. Returns false when the wait ended with no entry.
bool RedisLogReader::receive() {
  // The last batch is handed out: releasing it before hiredis builds the next reply lets
  // the connection's reply arena reuse that (cache-hot) memory.
  release_reply();
  for (bool reconnected = false;;) {
    try {
      if (reconnected) check_still_holds_last_read();
      reconnected = false;
      if (!read_in_flight_) send_read();
      read_in_flight_ = false;  // consumed below, or lost with the connection
      take_reply(connection_.reply());
      break;
    } catch (const RedisConnectionError& e) {
      spdlog::warn("reading {} after {}: {}; reconnecting", stream_, redis_id(next_after_),
                   e.what());
      connection_.reconnect();
      reconnected = true;
    }
  }
  try {
    send_read();
  } catch (const RedisConnectionError& e) {
    // The entries just taken must still be handed out: the next receive() reconnects.
    spdlog::warn("reading {} after {}: {}", stream_, redis_id(next_after_), e.what());
  }
  return !positions_.empty();
}

// A server restarted without persistence (or a stream deleted and written again) hands out
// new entries after the old position, which the engine would apply on top of a state built
// from entries that are gone. The entry read last must still be there.
void RedisLogReader::check_still_holds_last_read() {
  if (next_after_.is_zero() || stream_holds(connection_, stream_, next_after_)) return;
  throw std::runtime_error(fmt::format(
      "after reconnecting, {} no longer holds entry {}, the last one lmx read: the server "
      "lost data (restarted without persistence?) or the stream was replaced; stopping rather "
      "than apply new entries on top of a state built from entries that are gone (to start "
      "over on what the stream holds now, delete {}:results and the stream's snapshots)",
      stream_, redis_id(next_after_), stream_));
}

void RedisLogReader::release_reply() noexcept {
  reply_.reset();
  entries_ = nullptr;
  positions_.clear();
  handed_out_ = 0;
  batch_count_ = 0;
}

void RedisLogReader::take_reply(RedisReply reply) {
  assert(!reply_);
  entries_ = xread_entries(*reply, stream_, next_after_, redis_read_count_max);
  if (entries_ == nullptr) return;  // BLOCK ran out: nothing new
  for (std::size_t i = 0; i < entries_->elements; ++i) {
    positions_.push_back(xread_entry_id(*entries_->element[i]));
  }
  if (!positions_.empty()) next_after_ = positions_.back();
  reply_ = std::move(reply);
}

void RedisLogReader::decode(std::size_t index, Event& event) {
  assert(index < batch_count_);
  const std::size_t at = batch_first_ + index;
  assert(at < positions_.size());
  xread_entry_fields(*entries_->element[at], fields_);
  const Decoded<> decoded = entry_decoder_.decode(fields_, event);
  event.position = positions_[at];
  if (!decoded) {
    last_error_ = decoded.error();
    spdlog::debug("{} entry {}: malformed: {}", stream_, redis_id(event.position), decoded.error());
  }
  LMX_ASSERT(decoded.ok() == (event.type != EventType::malformed));
  LMX_ASSERT(!event.position.is_zero());
}

Position RedisLogReader::end_position() {
  if (!control_) control_.emplace(connection_.url(), connection_.retry_policy());
  return stream_end(*control_, stream_);
}

LogLag RedisLogReader::lag_after(Position position) {
  if (!control_) control_.emplace(connection_.url(), connection_.retry_policy());
  return stream_lag_after(*control_, stream_, position);
}

LogLag stream_lag_after(RedisConnection& connection, std::string_view stream, Position position) {
  // The smallest id after `position`: XRANGE's start is inclusive.
  if (position.minor == UINT64_MAX && position.major == UINT64_MAX) return LogLag{};
  const Position next = position.minor == UINT64_MAX ? Position{position.major + 1, 0}
                                                     : Position{position.major, position.minor + 1};
  LMX_ASSERT(position < next);
  const std::string start = redis_id(next);
  const std::string count = std::to_string(redis_lag_count_max + 1);
  const RedisReply reply =
      connection.idempotent_command({"XRANGE", stream, start, "+", "COUNT", count});
  if (reply->type != REDIS_REPLY_ARRAY) {
    throw std::runtime_error(fmt::format("XRANGE {}: unexpected reply shape", stream));
  }
  LMX_ASSERT(reply->elements <= redis_lag_count_max + 1);
  if (reply->elements > redis_lag_count_max) return LogLag{redis_lag_count_max, true};
  return LogLag{reply->elements, false};
}

const redisReply* xread_entries(const redisReply& reply, std::string_view stream, Position after,
                                std::size_t count_max) {
  if (reply.type == REDIS_REPLY_NIL) return nullptr;
  // [[stream, [[id, [field, value, ...]], ...]]]
  const bool shaped = reply.type == REDIS_REPLY_ARRAY && reply.elements == 1 &&
                      reply.element[0]->type == REDIS_REPLY_ARRAY &&
                      reply.element[0]->elements == 2 &&
                      reply.element[0]->element[1]->type == REDIS_REPLY_ARRAY;
  if (!shaped) throw std::runtime_error(fmt::format("XREAD {}: unexpected reply shape", stream));
  const redisReply* entries = reply.element[0]->element[1];
  if (entries->elements > count_max) {
    throw std::runtime_error(
        fmt::format("XREAD {}: {} entries, more than COUNT allows", stream, entries->elements));
  }
  Position last = after;
  for (std::size_t i = 0; i < entries->elements; ++i) {
    const redisReply* entry = entries->element[i];
    const bool ok = entry->type == REDIS_REPLY_ARRAY && entry->elements == 2;
    const Decoded<Position> position = ok ? parse_redis_id(text_of(entry->element[0]))
                                          : Decoded<Position>::failure("not [id, fields]");
    if (!position || *position <= last) {
      throw std::runtime_error(fmt::format("XREAD {} after {}: entry {} has a bad or older id",
                                           stream, redis_id(after), i));
    }
    last = *position;
  }
  return entries;
}

Position xread_entry_id(const redisReply& entry) noexcept {
  return *parse_redis_id(text_of(entry.element[0]));  // checked by xread_entries()
}

void xread_entry_fields(const redisReply& entry, std::vector<EntryField>& fields) {
  fields.clear();
  const redisReply* values = entry.element[1];
  if (values->type != REDIS_REPLY_ARRAY) return;
  for (std::size_t i = 0; i + 1 < values->elements; i += 2) {
    fields.push_back({text_of(values->element[i]), text_of(values->element[i + 1])});
  }
}

Position stream_end(RedisConnection& connection, std::string_view stream) {
  const RedisReply reply = newest_entry(connection, stream);
  if (reply->elements == 0) return Position{};
  const auto position = parse_redis_id(reply_text(*reply->element[0]->element[0]));
  if (!position) throw std::runtime_error(fmt::format("XREVRANGE {}: bad entry id", stream));
  return *position;
}

bool stream_holds(RedisConnection& connection, std::string_view stream, Position position) {
  const std::string id = redis_id(position);
  const RedisReply reply = connection.idempotent_command({"XRANGE", stream, id, id});
  if (reply->type != REDIS_REPLY_ARRAY) {
    throw std::runtime_error(fmt::format("XRANGE {}: unexpected reply shape", stream));
  }
  return reply->elements == 1;
}

RedisReply newest_entry(RedisConnection& connection, std::string_view stream) {
  RedisReply reply = connection.idempotent_command({"XREVRANGE", stream, "+", "-", "COUNT", "1"});
  const redisReply* entry =
      reply->type == REDIS_REPLY_ARRAY && reply->elements == 1 ? reply->element[0] : nullptr;
  const bool empty = reply->type == REDIS_REPLY_ARRAY && reply->elements == 0;
  const bool shaped = entry != nullptr && entry->type == REDIS_REPLY_ARRAY &&
                      entry->elements == 2 && entry->element[0]->type == REDIS_REPLY_STRING &&
                      entry->element[1]->type == REDIS_REPLY_ARRAY;
  if (!empty && !shaped) {
    throw std::runtime_error(fmt::format("XREVRANGE {}: unexpected reply shape", stream));
  }
  return reply;
}

}  // namespace lmx
