// The whole engine under ThreadSanitizer: a producer thread appends while the reader,
// business logic, result writer and snapshotter threads run, with a snapshot requested
// every few milliseconds. The end state, every result and every snapshot must equal what
// applying the log in order gives. LMX_STRESS_SCALE multiplies the event count.

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <thread>

#include "../support/memory_backend.hpp"
#include "../support/reader_placements.hpp"
#include "canonical_export.hpp"
#include "lmx/core/business_logic.hpp"
#include "lmx/core/engine.hpp"
#include "stress_scale.hpp"
#include "workload.hpp"

namespace lmx {
namespace {

std::string export_of(const State& state) {
  std::string out;
  append_canonical_export(state, out);
  return out;
}

// With the log read on a thread of its own, and inline on the business logic's thread.
class EngineStress : public ::testing::TestWithParam<ReaderPlacement> {};

INSTANTIATE_TEST_SUITE_P(Reader, EngineStress, test::reader_placements,
                         test::reader_placement_name);

TEST_P(EngineStress, LiveAppendsWithFrequentSnapshotsMatchSequentialApply) {
  const std::size_t total = static_cast<std::size_t>(test::stress_scaled(60000));
  Workload workload({.seed = 99, .users = 500, .items = 50});
  std::vector<Event> events(total);
  for (auto& e : events) workload.next(e);

  test::MemoryBackend backend;
  std::atomic<bool> stop{false};
  std::thread producer([&] {
    for (std::size_t i = 0; i < total; i += 500) {
      const auto first = events.begin() + static_cast<std::ptrdiff_t>(i);
      backend.append(
          {first, first + static_cast<std::ptrdiff_t>(std::min<std::size_t>(500, total - i))});
      if (i % 5000 == 0) std::this_thread::yield();
    }
    while (backend.results().size() < total)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    stop.store(true);
  });
  EngineOptions options;
  options.reader = GetParam();
  options.snapshot_interval = std::chrono::milliseconds(2);
  const EngineSummary summary = run_engine(backend, options, stop);
  producer.join();

  State reference;
  std::vector<Reason> reasons;
  for (const Event& e : events) reasons.push_back(apply(reference, e).reason);
  EXPECT_EQ(summary.applied_count, total);
  const std::vector<Result> results = backend.results();
  ASSERT_EQ(results.size(), total);
  for (std::size_t i = 0; i < total; ++i) {
    ASSERT_EQ(results[i].position.minor, i + 1);
    ASSERT_EQ(results[i].reason, reasons[i]) << "entry " << i + 1;
  }
  // Every snapshot equals a sequential apply of exactly the prefix it claims to cover.
  const std::vector<Snapshot> snapshots = backend.snapshots();
  ASSERT_GE(snapshots.size(), 2u);
  State prefix;
  std::size_t applied = 0;
  for (const Snapshot& snapshot : snapshots) {
    ASSERT_GE(snapshot.position.minor, applied);
    for (; applied < snapshot.position.minor; ++applied) (void)apply(prefix, events[applied]);
    State restored;
    restored.assign(snapshot.users, snapshot.items);
    ASSERT_EQ(export_of(restored), export_of(prefix))
        << "snapshot at " << snapshot.position.to_string();
  }
  EXPECT_EQ(export_of(prefix), export_of(reference));
}

}  // namespace
}  // namespace lmx
