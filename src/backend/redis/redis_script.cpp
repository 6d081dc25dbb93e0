#include "backend/redis/redis_script.hpp"

namespace lmx {

RedisReply RedisScript::run(RedisConnection& connection, std::span<const std::string_view> keys,
                            std::span<const std::string_view> args) {
  for (int attempt = 0;; ++attempt) {
    if (sha_.empty()) {
      const RedisReply loaded = connection.command({"SCRIPT", "LOAD", text_});
      sha_ = std::string(reply_text(*loaded));
    }
    const std::string count = std::to_string(keys.size());
    argv_.assign({"EVALSHA", sha_, count});
    argv_.insert(argv_.end(), keys.begin(), keys.end());
    argv_.insert(argv_.end(), args.begin(), args.end());
    connection.append(argv_);
    RedisReply reply = connection.reply_or_error();
    // The server forgot its scripts (a restart): load it again, once.
    if (attempt == 0 && reply->type == REDIS_REPLY_ERROR &&
        reply_text(*reply).starts_with("NOSCRIPT")) {
      sha_.clear();
      continue;
    }
    return reply;
  }
}

}  // namespace lmx
