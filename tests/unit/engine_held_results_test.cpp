// Results the file backend's results journal holds back while it rolls to a new segment
// reach the journal while the engine is idle: the result stage's idle hook lets them in
// once the old segment is durable, rather than at the engine's next write, which may not
// come for a long time.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <span>
#include <thread>
#include <vector>

#include "../support/temp_dir.hpp"
#include "backend/file/file_log.hpp"
#include "backend/file/journal_segment.hpp"
#include "lmx/core/backend.hpp"
#include "lmx/core/engine.hpp"
#include "workload.hpp"

namespace lmx {
namespace {

constexpr std::size_t event_count = 6000;
constexpr std::size_t append_batch_size = 100;

TEST(EngineHeldResults, ReachTheResultsJournalWhileTheEngineIsIdle) {
  const test::TempDir tmp;
  BackendOptions options;
  // Segments of 4 KiB: each batch of results fills one, so every batch after the first
  // rolls the results journal and is held until the old segment is durable.
  options.journal = {.fsync = FsyncPolicy::none, .segment_size_max = 4 << 10};
  const std::unique_ptr<Backend> backend = open_backend("file:" + tmp.path().string(), options);

  std::atomic<bool> stop{false};
  EngineOptions engine_options;
  engine_options.snapshot_interval = std::chrono::hours(1);  // no checkpoint's sync meanwhile
  std::thread engine([&] { (void)run_engine(*backend, engine_options, stop); });

  Workload workload({.seed = 3, .users = 100, .items = 20});
  std::vector<Event> events(event_count);
  for (Event& event : events) workload.next(event);
  const std::unique_ptr<LogWriter> writer = backend->open_writer();
  for (std::size_t first = 0; first < events.size(); first += append_batch_size) {
    (void)writer->append(std::span(events).subspan(first, append_batch_size));
  }

  // Nothing more is appended: only the idle hook can let the last held batch in.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::size_t readable = 0;
  while ((readable = read_all_results(tmp.path()).size()) < event_count &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop.store(true, std::memory_order_relaxed);  // relaxed: the engine polls it
  engine.join();
  EXPECT_EQ(readable, event_count) << "results still held while the engine was idle";
  EXPECT_GE(list_segments(results_journal_dir(tmp.path())).size(), 5u)
      << "the results journal rolled";
}

}  // namespace
}  // namespace lmx
