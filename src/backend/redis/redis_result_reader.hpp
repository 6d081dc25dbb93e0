#pragma once
// Follows `<stream>:results` (written by RedisResultWriter) with `XREAD BLOCK`, from the
// newest result when opened, strictly after the last entry received: a lost connection is
// reconnected (with the connection's backoff) and reading resumes where it stopped.

#include <span>
#include <string>

#include "backend/redis/redis_connection.hpp"
#include "backend/redis/redis_url.hpp"
#include "format/seed_codec.hpp"
#include "lmx/core/decoded.hpp"
#include "lmx/core/result_reader.hpp"

namespace lmx {

class RedisResultReader final : public ResultReader {
 public:
  // Connects at once; throws if Redis cannot be reached or refuses the credentials.
  explicit RedisResultReader(const RedisUrl& url, RedisRetryPolicy retry = {});

  [[nodiscard]] std::size_t fetch(std::vector<Result>& out,
                                  std::chrono::milliseconds timeout) override;

 private:
  RedisConnection connection_;
  std::string stream_;
  Position last_;                   // id of the last results entry received
  std::vector<EntryField> fields_;  // of the entry being decoded
};

}  // namespace lmx
