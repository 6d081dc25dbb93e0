#include "backend/redis/redis_snapshot_store.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <random>
#include <stdexcept>

#include "backend/redis/redis_lease.hpp"
#include "backend/redis/redis_log_reader.hpp"
#include "format/snapshot_codec.hpp"
#include "lmx/assert.hpp"

namespace lmx {

namespace {

// Runs the commands queued after a MULTI as one transaction, in one round trip. Every
// reply is read before an error is thrown, so the connection stays in step; the error
// names the command that failed and its key.
void exec_transaction(RedisConnection& connection, std::size_t queued, std::string_view what) {
  connection.append({"EXEC"});
  std::string error;
  std::vector<std::string> commands;  // the queued ones, to name one that EXEC says failed
  RedisReply exec;
  for (std::size_t i = 0; i < queued + 2; ++i) {  // MULTI, each QUEUED, then EXEC
    RedisReply reply = connection.reply_or_error();
    if (reply->type == REDIS_REPLY_ERROR && error.empty()) {
      error = fmt::format("{} refused: {}", connection.replied_command(), reply_text(*reply));
    }
    if (i > 0 && i <= queued) commands.push_back(connection.replied_command());
    if (i == queued + 1) exec = std::move(reply);
  }
  assert(exec);  // the loop ran queued + 2 >= 2 times
  assert(commands.size() == queued);
  const bool ran = exec && exec->type == REDIS_REPLY_ARRAY && exec->elements == queued;
  if (error.empty() && !ran) error = "the transaction was aborted";
  for (std::size_t i = 0; error.empty() && i < queued; ++i) {
    if (exec->element[i]->type == REDIS_REPLY_ERROR) {
      error = fmt::format("{} refused: {}", commands[i], reply_text(*exec->element[i]));
    }
  }
  if (!error.empty()) {
    throw std::runtime_error(
        fmt::format("{}: {} failed: {}", connection.url().to_string(), what, error));
  }
}

bool is_wrong_type(const redisReply& reply) noexcept {
  return reply.type == REDIS_REPLY_ERROR && reply_text(reply).starts_with("WRONGTYPE");
}

// Puts a staged snapshot in place: KEYS staging key, snapshot key, index, epoch key; ARGV
// the snapshot's size, and the writer's epoch ("" when unfenced). Atomic, so that the
// snapshot is renamed and indexed only if the epoch is still the writer's, the index is a
// sorted set (or absent) and the staging key holds every byte sent; otherwise nothing is
// written and the staging key is dropped.
constexpr std::string_view commit_script = R"lua(
local function refuse(message)
  redis.call('DEL', KEYS[1])
  return redis.error_reply(message)
end
if ARGV[2] ~= '' then
  local epoch = redis.call('GET', KEYS[4])
  if epoch ~= ARGV[2] then
    return refuse('FENCED epoch ' .. ARGV[2] .. ' is over: the stream is at epoch ' ..
                  tostring(epoch))
  end
end
local index_type = redis.call('TYPE', KEYS[3])['ok']
if index_type ~= 'zset' and index_type ~= 'none' then
  return refuse('ZADD ' .. KEYS[3] .. ' refused: WRONGTYPE it holds a ' .. index_type ..
                ', not a sorted set')
end
local staged = redis.call('STRLEN', KEYS[1])
if staged ~= tonumber(ARGV[1]) then
  return refuse('staging key ' .. KEYS[1] .. ' holds ' .. staged .. ' bytes, not the ' ..
                ARGV[1] .. ' sent: it expired, was evicted or was written by another client')
end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('PERSIST', KEYS[2])
redis.call('ZADD', KEYS[3], 0, KEYS[2])
return 1
)lua";

// A staging key of this store's own (a random name): two engines saving the same position
// at once, the fenced one and the one that took over, never write into the same key.
std::string staging_key(std::string_view stream) {
  std::random_device random;
  const std::uint64_t token = (std::uint64_t{random()} << 32) | random();
  return fmt::format("{}:snapshot-staging:{:016x}", stream, token);
}

}  // namespace

RedisSnapshotStore::RedisSnapshotStore(const RedisUrl& url, std::size_t keep_count,
                                       RedisRetryPolicy retry, const Fence* fence)
    : connection_(url, std::move(retry)),
      stream_(url.stream),
      index_key_(url.stream + ":snapshots"),
      staging_key_(staging_key(url.stream)),
      keep_count_(keep_count),
      epoch_key_(epoch_key(url.stream)),
      fence_(fence),
      commit_(commit_script) {
  if (keep_count_ == 0) throw std::invalid_argument("snapshot keep count must be at least 1");
}

std::string RedisSnapshotStore::key(Position position) const {
  return fmt::format("{}:snapshot:{:020}-{:020}", stream_, position.major, position.minor);
}

// A connection found dead on use (the server restarted, or dropped it) is reconnected and
// the whole save sent again: the staging, and the commit of the same bytes under the same
// name, may run twice.
SavedSnapshot RedisSnapshotStore::save(const Snapshot& snapshot) {
  const std::string name = key(snapshot.position);
  for (;;) {
    try {
      if (connection_.broken()) connection_.reconnect();
      SnapshotEncoder encoder(snapshot);
      save_once(name, encoder);
      return {snapshot.position, encoder.digest(), encoder.size()};
    } catch (const RedisConnectionError& e) {
      spdlog::warn("saving snapshot {}: {}; reconnecting", name, e.what());
      connection_.reconnect();  // throws when the server stays unreachable
    }
  }
}

// A fenced writer asks for the stream's epoch before it sends anything: a standby (epoch 0)
// or an engine whose epoch is over is refused without uploading a snapshot. The commit
// script checks the epoch again, atomically with the rename.
void RedisSnapshotStore::save_once(const std::string& name, SnapshotEncoder& encoder) {
  const std::string epoch = fence_ != nullptr ? current_epoch(name) : std::string();
  stage(encoder);
  const std::array<std::string_view, 4> keys{staging_key_, name, index_key_, epoch_key_};
  const std::string size = std::to_string(encoder.size());
  const std::array<std::string_view, 2> args{size, epoch};
  const RedisReply reply = commit_.run(connection_, keys, args);
  if (is_fenced_reply(*reply)) {
    throw Fenced(fmt::format("snapshot {} refused: {}", name, reply_text(*reply)));
  }
  if (reply->type == REDIS_REPLY_ERROR) {
    throw std::runtime_error(fmt::format(
        "{}: {} failed: {}", connection_.url().to_string(),
        fence_ != nullptr ? "fenced snapshot save" : "snapshot save", reply_text(*reply)));
  }
  drop_oldest();
}

// The snapshot's bytes into the staging key, one piece in flight at a time. The first piece
// SETs the key with its TTL in one command, so that no staging key is ever left without
// one; each later APPEND answers the key's length so far, so a staging key that expired or
// that another client wrote meanwhile is caught here.
void RedisSnapshotStore::stage(SnapshotEncoder& encoder) {
  const std::string ttl = std::to_string(redis_snapshot_staging_ttl_ms);
  std::string piece;
  piece.reserve(snapshot_piece_bytes + 1024);
  for (std::size_t offset = 0; encoder.next(piece, snapshot_piece_bytes); piece.clear()) {
    if (offset == 0) {
      (void)connection_.command({"SET", staging_key_, piece, "PX", ttl});
    } else {
      const RedisReply length = connection_.command({"APPEND", staging_key_, piece});
      if (length->type != REDIS_REPLY_INTEGER ||
          static_cast<std::uint64_t>(length->integer) != offset + piece.size()) {
        // An APPEND to a key that expired made a new one, without a TTL: drop it.
        (void)connection_.command({"DEL", staging_key_});
        throw std::runtime_error(fmt::format(
            "{}: staging snapshot key {} holds {} bytes after appending bytes {} to {}: it "
            "expired or another client wrote it",
            connection_.url().to_string(), staging_key_, length->integer, offset,
            offset + piece.size()));
      }
    }
    offset += piece.size();
  }
}

// This engine's epoch, as the commit script is to check it, once the stream's epoch key
// says it is still current; throws lmx::Fenced otherwise.
std::string RedisSnapshotStore::current_epoch(const std::string& name) {
  const std::uint64_t epoch = fence_->epoch();
  if (epoch == 0) throw Fenced(fmt::format("snapshot {}: this engine holds no lease", name));
  std::string text = std::to_string(epoch);
  const RedisReply current = connection_.command({"GET", epoch_key_});
  if (current->type != REDIS_REPLY_STRING || reply_text(*current) != text) {
    throw Fenced(fmt::format("snapshot {} refused: epoch {} is over (the stream is at {})", name,
                             epoch,
                             current->type == REDIS_REPLY_STRING ? reply_text(*current) : "none"));
  }
  return text;
}

// The index is where every snapshot is found and every save recorded: of another type, the
// engine could neither recover from a snapshot nor save one, so it refuses to start and
// says what to do rather than replay and stop at its first snapshot.
std::vector<std::string> RedisSnapshotStore::list() {
  const RedisReply reply =
      connection_.idempotent_command_or_error({"ZRANGE", index_key_, "0", "-1"});
  if (reply->type == REDIS_REPLY_ERROR && is_wrong_type(*reply)) {
    throw std::runtime_error(fmt::format(
        "{}: the snapshot index {} holds a {}, not the sorted set of snapshot names lmx keeps "
        "there (ZRANGE refused: {}): lmx can neither find nor save snapshots of {}; move that "
        "key away (RENAME {} <another name>, or DEL it) and start lmx again: it replays {} "
        "from its start (docs/REDIS.md says how to index the {}:snapshot:* keys again instead)",
        connection_.url().to_string(), index_key_, key_type(index_key_), reply_text(*reply),
        stream_, index_key_, stream_, stream_));
  }
  if (reply->type == REDIS_REPLY_ERROR) {
    throw std::runtime_error(fmt::format("{}: {} refused: {}", connection_.url().to_string(),
                                         connection_.replied_command(), reply_text(*reply)));
  }
  if (reply->type != REDIS_REPLY_ARRAY) {
    throw std::runtime_error(fmt::format("ZRANGE {}: unexpected reply", index_key_));
  }
  std::vector<std::string> names;
  for (std::size_t i = reply->elements; i > 0; --i) {
    names.emplace_back(reply_text(*reply->element[i - 1]));
  }
  return names;
}

// For messages: "list", "hash", ... as TYPE names them.
std::string RedisSnapshotStore::key_type(const std::string& name) {
  const RedisReply reply = connection_.idempotent_command({"TYPE", name});
  return std::string(reply_text(*reply));
}

void RedisSnapshotStore::drop_oldest() {
  const std::vector<std::string> names = list();
  if (names.size() <= keep_count_) return;
  connection_.append({"MULTI"});
  std::size_t queued = 0;
  for (std::size_t i = keep_count_; i < names.size(); ++i) {
    connection_.append({"ZREM", index_key_, names[i]});
    connection_.append({"DEL", names[i]});
    queued += 2;
  }
  exec_transaction(connection_, queued, "dropping old snapshots");
}

std::optional<Snapshot> RedisSnapshotStore::load_newest(std::vector<std::string>& problems,
                                                        Position at_most) {
  for (const std::string& name : list()) {
    std::string problem;
    if (auto snapshot = load(name, problem)) {
      if (at_most < snapshot->position) {
        problems.push_back(fmt::format("{}: {}", name, after_limit(at_most)));
        continue;
      }
      return snapshot;
    }
    problems.push_back(fmt::format("{}: {}", name, problem));
  }
  return std::nullopt;
}

std::optional<Position> RedisSnapshotStore::oldest_valid(std::vector<std::string>& problems) {
  const std::vector<std::string> names = list();
  for (auto name = names.rbegin(); name != names.rend(); ++name) {
    std::string problem;
    if (const std::optional<Snapshot> snapshot = load(*name, problem)) return snapshot->position;
    problems.push_back(fmt::format("{}: {}", *name, problem));
  }
  return std::nullopt;
}

// A snapshot key another client overwrote with a list or a hash is skipped like a damaged
// snapshot file: the snapshot is derived data, and an older one or the log rebuilds it.
std::optional<Snapshot> RedisSnapshotStore::load(const std::string& name, std::string& problem) {
  const RedisReply reply = connection_.idempotent_command_or_error({"GET", name});
  if (reply->type == REDIS_REPLY_ERROR) {
    problem = is_wrong_type(*reply)
                  ? fmt::format("holds a {}, not a snapshot string (GET refused: {})",
                                key_type(name), reply_text(*reply))
                  : fmt::format("GET refused: {}", reply_text(*reply));
    return std::nullopt;
  }
  if (reply->type != REDIS_REPLY_STRING) {
    problem = "indexed but missing";
    return std::nullopt;
  }
  try {
    Snapshot snapshot = decode_snapshot(reply_text(*reply));
    if (key(snapshot.position) != name) {
      problem = fmt::format("holds position {}", redis_id(snapshot.position));
      return std::nullopt;
    }
    return snapshot;
  } catch (const std::runtime_error& e) {
    problem = e.what();
    return std::nullopt;
  }
}

}  // namespace lmx
