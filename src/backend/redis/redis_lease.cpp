#include "backend/redis/redis_lease.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <utility>

namespace lmx {
namespace {

// How long the engines' digests at one position are kept for comparing: a standby that
// lags by more than that compares nothing there.
constexpr std::string_view digest_keep_ms = "600000";

// KEYS: lease, epoch. ARGV: owner, ttl ms. Returns the new epoch, or 0 when held.
constexpr std::string_view acquire_script = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local epoch = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], epoch .. ' ' .. ARGV[1], 'PX', ARGV[2])
return epoch
)lua";

// KEYS: lease, epoch. ARGV: epoch, owner, ttl ms. 1 when renewed, 0 when the epoch is over.
constexpr std::string_view renew_script = R"lua(
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2], 'PX', ARGV[3])
return 1
)lua";

// KEYS: lease. ARGV: epoch, owner. Deletes the lease only while it is this engine's.
constexpr std::string_view release_script = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] .. ' ' .. ARGV[2] then redis.call('DEL', KEYS[1]) end
return 1
)lua";

// KEYS: lease, epoch. Returns {lease value or false, its PTTL, the epoch or false}.
constexpr std::string_view holder_script = R"lua(
return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1]), redis.call('GET', KEYS[2])}
)lua";

std::uint64_t parse_epoch(std::string_view text, std::string_view key) {
  std::uint64_t epoch = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), epoch);
  if (error != std::errc{} || end != text.data() + text.size()) {
    throw std::runtime_error(fmt::format("{} holds '{}', not an epoch", key, text));
  }
  return epoch;
}

std::int64_t integer_reply(const redisReply& reply, std::string_view what) {
  if (reply.type != REDIS_REPLY_INTEGER) {
    throw std::runtime_error(fmt::format("{}: unexpected reply", what));
  }
  return reply.integer;
}

}  // namespace

const std::string_view fenced_results_script = R"lua(
local epoch = redis.call('GET', KEYS[1])
if epoch ~= ARGV[1] then
  return redis.error_reply('FENCED epoch ' .. ARGV[1] .. ' is over: the stream is at epoch ' ..
                           tostring(epoch))
end
local i = 2
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  redis.call('XADD', KEYS[2], '*', unpack(ARGV, i + 1, i + n))
  i = i + n + 1
end
return 1
)lua";

bool is_fenced_reply(const redisReply& reply) noexcept {
  return reply.type == REDIS_REPLY_ERROR && reply_text(reply).starts_with("FENCED");
}

std::string lease_key(std::string_view stream) {
  return fmt::format("{}:lease", stream);
}
std::string epoch_key(std::string_view stream) {
  return fmt::format("{}:epoch", stream);
}

RedisLease::RedisLease(const RedisUrl& url, std::string owner, std::chrono::milliseconds ttl,
                       RedisRetryPolicy retry)
    : connection_(url, std::move(retry)),
      stream_(url.stream),
      lease_key_(lease_key(url.stream)),
      epoch_key_(epoch_key(url.stream)),
      owner_(std::move(owner)),
      engine_key_(fmt::format("{}:engine:{}", url.stream, owner_)),
      ttl_(ttl),
      ttl_text_(std::to_string(ttl.count())),
      acquire_(acquire_script),
      renew_(renew_script),
      release_(release_script),
      holder_(holder_script) {
  if (ttl <= std::chrono::milliseconds{0}) throw std::invalid_argument("lease ttl must be > 0");
}

// Every lease step only reads or sets keys to values of its own, so after a lost connection
// it is sent again on a new one: taking the lease twice is refused by its own first run.
RedisReply RedisLease::run(RedisScript& script, std::initializer_list<std::string_view> args) {
  const std::array<std::string_view, 2> keys{lease_key_, epoch_key_};
  for (;;) {
    try {
      if (connection_.broken()) connection_.reconnect();
      RedisReply reply = script.run(connection_, keys, std::span(args.begin(), args.size()));
      if (reply->type == REDIS_REPLY_ERROR) {
        throw std::runtime_error(fmt::format("{}: lease of {} refused: {}",
                                             connection_.url().to_string(), lease_key_,
                                             reply_text(*reply)));
      }
      return reply;
    } catch (const RedisConnectionError&) {
      connection_.reconnect();  // throws when the server stays unreachable
    }
  }
}

std::optional<std::uint64_t> RedisLease::try_acquire() {
  const RedisReply reply = run(acquire_, {owner_, ttl_text_});
  const std::int64_t epoch = integer_reply(*reply, lease_key_);
  if (epoch == 0) return std::nullopt;
  return static_cast<std::uint64_t>(epoch);
}

bool RedisLease::renew(std::uint64_t epoch) {
  const RedisReply reply = run(renew_, {std::to_string(epoch), owner_, ttl_text_});
  return integer_reply(*reply, lease_key_) == 1;
}

void RedisLease::release(std::uint64_t epoch) {
  (void)run(release_, {std::to_string(epoch), owner_});
}

std::optional<LeaseHolder> RedisLease::holder() {
  const RedisReply reply = run(holder_, {});
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 2) {
    throw std::runtime_error(fmt::format("{}: unexpected reply", lease_key_));
  }
  if (reply->element[0]->type != REDIS_REPLY_STRING) return std::nullopt;
  const std::string_view value = reply_text(*reply->element[0]);
  const std::size_t space = value.find(' ');
  if (space == std::string_view::npos) {
    throw std::runtime_error(
        fmt::format("{} holds '{}', not '<epoch> <owner>'", lease_key_, value));
  }
  return LeaseHolder{
      .epoch = parse_epoch(value.substr(0, space), lease_key_),
      .owner = std::string(value.substr(space + 1)),
      .expires_in = std::chrono::milliseconds(integer_reply(*reply->element[1], lease_key_))};
}

// Announcing and publishing a digest set keys to values of their own: sent again after a
// lost connection, like the reads, so that a blip of the server ends neither.
void RedisLease::announce(std::string_view status) {
  const std::string ttl = std::to_string(3 * ttl_.count());
  (void)connection_.idempotent_command({"SET", engine_key_, status, "PX", ttl});
}

// The statuses are found by SCAN over the keys beside the stream (on a cluster, the node of
// the stream's slot holds them all). Glob characters in the stream's name are escaped.
std::vector<std::string> RedisLease::announcements() {
  std::string pattern;
  for (const char c : stream_) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += ":engine:*";
  std::vector<std::string> statuses;
  std::string cursor = "0";
  do {
    const RedisReply reply =
        connection_.idempotent_command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
      throw std::runtime_error(fmt::format("SCAN {}: unexpected reply", pattern));
    }
    cursor = std::string(reply_text(*reply->element[0]));
    const redisReply& keys = *reply->element[1];
    for (std::size_t i = 0; i < keys.elements; ++i) {
      const RedisReply value =
          connection_.idempotent_command({"GET", reply_text(*keys.element[i])});
      if (value->type == REDIS_REPLY_STRING) statuses.emplace_back(reply_text(*value));
    }
  } while (cursor != "0");
  std::sort(statuses.begin(), statuses.end());
  return statuses;
}

void RedisLease::publish_digest(Position position, std::uint64_t digest) {
  const std::string key = fmt::format("{}:digest:{}", stream_, position.to_string());
  (void)connection_.idempotent_command({"HSET", key, owner_, fmt::format("{:016x}", digest)});
  (void)connection_.idempotent_command({"PEXPIRE", key, digest_keep_ms});
}

std::vector<std::pair<std::string, std::uint64_t>> RedisLease::digests(Position position) {
  const std::string key = fmt::format("{}:digest:{}", stream_, position.to_string());
  const RedisReply reply = connection_.idempotent_command({"HGETALL", key});
  std::vector<std::pair<std::string, std::uint64_t>> digests;
  for (std::size_t i = 0; i + 1 < reply->elements; i += 2) {
    const std::string_view text = reply_text(*reply->element[i + 1]);
    std::uint64_t digest = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), digest, 16);
    if (error != std::errc{} || end != text.data() + text.size()) {
      throw std::runtime_error(fmt::format("{} holds '{}', not a digest", key, text));
    }
    digests.emplace_back(reply_text(*reply->element[i]), digest);
  }
  return digests;
}

std::uint64_t RedisLease::current_epoch() {
  const RedisReply reply = run(holder_, {});
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 3 ||
      reply->element[2]->type != REDIS_REPLY_STRING) {
    return 0;
  }
  return parse_epoch(reply_text(*reply->element[2]), epoch_key_);
}

}  // namespace lmx
