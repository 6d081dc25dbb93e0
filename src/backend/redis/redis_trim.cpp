#include "backend/redis/redis_trim.hpp"

#include <fmt/format.h>

#include <cassert>
#include <stdexcept>

#include "backend/redis/redis_log_reader.hpp"
#include "backend/redis/redis_result_entry.hpp"
#include "lmx/constants.hpp"

namespace lmx {
namespace {

// The entries of an XRANGE reply, its shape checked: [[id, [field, value, ...]], ...].
const redisReply& checked_entries(const RedisReply& reply, const std::string& stream) {
  bool shaped = reply->type == REDIS_REPLY_ARRAY;
  for (std::size_t i = 0; shaped && i < reply->elements; ++i) {
    const redisReply* entry = reply->element[i];
    shaped = entry->type == REDIS_REPLY_ARRAY && entry->elements == 2 &&
             entry->element[0]->type == REDIS_REPLY_STRING &&
             entry->element[1]->type == REDIS_REPLY_ARRAY;
  }
  if (!shaped) throw std::runtime_error(fmt::format("XRANGE {}: unexpected reply shape", stream));
  return *reply;
}

Position entry_id(const redisReply& entry, const std::string& stream) {
  const Decoded<Position> id = parse_redis_id(reply_text(*entry.element[0]));
  if (!id) throw std::runtime_error(fmt::format("XRANGE {}: bad entry id", stream));
  return *id;
}

}  // namespace

void refuse_trimmed_after(RedisConnection& connection, const std::string& stream, Position after) {
  const RedisReply reply = connection.idempotent_command_or_error({"XINFO", "STREAM", stream});
  if (reply->type != REDIS_REPLY_ARRAY) return;  // no stream yet: nothing was deleted
  long long length = 0;
  long long added = 0;
  Position first;
  for (std::size_t i = 0; i + 1 < reply->elements; i += 2) {
    const std::string_view name = reply_text(*reply->element[i]);
    const redisReply& value = *reply->element[i + 1];
    if (name == "length") length = value.integer;
    if (name == "entries-added") added = value.integer;
    if (name == "recorded-first-entry-id") {
      const Decoded<Position> id = parse_redis_id(reply_text(value));
      if (id) first = *id;
    }
  }
  // Fewer entries than were ever added: some were deleted. Those before the first one
  // (a trim) are wanted by a reader that starts before it.
  if (length >= added || !(after < first)) return;
  throw std::runtime_error(fmt::format(
      "{} starts at {}: entries before it were deleted (lmx trim, XTRIM or XDEL), and reading "
      "after {} needs them; start from a snapshot at or after {} (lmx trim keeps the stream "
      "from the oldest snapshot on)",
      stream, redis_id(first), redis_id(after), redis_id(first)));
}

RedisLogTrimmer::RedisLogTrimmer(const RedisUrl& url, RedisRetryPolicy retry)
    : connection_(url, std::move(retry)), stream_(url.stream), results_(url.stream + ":results") {}

TrimReport RedisLogTrimmer::trim(Position keep_from) {
  if (keep_from.is_zero()) throw std::invalid_argument("no position to trim the log to");
  TrimReport report{
      .keep_from = keep_from, .events = trim_below(stream_, keep_from), .results = {}};
  const std::optional<Position> first_result = first_result_kept(keep_from);
  if (first_result) {
    report.results = trim_below(results_, *first_result);
  } else {
    report.results.start = stream_start(results_);
  }
  return report;
}

// XTRIM removes nothing more when sent again, so a lost reply is simply retried.
TrimmedLog RedisLogTrimmer::trim_below(const std::string& stream, Position min_id) {
  const std::string id = redis_id(min_id);
  const RedisReply reply = connection_.idempotent_command({"XTRIM", stream, "MINID", id});
  if (reply->type != REDIS_REPLY_INTEGER || reply->integer < 0) {
    throw std::runtime_error(fmt::format("XTRIM {}: unexpected reply", stream));
  }
  TrimmedLog trimmed;
  trimmed.entry_count = static_cast<std::uint64_t>(reply->integer);
  trimmed.start = stream_start(stream);
  assert(trimmed.start.is_zero() || !(trimmed.start < min_id));
  return trimmed;
}

// The id of the oldest results entry to keep: the first whose `pos` (a packed entry's `last`)
// is at or after `keep_from`,
// or one without a `pos` (what it answers is unknown, so it stays), or else the newest.
// Nullopt when the results stream is empty.
std::optional<Position> RedisLogTrimmer::first_result_kept(Position keep_from) {
  const std::string count = std::to_string(redis_read_count_max);
  std::string start = "-";
  std::optional<Position> newest;
  for (;;) {
    const RedisReply reply =
        connection_.idempotent_command({"XRANGE", results_, start, "+", "COUNT", count});
    const redisReply& entries = checked_entries(reply, results_);
    for (std::size_t i = 0; i < entries.elements; ++i) {
      const redisReply& entry = *entries.element[i];
      newest = entry_id(entry, results_);
      const std::optional<Position> answered = answered_position(entry);
      if (!answered || !(*answered < keep_from)) return newest;
    }
    if (entries.elements < redis_read_count_max) return newest;
    start = fmt::format("({}", redis_id(*newest));  // exclusive: after the last one read
  }
}

Position RedisLogTrimmer::stream_start(const std::string& stream) {
  const RedisReply reply =
      connection_.idempotent_command({"XRANGE", stream, "-", "+", "COUNT", "1"});
  const redisReply& entries = checked_entries(reply, stream);
  return entries.elements == 0 ? Position{} : entry_id(*entries.element[0], stream);
}

}  // namespace lmx
