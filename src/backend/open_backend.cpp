#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string_view>

#include "backend/file/file_backend.hpp"
#include "backend/redis/redis_backend.hpp"
#include "lmx/constants.hpp"
#include "lmx/core/backend.hpp"

namespace lmx {
namespace {

// A log URL may hold a password, so a URL that did not parse is never echoed: the message
// names its scheme at most, when that is a short plain word.
std::string unknown_log_url(std::string_view url) {
  const std::size_t colon = url.find(':');
  const std::string_view scheme = url.substr(0, colon == std::string_view::npos ? 0 : colon);
  const bool plain = !scheme.empty() && scheme.size() <= 16 &&
                     std::all_of(scheme.begin(), scheme.end(), [](char c) {
                       return std::isalnum(static_cast<unsigned char>(c));
                     });
  return fmt::format(
      "the log URL{} is not one of file:DIR or "
      "redis://[user:password@]host:port[/db][?stream=NAME] (it is not shown, as it may hold "
      "a password; LMX_LOG keeps a password out of `ps`)",
      plain ? fmt::format(" (scheme '{}')", scheme) : "");
}

// --partition KEY: stream S becomes {KEY}:S. The key is the hash tag, so it may hold
// neither brace.
std::string partition_stream(std::string_view partition, std::string_view stream) {
  if (partition.size() > partition_key_size_max ||
      partition.find_first_of("{}") != std::string_view::npos) {
    throw std::invalid_argument(
        fmt::format("partition '{}': use 1 to {} bytes without '{{' or '}}' (e.g. shop-7)",
                    partition.substr(0, partition_key_size_max), partition_key_size_max));
  }
  return fmt::format("{{{}}}:{}", partition, stream);
}

}  // namespace

std::unique_ptr<Backend> open_backend(const std::string& url, const BackendOptions& options) {
  constexpr std::string_view file_scheme = "file:";
  if (url.starts_with(file_scheme) && url.size() > file_scheme.size()) {
    if (!options.partition.empty()) {
      throw std::invalid_argument(fmt::format(
          "--partition {} needs a Redis log: a file: log is one partition already (give each "
          "partition its own directory, e.g. file:./data-{})",
          options.partition, options.partition));
    }
    if (options.results_layout != ResultsLayout::per_result) {
      throw std::invalid_argument(
          "--results-layout packed needs a Redis log: the file backend's results journal "
          "already stores results as compact binary records");
    }
    return open_file_backend(url.substr(file_scheme.size()), options);
  }
  if (url.starts_with("redis://")) {
    Decoded<RedisUrl> redis = RedisUrl::parse(url);
    if (!redis) throw std::invalid_argument(std::string("log: bad Redis URL: ") + redis.error());
    RedisUrl redis_url = std::move(redis).value();
    if (!options.partition.empty()) {
      redis_url.stream = partition_stream(options.partition, redis_url.stream);
    }
    return open_redis_backend(std::move(redis_url), options);
  }
  throw std::invalid_argument(unknown_log_url(url));
}

}  // namespace lmx
