#include "lmx/engine/backend.hpp"

#include <filesystem>
#include <stdexcept>

#include "lmx/log/file_log.hpp"
#include "lmx/log/redis_log_reader.hpp"
#include "lmx/log/redis_log_writer.hpp"
#include "lmx/log/redis_result_writer.hpp"
#include "lmx/snapshot/file_snapshot_store.hpp"
#include "lmx/snapshot/redis_snapshot_store.hpp"

namespace lmx {
namespace {

// The embedded default: DIR/journal (events), DIR/results, DIR/snapshots.
class FileBackend final : public Backend {
 public:
  FileBackend(std::filesystem::path dir, const BackendOptions& options)
      : dir_(std::move(dir)), options_(options) {}

  std::unique_ptr<LogReader> open_reader(Position after) override {
    return std::make_unique<FileLogReader>(dir_, after);
  }
  std::unique_ptr<LogWriter> open_writer() override {
    return std::make_unique<FileLogWriter>(dir_, options_.journal);
  }
  std::unique_ptr<ResultWriter> open_result_writer() override {
    // Results are derived from the log: no fsync per batch. The engine syncs them before
    // each snapshot, which is the only point that relies on them being on disk.
    JournalWriterOptions results = options_.journal;
    results.fsync = FsyncPolicy::none;
    return std::make_unique<FileResultWriter>(dir_, results);
  }
  std::unique_ptr<SnapshotStore> open_snapshot_store() override {
    return std::make_unique<FileSnapshotStore>(snapshots_dir(dir_));
  }
  std::string describe() const override { return "file journal " + dir_.string(); }

 private:
  std::filesystem::path dir_;
  BackendOptions options_;
};

// A Redis Stream: entries in <stream>, results in <stream>:results, snapshots in
// <stream>:snapshot:* keys (or in --snapshot-dir).
class RedisBackend final : public Backend {
 public:
  RedisBackend(RedisUrl url, const BackendOptions& options)
      : url_(std::move(url)), options_(options) {}

  std::unique_ptr<LogReader> open_reader(Position after) override {
    return std::make_unique<RedisLogReader>(url_, after);
  }
  std::unique_ptr<LogWriter> open_writer() override {
    return std::make_unique<RedisLogWriter>(url_, options_.format);
  }
  std::unique_ptr<ResultWriter> open_result_writer() override {
    return std::make_unique<RedisResultWriter>(url_);
  }
  std::unique_ptr<SnapshotStore> open_snapshot_store() override {
    if (!options_.snapshot_dir.empty()) {
      return std::make_unique<FileSnapshotStore>(options_.snapshot_dir);
    }
    return std::make_unique<RedisSnapshotStore>(url_);
  }
  std::string describe() const override { return "redis " + url_.to_string(); }

 private:
  RedisUrl url_;
  BackendOptions options_;
};

}  // namespace

std::unique_ptr<Backend> open_backend(const std::string& url, const BackendOptions& options) {
  constexpr std::string_view file_scheme = "file:";
  if (url.starts_with(file_scheme) && url.size() > file_scheme.size()) {
    return std::make_unique<FileBackend>(url.substr(file_scheme.size()), options);
  }
  if (url.starts_with("redis://")) {
    std::string error;
    std::optional<RedisUrl> redis = RedisUrl::parse(url, error);
    if (!redis) throw std::invalid_argument("log redis URL: " + error);
    return std::make_unique<RedisBackend>(std::move(*redis), options);
  }
  throw std::invalid_argument("log '" + url +
                              "' is not one of file:DIR or "
                              "redis://[user:password@]host:port[/db][?stream=NAME]");
}

}  // namespace lmx
