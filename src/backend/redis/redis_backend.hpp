#pragma once
// The Redis backend: entries in <stream>, results in <stream>:results, snapshots in
// <stream>:snapshot:* keys (or in a directory).

#include <memory>

#include "backend/redis/redis_url.hpp"
#include "lmx/core/backend.hpp"

namespace lmx {

[[nodiscard]] std::unique_ptr<Backend> open_redis_backend(RedisUrl url,
                                                          const BackendOptions& options);

}  // namespace lmx
