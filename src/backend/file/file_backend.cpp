#include "backend/file/file_backend.hpp"

#include "backend/file/engine_lock.hpp"
#include "backend/file/file_log.hpp"
#include "backend/file/file_snapshot_store.hpp"
#include "backend/file/journal_trim.hpp"

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
    // each snapshot, which is the only point that relies on them being on disk. The engine
    // is their only writer, so a segment roll need not stall it (about 50 ms per 64 MiB),
    // and no batch need look for records of other writers.
    JournalWriterOptions results = options_.journal;
    results.fsync = FsyncPolicy::none;
    results.roll_in_background = true;
    results.sole_writer = true;
    return std::make_unique<FileResultWriter>(dir_, results);
  }
  std::unique_ptr<ResultReader> open_result_reader() override {
    return std::make_unique<FileResultReader>(dir_);
  }
  std::unique_ptr<SnapshotStore> open_snapshot_store() override {
    return std::make_unique<FileSnapshotStore>(snapshots_dir(dir_));
  }
  std::unique_ptr<LogTrimmer> open_trimmer() override {
    return std::make_unique<FileLogTrimmer>(dir_);
  }
  std::unique_ptr<EngineLock> lock_engine() override { return lock_data_directory(dir_); }
  bool holds(EntryRef entry) override { return events_journal_holds(dir_, entry); }
  std::string describe() const override { return "file journal " + dir_.string(); }

 private:
  std::filesystem::path dir_;
  BackendOptions options_;
};

}  // namespace

std::unique_ptr<Backend> open_file_backend(std::filesystem::path dir,
                                           const BackendOptions& options) {
  return std::make_unique<FileBackend>(std::move(dir), options);
}

}  // namespace lmx
