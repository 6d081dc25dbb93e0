#include "backend/redis/redis_backend.hpp"

#include "backend/file/file_snapshot_store.hpp"
#include "backend/redis/redis_lease.hpp"
#include "backend/redis/redis_log_reader.hpp"
#include "backend/redis/redis_log_writer.hpp"
#include "backend/redis/redis_result_reader.hpp"
#include "backend/redis/redis_result_writer.hpp"
#include "backend/redis/redis_snapshot_store.hpp"
#include "backend/redis/redis_trim.hpp"

namespace lmx {
namespace {

// A Redis Stream: entries in <stream>, results in <stream>:results, snapshots in
// <stream>:snapshot:* keys (or in --snapshot-dir).
class RedisBackend final : public Backend {
 public:
  RedisBackend(RedisUrl url, const BackendOptions& options)
      : url_(std::move(url)),
        options_(options),
        retry_{.outage_max = options.redis_outage_max, .interrupt = options.stop} {}

  std::unique_ptr<LogReader> open_reader(Position after) override {
    return std::make_unique<RedisLogReader>(url_, after, retry_);
  }
  std::unique_ptr<LogWriter> open_writer() override {
    return std::make_unique<RedisLogWriter>(url_, options_.format);
  }
  std::unique_ptr<ResultWriter> open_result_writer() override {
    return std::make_unique<RedisResultWriter>(url_, retry_);
  }
  std::unique_ptr<ResultReader> open_result_reader() override {
    return std::make_unique<RedisResultReader>(url_, retry_);
  }
  std::unique_ptr<SnapshotStore> open_snapshot_store() override {
    if (!options_.snapshot_dir.empty()) {
      return std::make_unique<FileSnapshotStore>(options_.snapshot_dir);
    }
    return std::make_unique<RedisSnapshotStore>(url_, snapshot_keep_count, retry_);
  }
  std::unique_ptr<Lease> open_lease(const std::string& owner,
                                    std::chrono::milliseconds ttl) override {
    return std::make_unique<RedisLease>(url_, owner, ttl, retry_);
  }
  std::unique_ptr<ResultWriter> open_fenced_result_writer(const Fence& fence) override {
    return std::make_unique<RedisResultWriter>(url_, retry_, &fence);
  }
  // A snapshot directory is the engine's own (--snapshot-dir): nothing to fence there.
  std::unique_ptr<SnapshotStore> open_fenced_snapshot_store(const Fence& fence) override {
    if (!options_.snapshot_dir.empty()) return open_snapshot_store();
    return std::make_unique<RedisSnapshotStore>(url_, snapshot_keep_count, retry_, &fence);
  }
  std::unique_ptr<LogTrimmer> open_trimmer() override {
    return std::make_unique<RedisLogTrimmer>(url_, retry_);
  }
  std::unique_ptr<EngineLock> lock_engine() override { return nullptr; }
  bool holds(EntryRef entry) override {
    if (entry.position.is_zero()) return false;
    RedisConnection connection(url_, retry_);
    return stream_holds(connection, url_.stream, entry.position);
  }
  std::string describe() const override { return "redis " + url_.to_string(); }

 private:
  RedisUrl url_;
  BackendOptions options_;
  RedisRetryPolicy retry_;
};

}  // namespace

std::unique_ptr<Backend> open_redis_backend(RedisUrl url, const BackendOptions& options) {
  return std::make_unique<RedisBackend>(std::move(url), options);
}

}  // namespace lmx
