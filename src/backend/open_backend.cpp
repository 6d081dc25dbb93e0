#include "lmx/core/backend.hpp"

#include <stdexcept>
#include <string_view>

#include "backend/file/file_backend.hpp"
#include "backend/redis/redis_backend.hpp"

namespace lmx {

std::unique_ptr<Backend> open_backend(const std::string& url, const BackendOptions& options) {
  constexpr std::string_view file_scheme = "file:";
  if (url.starts_with(file_scheme) && url.size() > file_scheme.size()) {
    return open_file_backend(url.substr(file_scheme.size()), options);
  }
  if (url.starts_with("redis://")) {
    std::string error;
    std::optional<RedisUrl> redis = RedisUrl::parse(url, error);
    if (!redis) throw std::invalid_argument("log redis URL: " + error);
    return open_redis_backend(std::move(*redis), options);
  }
  throw std::invalid_argument("log '" + url +
                              "' is not one of file:DIR or "
                              "redis://[user:password@]host:port[/db][?stream=NAME]");
}

}  // namespace lmx
