#include <stdexcept>
#include <string_view>

#include "backend/file/file_backend.hpp"
#include "backend/redis/redis_backend.hpp"
#include "lmx/core/backend.hpp"

namespace lmx {

std::unique_ptr<Backend> open_backend(const std::string& url, const BackendOptions& options) {
  constexpr std::string_view file_scheme = "file:";
  if (url.starts_with(file_scheme) && url.size() > file_scheme.size()) {
    return open_file_backend(url.substr(file_scheme.size()), options);
  }
  if (url.starts_with("redis://")) {
    Decoded<RedisUrl> redis = RedisUrl::parse(url);
    if (!redis) throw std::invalid_argument(std::string("log: bad Redis URL: ") + redis.error());
    return open_redis_backend(std::move(redis).value(), options);
  }
  throw std::invalid_argument("log '" + url +
                              "' is not one of file:DIR or "
                              "redis://[user:password@]host:port[/db][?stream=NAME]");
}

}  // namespace lmx
