#pragma once
// Trimming a Redis Stream log: `XTRIM <stream> MINID <keep_from>` removes the entries with
// ids below `keep_from` and keeps the one at it. Results go by the entry they answer, not
// by their own ids (a result is added after its entry, under an id of its own): the
// results stream is read from its start, in pages, up to the first result whose `pos` is
// at or after `keep_from`, and trimmed with XTRIM MINID at that result's id. The newest
// result always stays, since a restarting engine resumes after it.
//
// XTRIM is atomic per stream and both are trimmed apart, events first: a crash between
// them leaves results that answer removed entries, harmless, and removed by the next trim.
// XTRIM MINID needs Redis 6.2 or later.

#include <optional>
#include <string>

#include "backend/redis/redis_connection.hpp"
#include "backend/redis/redis_url.hpp"
#include "lmx/core/log_trimmer.hpp"

namespace lmx {

// Throws std::runtime_error when `stream` was trimmed past `after`: it starts after it,
// and entries were deleted, so reading after `after` would skip them. Told by XINFO
// STREAM's entries-added and recorded-first-entry-id (Redis 7.0 or later; older servers
// do not say, and are not checked).
void refuse_trimmed_after(RedisConnection& connection, const std::string& stream, Position after);

class RedisLogTrimmer final : public LogTrimmer {
 public:
  // Trims url.stream and <url.stream>:results. Connects at once; throws if Redis cannot
  // be reached.
  explicit RedisLogTrimmer(const RedisUrl& url, RedisRetryPolicy retry = {});

  TrimReport trim(Position keep_from) override;

 private:
  [[nodiscard]] TrimmedLog trim_below(const std::string& stream, Position min_id);
  [[nodiscard]] std::optional<Position> first_result_kept(Position keep_from);
  [[nodiscard]] Position stream_start(const std::string& stream);

  RedisConnection connection_;
  std::string stream_;
  std::string results_;
};

}  // namespace lmx
