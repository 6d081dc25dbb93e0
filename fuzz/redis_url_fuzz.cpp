// Fuzzes the parser of Redis URLs (`--log`, LMX_LOG). A URL that parses names a host and a
// port, and its printed form (what lmx logs) parses to the same place.

#include <cstddef>
#include <cstdint>

#include "backend/redis/redis_url.hpp"
#include "fuzz_input.hpp"
#include "lmx/assert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const lmx::Decoded<lmx::RedisUrl> url = lmx::RedisUrl::parse(lmx::fuzz::bytes_of(data, size));
  if (!url) return 0;
  LMX_ASSERT(!url->host.empty());
  LMX_ASSERT(url->port != 0);
  const lmx::Decoded<lmx::RedisUrl> printed = lmx::RedisUrl::parse(url->to_string());
  LMX_ASSERT(printed.ok());
  LMX_ASSERT(printed->host == url->host);
  LMX_ASSERT(printed->port == url->port);
  LMX_ASSERT(printed->db == url->db);
  LMX_ASSERT(printed->stream == url->stream);
  return 0;
}
