#pragma once
// Snapshots in Redis, next to the stream they were taken from, in the format of
// snapshot_codec.hpp (magic, version, position, counts, payload, CRC32C). No TTL: a
// snapshot stays until a newer one replaces it.
//
//   <stream>:snapshot:<major, 20 digits>-<minor, 20 digits>   string: the snapshot bytes
//   <stream>:snapshots                                       sorted set: the key names
//   <stream>:snapshot-staging:<16 hex digits, random>        string: a save in progress
//
// The index holds every key with score 0, so Redis orders them by name, and the
// zero-padded names order like positions. save() writes the snapshot to this store's
// staging key in pieces of snapshot_piece_bytes as it encodes them (the client never holds
// the whole snapshot, nor formats it into one command, which hiredis would copy twice),
// then one Lua script checks the staging key holds every byte and renames it to its name
// (atomic: a reader sees all of it or nothing) and adds it to the index; then the oldest
// are dropped (index entry and key together, in MULTI/EXEC) so that the newest
// `keep_count` remain. A save cut short leaves only the staging key, which has a TTL from
// its first piece on (redis_snapshot_staging_ttl_ms) until it is renamed.
// load_newest() tries the newest first and falls back to older ones (oldest_valid() the
// other way), describing each one it skipped (missing, damaged, of another type than a string, or
// holding another position than its name says). An index key of another type than a sorted set is
// refused with what to do: without it no snapshot can be found or saved.
//
// Given a fence (lmx/core/lease.hpp), save() first reads the stream's epoch key and sends
// nothing unless it is the writer's epoch (a standby sends nothing at all); the script
// checks it again, so the snapshot is renamed and indexed only while the epoch is the
// writer's. Otherwise save() throws lmx::Fenced and the staging key is dropped.

#include <optional>
#include <string>
#include <vector>

#include "backend/redis/redis_connection.hpp"
#include "backend/redis/redis_script.hpp"
#include "backend/redis/redis_url.hpp"
#include "format/snapshot_codec.hpp"
#include "lmx/constants.hpp"
#include "lmx/core/lease.hpp"
#include "lmx/core/snapshot_store.hpp"

namespace lmx {

class RedisSnapshotStore final : public SnapshotStore {
 public:
  // Stores snapshots of url.stream. Connects at once; throws if Redis cannot be reached.
  explicit RedisSnapshotStore(const RedisUrl& url, std::size_t keep_count = snapshot_keep_count,
                              RedisRetryPolicy retry = {}, const Fence* fence = nullptr);

  SavedSnapshot save(const Snapshot& snapshot) override;
  [[nodiscard]] std::optional<Snapshot> load_newest(std::vector<std::string>& problems,
                                                    Position at_most) override;
  [[nodiscard]] std::optional<Position> oldest_valid(std::vector<std::string>& problems) override;

  // The snapshot key names, newest first.
  [[nodiscard]] std::vector<std::string> list();

  [[nodiscard]] std::string key(Position position) const;
  [[nodiscard]] const std::string& index_key() const noexcept { return index_key_; }

 private:
  void save_once(const std::string& name, SnapshotEncoder& encoder);
  void stage(SnapshotEncoder& encoder);
  [[nodiscard]] std::string current_epoch(const std::string& name);
  void drop_oldest();
  [[nodiscard]] std::optional<Snapshot> load(const std::string& key, std::string& problem);
  [[nodiscard]] std::string key_type(const std::string& name);

  RedisConnection connection_;
  std::string stream_;
  std::string index_key_;
  std::string staging_key_;  // <stream>:snapshot-staging:<random>: a save in progress
  std::size_t keep_count_;
  std::string epoch_key_;
  const Fence* fence_;
  RedisScript commit_;  // renames a staged snapshot into place and indexes it
};

}  // namespace lmx
