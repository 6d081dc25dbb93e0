#pragma once
// The file backend of the log interfaces: events in DATA_DIR/journal/, results in
// DATA_DIR/results/, both file journals of native-encoded payloads (native_codec.hpp).
//
//   FileLogReader reader(data_dir, Position{0, 41234});   // records 41235, 41236, ...
//   FileLogWriter writer(data_dir, {.fsync = FsyncPolicy::always});
//   FileResultWriter results(data_dir, {.fsync = FsyncPolicy::none});

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "backend/file/journal_reader.hpp"
#include "backend/file/journal_writer.hpp"
#include "lmx/core/log_reader.hpp"
#include "lmx/core/log_writer.hpp"
#include "lmx/core/result_reader.hpp"
#include "lmx/core/result_writer.hpp"

namespace lmx {

[[nodiscard]] std::filesystem::path events_journal_dir(const std::filesystem::path& data_dir);
[[nodiscard]] std::filesystem::path results_journal_dir(const std::filesystem::path& data_dir);

class FileLogReader final : public LogReader {
 public:
  // Reads the events strictly after `after` (a journal position: major 0, minor = sequence).
  FileLogReader(const std::filesystem::path& data_dir, Position after);

  [[nodiscard]] std::size_t fetch(std::size_t count_max,
                                  std::chrono::milliseconds timeout) override;
  void decode(std::size_t index, Event& event) override;
  [[nodiscard]] Position end_position() override;
  // Sequences are dense: the last sequence minus the position's.
  [[nodiscard]] LogLag lag_after(Position position) override;

 private:
  JournalReader journal_;
  std::span<const JournalEntry> batch_;
};

class FileLogWriter final : public LogWriter {
 public:
  explicit FileLogWriter(const std::filesystem::path& data_dir, JournalWriterOptions options = {});

  using LogWriter::append;
  Position append(std::span<const Event> events, std::span<Position> positions) override;

 private:
  JournalWriter journal_;
  JournalBatch batch_;  // reused so that steady appends do not allocate
};

class FileResultWriter final : public ResultWriter {
 public:
  explicit FileResultWriter(const std::filesystem::path& data_dir,
                            JournalWriterOptions options = {});

  void write(std::span<const Result> results) override;
  void release_held() override { journal_.finish_roll_if_synced(); }
  void sync() override;
  [[nodiscard]] EntryRef last_answered() override;
  // Results are one per event, in order: result k is record k of the results journal.
  void discard_after(Position position) override;

 private:
  JournalWriter journal_;
  JournalBatch batch_;
};

class FileResultReader final : public ResultReader {
 public:
  // Follows the results journal from its end now.
  explicit FileResultReader(const std::filesystem::path& data_dir);

  [[nodiscard]] std::size_t fetch(std::vector<Result>& out,
                                  std::chrono::milliseconds timeout) override;

 private:
  JournalReader journal_;
};

// Whether the events journal in `data_dir` holds `entry` (Backend::holds).
[[nodiscard]] bool events_journal_holds(const std::filesystem::path& data_dir, EntryRef entry);

// Reads every result kept in a results journal (from its first one, after a trim too),
// oldest first (tests, `lmx inspect`, tools).
[[nodiscard]] std::vector<Result> read_all_results(const std::filesystem::path& data_dir);

}  // namespace lmx
