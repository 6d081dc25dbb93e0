// The engine tells its observer (lmx run --listen's answers, the latency benchmark) of a
// result only once a reader of the file backend's results journal can see it, also while
// the journal rolls to new segments: the batch that fills a segment waits in memory until
// the old segment is durable, and is told only when the new segment holds it.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <span>
#include <vector>

#include "../support/temp_dir.hpp"
#include "backend/file/file_log.hpp"
#include "backend/file/journal_segment.hpp"
#include "lmx/core/backend.hpp"
#include "lmx/core/engine.hpp"
#include "lmx/core/engine_observer.hpp"
#include "workload.hpp"

namespace lmx {
namespace {

constexpr std::size_t event_count = 6000;
constexpr std::size_t append_batch_size = 100;

// On each batch told, reads the whole results journal back (on the result thread, so the
// engine waits meanwhile) and counts the results told that it does not hold yet.
class CheckingObserver final : public EngineObserver {
 public:
  explicit CheckingObserver(std::filesystem::path data_dir) : data_dir_(std::move(data_dir)) {}

  std::uint64_t told = 0;
  std::uint64_t told_unreadable = 0;

  void on_progress(const EngineProgress& /*progress*/) noexcept override {}
  void on_results_written(std::span<const Result> results) noexcept override {
    told += results.size();
    const std::vector<Result> readable = read_all_results(data_dir_);
    const Position newest = readable.empty() ? Position{} : readable.back().position;
    for (const Result& result : results) {
      if (newest < result.position) ++told_unreadable;
    }
  }
  void on_state(const State& /*state*/, Position /*position*/) noexcept override {}
  void on_batch(std::size_t /*events*/, std::chrono::nanoseconds /*time*/) noexcept override {}

 private:
  std::filesystem::path data_dir_;
};

TEST(EngineObserverOnFile, AResultIsToldOnlyOnceTheResultsJournalShowsItAcrossRolls) {
  const test::TempDir tmp;
  BackendOptions options;
  // Segments of 4 KiB: each batch of results fills one, so every batch after the first
  // rolls the results journal and is held until the roll is done.
  options.journal = {.fsync = FsyncPolicy::none, .segment_size_max = 4 << 10};
  const std::unique_ptr<Backend> backend = open_backend("file:" + tmp.path().string(), options);
  Workload workload({.seed = 3, .users = 100, .items = 20});
  std::vector<Event> events(event_count);
  for (Event& event : events) workload.next(event);
  const std::unique_ptr<LogWriter> writer = backend->open_writer();
  for (std::size_t first = 0; first < events.size(); first += append_batch_size) {
    (void)writer->append(std::span(events).subspan(first, append_batch_size));
  }

  CheckingObserver observer(tmp.path());
  EngineOptions engine_options;
  engine_options.exit_when_caught_up = true;
  engine_options.observer = &observer;
  const std::atomic<bool> stop{false};
  const EngineSummary summary = run_engine(*backend, engine_options, stop);

  ASSERT_EQ(summary.position, (Position{0, event_count}));
  EXPECT_EQ(observer.told, event_count) << "each result told once";
  EXPECT_EQ(observer.told_unreadable, 0u);
  EXPECT_GE(list_segments(results_journal_dir(tmp.path())).size(), 5u)
      << "the results journal rolled often";
}

}  // namespace
}  // namespace lmx
