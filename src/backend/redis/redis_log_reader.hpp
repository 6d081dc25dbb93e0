#pragma once
// Reads the event log from a Redis Stream with `XREAD BLOCK <ms> COUNT <n> STREAMS <stream>
// <last id>`, always strictly after the last entry id received, never from a clock or a
// guess: an entry written later in the same millisecond as the last one read is still
// read. Nothing is deleted from the stream but by `lmx trim` (redis_trim.hpp).
//
// One XREAD is always in flight: as soon as a reply arrives, the next request (from that
// reply's last id) is sent, so Redis gathers the next batch while the caller decodes this
// one. Memory stays bounded by two replies of at most redis_read_count_max entries. The
// request in flight carries the COUNT and BLOCK of the fetch() that sent it, so a fetch()
// may wait up to the previous call's timeout (never more than redis_block_ms_max), and a
// batch larger than count_max is handed out over several calls. A zero timeout sends no
// BLOCK; as the reply in flight then describes the stream when it was sent, an empty one
// is followed by one more request before fetch() reports the end.
//
// A lost connection is logged and reconnected with backoff; reading resumes after the last
// entry received, so one reader yields every entry once, in order, without gaps. A reader
// opened before entries the stream has deleted (trimmed) refuses to start rather than skip
// them (refuse_trimmed_after).

#include <optional>
#include <string>
#include <vector>

#include "backend/redis/redis_connection.hpp"
#include "backend/redis/redis_entry.hpp"
#include "backend/redis/redis_url.hpp"
#include "lmx/core/log_reader.hpp"

namespace lmx {

class RedisLogReader final : public LogReader {
 public:
  // Reads url.stream strictly after `after` (the zero position: from the first entry).
  // Connects at once; throws if Redis cannot be reached or refuses the credentials.
  RedisLogReader(const RedisUrl& url, Position after, RedisRetryPolicy retry = {});

  [[nodiscard]] std::size_t fetch(std::size_t count_max,
                                  std::chrono::milliseconds timeout) override;
  void decode(std::size_t index, Event& event) override;
  [[nodiscard]] Position end_position() override;
  // Counts the entries after `position` (stream_lag_after), on a second connection.
  [[nodiscard]] LogLag lag_after(Position position) override;

  // Why the last entry decode() made malformed was malformed (empty if none was).
  [[nodiscard]] std::string_view last_error() const noexcept { return last_error_; }

 private:
  void send_read();
  bool receive();
  void take_reply(RedisReply reply);
  void check_still_holds_last_read();
  void release_reply() noexcept;

  RedisConnection connection_;
  std::optional<RedisConnection> control_;  // end_position(): the main one is mid-XREAD
  std::string stream_;
  Position next_after_;  // the id the next XREAD reads after: the last received
  bool read_in_flight_ = false;
  std::uint32_t block_ms_ = redis_block_ms_max;
  std::size_t count_ = redis_read_count_max;

  RedisReply reply_;                     // the entries being handed out
  const redisReply* entries_ = nullptr;  // its entries array (nullptr: none)
  std::vector<Position> positions_;      // of each entry of reply_
  std::size_t handed_out_ = 0;           // entries of reply_ returned by fetch() so far
  std::size_t batch_first_ = 0;          // index in reply_ of the current batch's first
  std::size_t batch_count_ = 0;

  std::vector<EntryField> fields_;  // reused by decode()
  EntryDecoder entry_decoder_;
  std::string id_text_;
  std::string count_text_;
  std::string block_text_;
  std::string_view last_error_;
};

// "ms-seq", the form Redis wants: Position::to_string(), named for the call sites that
// build Redis commands.
[[nodiscard]] std::string redis_id(Position position);

// XREVRANGE <stream> + - COUNT 1: an empty array, or one entry [id, [field, value, ...]]
// (the shape is checked). Retried once after a reconnection: it only reads.
[[nodiscard]] RedisReply newest_entry(RedisConnection& connection, std::string_view stream);

// The id of the newest entry of `stream` (zero when it is empty or missing).
[[nodiscard]] Position stream_end(RedisConnection& connection, std::string_view stream);

// Whether `stream` has an entry with the id `position` (XRANGE id id): a stream never gives
// an id twice, so the id alone names the entry.
[[nodiscard]] bool stream_holds(RedisConnection& connection, std::string_view stream,
                                Position position);

// How many entries `stream` holds after `position`, counted with one
// `XRANGE <next id> + COUNT redis_lag_count_max + 1`: exact up to redis_lag_count_max,
// "at least" beyond. Counted because nothing cheaper is exact: ids are not dense (ms-seq
// skips), Redis has no rank query for an id, and XINFO STREAM's entries-added counts from
// the stream's first entry, not from a position (Redis itself reports a consumer group's
// lag as unknown after an arbitrary id). Costs O(log N + counted) on the server.
[[nodiscard]] LogLag stream_lag_after(RedisConnection& connection, std::string_view stream,
                                      Position position);

// The entries of a reply to `XREAD ... STREAMS <stream> <id>`: nullptr when the reply is
// nil (its BLOCK ran out), else an array of at most `count_max` entries, each [id, fields]
// with an id after `after`, in order (checked: anything else would mean a gap or a
// duplicate downstream). Throws std::runtime_error naming the stream when it is not.
[[nodiscard]] const redisReply* xread_entries(const redisReply& reply, std::string_view stream,
                                              Position after, std::size_t count_max);

// The id of an entry xread_entries() returned, and its field/value pairs.
[[nodiscard]] Position xread_entry_id(const redisReply& entry) noexcept;
void xread_entry_fields(const redisReply& entry, std::vector<EntryField>& fields);

// Parses a Redis entry id; refused unless it is "ms-seq".
[[nodiscard]] Decoded<Position> parse_redis_id(std::string_view text) noexcept;

}  // namespace lmx
