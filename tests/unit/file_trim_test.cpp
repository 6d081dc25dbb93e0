// Trimming a file-backed log to its oldest kept snapshot: recovery, export and restarts
// work on what is left, results are trimmed alike, nothing goes without a valid snapshot,
// a trim interrupted after a prefix of its segments still recovers, and an engine run
// with trim_after_snapshot keeps the log bounded by itself.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../support/temp_dir.hpp"
#include "backend/file/file_log.hpp"
#include "backend/file/file_snapshot_store.hpp"
#include "backend/file/journal_segment.hpp"
#include "canonical_export.hpp"
#include "lmx/core/business_logic.hpp"
#include "lmx/core/engine.hpp"
#include "pipeline/log_trim.hpp"
#include "pipeline/recovery.hpp"
#include "workload.hpp"

namespace lmx {
namespace {

constexpr std::size_t run_count = 4;
constexpr std::size_t events_per_run = 3000;
constexpr std::size_t append_batch_size = 100;
static_assert(events_per_run % append_batch_size == 0);

std::vector<Event> generate(std::size_t count, std::uint64_t seed) {
  Workload workload({.seed = seed, .users = 100, .items = 20});
  std::vector<Event> events(count);
  for (auto& e : events) workload.next(e);
  return events;
}

std::string reference_export(const std::vector<Event>& events) {
  State state;
  for (const Event& e : events) (void)apply(state, e);
  std::string out;
  append_canonical_export(state, out);
  return out;
}

// A data directory in small segments, appended to and run to the end in `run_count`
// rounds: one snapshot per round, the newest three kept.
class FileTrim : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.journal = {.fsync = FsyncPolicy::none, .segment_size_max = 16 << 10};
    backend_ = open_backend("file:" + tmp_.path().string(), options_);
    for (std::size_t round = 0; round < run_count; ++round) append_and_run(round);
    ASSERT_GT(list_segments(events_journal_dir(tmp_.path())).size(), 6u);
  }

  void append_and_run(std::uint64_t seed, EngineOptions options = {}) {
    const std::vector<Event> events = generate(events_per_run, seed);
    // In batches smaller than a segment: a batch never spans two.
    const std::unique_ptr<LogWriter> writer = backend_->open_writer();
    for (std::size_t first = 0; first < events.size(); first += append_batch_size) {
      (void)writer->append(std::span(events).subspan(first, append_batch_size));
    }
    events_.insert(events_.end(), events.begin(), events.end());
    options.exit_when_caught_up = true;
    const std::atomic<bool> stop{false};
    const EngineSummary summary = run_engine(*backend_, options, stop);
    ASSERT_EQ(summary.position, (Position{0, events_.size()}));
  }

  [[nodiscard]] std::string recovered_export() {
    const auto store = backend_->open_snapshot_store();
    Recovered recovered = restore_snapshot(*store);
    replay_to_end(*backend_, recovered);
    std::string out;
    append_canonical_export(recovered.state, out);
    return out;
  }

  [[nodiscard]] std::optional<TrimReport> trim() {
    const auto store = backend_->open_snapshot_store();
    const auto trimmer = backend_->open_trimmer();
    std::vector<std::string> problems;
    return trim_to_oldest_snapshot(*store, *trimmer, problems);
  }

  [[nodiscard]] std::uint64_t first_sequence(const std::filesystem::path& dir) const {
    return journal_first_sequence(dir);
  }

  // Every result from the results journal's start to the end of the log, once, in order.
  void expect_results_through_the_end(std::uint64_t first) const {
    const std::vector<Result> results = read_all_results(tmp_.path());
    ASSERT_FALSE(results.empty());
    EXPECT_EQ(results.front().position, (Position{0, first}));
    for (std::size_t i = 0; i < results.size(); ++i) {
      ASSERT_EQ(results[i].position, (Position{0, first + i}));
    }
    EXPECT_EQ(results.back().position, (Position{0, events_.size()}));
  }

  test::TempDir tmp_;
  BackendOptions options_;
  std::unique_ptr<Backend> backend_;
  std::vector<Event> events_;
};

TEST_F(FileTrim, RemovesWhatTheOldestKeptSnapshotDoesNotNeedAndRecoveryCarriesOn) {
  const std::string before = recovered_export();
  ASSERT_EQ(before, reference_export(events_));
  const Position oldest{0, 2 * events_per_run};  // rounds 2, 3, 4 keep their snapshots
  const std::optional<TrimReport> report = trim();
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->keep_from, oldest);
  EXPECT_GT(report->events.segment_count, 0u);
  EXPECT_GT(report->results.segment_count, 0u);
  const std::uint64_t events_start = first_sequence(events_journal_dir(tmp_.path()));
  const std::uint64_t results_start = first_sequence(results_journal_dir(tmp_.path()));
  EXPECT_EQ(report->events.start, (Position{0, events_start}));
  EXPECT_EQ(report->events.entry_count, events_start - 1);
  EXPECT_GT(events_start, 1u);
  EXPECT_LE(events_start, oldest.minor) << "the entry at the snapshot's position stays";
  EXPECT_LE(results_start, oldest.minor);
  EXPECT_EQ(recovered_export(), before);
  expect_results_through_the_end(results_start);

  // A restart recovers from its snapshot, and appends and results carry on.
  append_and_run(run_count);
  EXPECT_EQ(recovered_export(), reference_export(events_));
  expect_results_through_the_end(results_start);
}

TEST_F(FileTrim, RecoveringFromTheOldestKeptSnapshotStillWorks) {
  (void)trim();
  // The two newer snapshots lost: a restart falls back to the oldest, which the log kept.
  const std::vector<std::filesystem::path> files =
      FileSnapshotStore(snapshots_dir(tmp_.path())).list();
  ASSERT_EQ(files.size(), 3u);
  std::filesystem::remove(files[0]);
  std::filesystem::remove(files[1]);
  EXPECT_EQ(recovered_export(), reference_export(events_));
  append_and_run(run_count);
  EXPECT_EQ(recovered_export(), reference_export(events_));
}

TEST_F(FileTrim, InvalidSnapshotsDoNotCountAndWithoutAValidOneNothingGoes) {
  const std::vector<std::filesystem::path> files =
      FileSnapshotStore(snapshots_dir(tmp_.path())).list();
  std::filesystem::resize_file(files.back(), 10);  // the oldest no longer loads
  std::optional<TrimReport> report = trim();
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->keep_from, (Position{0, 3 * events_per_run}));
  for (const std::filesystem::path& file : files) std::filesystem::resize_file(file, 10);
  const std::uint64_t start = first_sequence(events_journal_dir(tmp_.path()));
  EXPECT_FALSE(trim().has_value());
  EXPECT_EQ(first_sequence(events_journal_dir(tmp_.path())), start);
}

TEST_F(FileTrim, ATrimInterruptedAfterAPrefixOfItsSegmentsStillRecovers) {
  // What a crash mid-trim leaves: the oldest segment gone, the others still there.
  const std::vector<SegmentFile> segments = list_segments(events_journal_dir(tmp_.path()));
  std::filesystem::remove(segments.front().path);
  EXPECT_EQ(recovered_export(), reference_export(events_));
  append_and_run(run_count);
  EXPECT_EQ(recovered_export(), reference_export(events_));
  // The next trim finishes the job.
  ASSERT_TRUE(trim().has_value());
  EXPECT_GT(first_sequence(events_journal_dir(tmp_.path())), segments[1].first_sequence);
  EXPECT_EQ(recovered_export(), reference_export(events_));
}

TEST_F(FileTrim, AnEngineTrimmingAfterEachSnapshotKeepsTheLogBounded) {
  EngineOptions options;
  options.trim_after_snapshot = true;
  append_and_run(run_count, options);  // its snapshot at 0-15000 leaves 0-9000 the oldest
  const std::uint64_t start = first_sequence(events_journal_dir(tmp_.path()));
  EXPECT_GT(start, 2 * events_per_run);
  EXPECT_LE(start, 3 * events_per_run) << "the entry at the oldest snapshot's position stays";
  EXPECT_EQ(recovered_export(), reference_export(events_));
}

}  // namespace
}  // namespace lmx
