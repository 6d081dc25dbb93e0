// The engine pipeline against an in-memory backend: it must end in exactly the state that
// applying the log in order gives, publish one result per entry, and resume from a
// snapshot without losing or re-applying an entry.

#include "lmx/core/engine.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "../support/memory_backend.hpp"
#include "../support/reader_placements.hpp"
#include "canonical_export.hpp"
#include "lmx/constants.hpp"
#include "lmx/core/business_logic.hpp"
#include "pipeline/recovery.hpp"
#include "workload.hpp"

namespace lmx {
namespace {

std::vector<Event> generate(std::size_t count, std::uint64_t seed) {
  Workload workload({.seed = seed, .users = 200, .items = 30});
  std::vector<Event> events(count);
  for (auto& e : events) workload.next(e);
  return events;
}

// The reference: lmx::apply over the events, in order, from an empty state.
std::string reference_export(const std::vector<Event>& events,
                             std::vector<Reason>* reasons = nullptr) {
  State state;
  for (const Event& e : events) {
    const Reason r = apply(state, e).reason;
    if (reasons) reasons->push_back(r);
  }
  std::string out;
  append_canonical_export(state, out);
  return out;
}

std::string backend_export(Backend& backend) {
  const auto store = backend.open_snapshot_store();
  Recovered recovered = restore_snapshot(*store);
  replay_to_end(backend, recovered);
  std::string out;
  append_canonical_export(recovered.state, out);
  return out;
}

// Every test runs with the log read on a thread of its own, and inline on the business
// logic's thread: both must end alike.
class Engine : public ::testing::TestWithParam<ReaderPlacement> {
 protected:
  [[nodiscard]] EngineOptions live_options() const {
    EngineOptions options;
    options.reader = GetParam();
    return options;
  }
  [[nodiscard]] EngineOptions batch_options() const {
    EngineOptions options = live_options();
    options.exit_when_caught_up = true;
    return options;
  }
};

INSTANTIATE_TEST_SUITE_P(Reader, Engine, test::reader_placements, test::reader_placement_name);

TEST_P(Engine, CatchUpEqualsApplyAndPublishesEveryResult) {
  test::MemoryBackend backend;
  std::vector<Event> events = generate(10000, 1);
  events[777] = Event{};  // a malformed entry is rejected, and the stream goes on
  backend.append(events);
  const std::atomic<bool> stop{false};
  const EngineSummary summary = run_engine(backend, batch_options(), stop);

  std::vector<Reason> reasons;
  const std::string expected = reference_export(events, &reasons);
  EXPECT_EQ(summary.applied_count, events.size());
  EXPECT_EQ(summary.position, (Position{0, events.size()}));
  EXPECT_EQ(summary.reasons[static_cast<std::size_t>(Reason::malformed)], 1u);
  const std::vector<Result> results = backend.results();
  ASSERT_EQ(results.size(), events.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    ASSERT_EQ(results[i].position, (Position{0, i + 1}));
    ASSERT_EQ(results[i].reason, reasons[i]) << "entry " << i + 1;
  }
  ASSERT_FALSE(backend.snapshots().empty());
  EXPECT_EQ(backend.snapshots().back().position, summary.position);
  EXPECT_EQ(backend_export(backend), expected);
}

TEST_P(Engine, RestartReplaysOnlyTheTailAndWritesNoResultTwice) {
  test::MemoryBackend backend;
  const std::vector<Event> events = generate(10000, 2);
  const std::vector<Event> first(events.begin(), events.begin() + 4321);
  const std::vector<Event> rest(events.begin() + 4321, events.end());
  const std::atomic<bool> stop{false};
  backend.append(first);
  const EngineSummary one = run_engine(backend, batch_options(), stop);
  EXPECT_EQ(one.final_snapshot_position, (Position{0, first.size()}));

  backend.append(rest);
  const EngineSummary two = run_engine(backend, batch_options(), stop);
  EXPECT_EQ(two.snapshot_position, (Position{0, first.size()}));
  EXPECT_EQ(two.applied_count, rest.size()) << "only the entries after the snapshot are replayed";

  const std::vector<Result> results = backend.results();
  ASSERT_EQ(results.size(), events.size());
  for (std::size_t i = 0; i < results.size(); ++i) ASSERT_EQ(results[i].position.minor, i + 1);
  EXPECT_EQ(backend_export(backend), reference_export(events));
}

TEST_P(Engine, LiveTailSeesAppendsUntilStopped) {
  test::MemoryBackend backend;
  const std::vector<Event> events = generate(10000, 3);
  std::atomic<bool> stop{false};
  EngineOptions options = live_options();
  options.snapshot_interval = std::chrono::milliseconds(5);
  std::thread producer([&] {
    for (std::size_t i = 0; i < events.size(); i += 1000) {
      backend.append({events.begin() + static_cast<std::ptrdiff_t>(i),
                      events.begin() + static_cast<std::ptrdiff_t>(i + 1000)});
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    while (backend.results().size() < events.size())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    stop.store(true);
  });
  const EngineSummary summary = run_engine(backend, options, stop);
  producer.join();
  EXPECT_EQ(summary.applied_count, events.size());
  EXPECT_EQ(backend_export(backend), reference_export(events));
  // Periodic snapshots each hold the state at their exact position.
  for (const Snapshot& snapshot : backend.snapshots()) {
    const std::vector<Event> prefix(
        events.begin(), events.begin() + static_cast<std::ptrdiff_t>(snapshot.position.minor));
    State state;
    state.assign(snapshot.users, snapshot.items);
    std::string got;
    append_canonical_export(state, got);
    ASSERT_EQ(got, reference_export(prefix)) << "snapshot at " << snapshot.position.to_string();
  }
}

// Results are derived from the log: when the results log lost results a snapshot covers,
// the engine recovers from an older state (here: none) and writes them again, each once.
TEST_P(Engine, ResultsLostBeforeTheSnapshotAreWrittenAgain) {
  test::MemoryBackend backend;
  const std::vector<Event> events = generate(6000, 6);
  const std::vector<Event> first(events.begin(), events.begin() + 4000);
  const std::atomic<bool> stop{false};
  backend.append(first);
  ASSERT_EQ(run_engine(backend, batch_options(), stop).final_snapshot_position,
            (Position{0, first.size()}));
  backend.truncate_results(1234);
  backend.append({events.begin() + 4000, events.end()});

  const EngineSummary two = run_engine(backend, batch_options(), stop);
  EXPECT_TRUE(two.snapshot_position.is_zero()) << "no snapshot is at or before result 1234";
  EXPECT_EQ(two.applied_count, events.size());
  const std::vector<Result> results = backend.results();
  ASSERT_EQ(results.size(), events.size());
  for (std::size_t i = 0; i < results.size(); ++i) ASSERT_EQ(results[i].position.minor, i + 1);
  EXPECT_EQ(backend_export(backend), reference_export(events));
}

TEST_P(Engine, FailingResultsLogStopsTheEngineWithTheCause) {
  test::MemoryBackend backend;
  // More events than the two rings hold (input_ring_size + output_ring_size), so that when
  // the results log fails, the logic stage is blocked on a full output ring and must give up.
  constexpr std::size_t event_count = input_ring_size + output_ring_size + 5000;
  backend.append(generate(event_count, 4));
  backend.fail_result_writes();
  const std::atomic<bool> stop{false};
  try {
    (void)run_engine(backend, batch_options(), stop);
    FAIL() << "the engine must report the failed results log";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no space left"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(backend.snapshots().empty()) << "no snapshot may cover results that were not written";
}

TEST_P(Engine, SnapshotAheadOfTheLogIsRefused) {
  // The log lost its tail after the engine had applied and snapshotted it (a power failure
  // before the tail reached the disk): replaying after the snapshot would skip whatever
  // is appended next at the lost positions.
  test::MemoryBackend original;
  const std::vector<Event> events = generate(1000, 5);
  original.append(events);
  const std::atomic<bool> stop{false};
  const EngineSummary one = run_engine(original, batch_options(), stop);
  ASSERT_EQ(one.final_snapshot_position, (Position{0, events.size()}));

  test::MemoryBackend shortened;
  shortened.append(std::vector<Event>(events.begin(), events.begin() + 600));
  shortened.open_snapshot_store()->save(original.snapshots().back());
  try {
    (void)run_engine(shortened, batch_options(), stop);
    FAIL() << "the engine replayed after a snapshot ahead of the log";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("snapshot at position 0-1000 is ahead of the end of the "
                                         "log (position 0-600)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(shortened.results().empty());
  EXPECT_THROW((void)backend_export(shortened), std::runtime_error);
}

// A log that lost a tail the engine had answered (but not snapshotted), then was appended
// to again: run A's snapshot covers the first 1000 entries and its results all 1500; the
// log keeps 1200 of them and gets 300 other entries. The results for the new entries at
// the old positions must answer the new entries, exactly as a fresh engine would.
TEST_P(Engine, ResultsForEntriesTheLogNoLongerHoldsAreWrittenAnew) {
  const std::vector<Event> events = generate(1500, 7);
  const std::vector<Event> refill = generate(300, 8);
  test::MemoryBackend backend;
  const std::atomic<bool> stop{false};
  backend.append({events.begin(), events.begin() + 1000});
  (void)run_engine(backend, batch_options(), stop);
  backend.append({events.begin() + 1000, events.end()});
  ASSERT_EQ(run_engine(backend, batch_options(), stop).final_snapshot_position,
            (Position{0, 1500}));
  backend.drop_newest_snapshot();
  backend.truncate_log(1200);
  backend.append(refill);

  const EngineSummary summary = run_engine(backend, batch_options(), stop);
  EXPECT_EQ(summary.snapshot_position, (Position{0, 1000}));
  std::vector<Event> now(events.begin(), events.begin() + 1200);
  now.insert(now.end(), refill.begin(), refill.end());
  std::vector<Reason> reasons;
  EXPECT_EQ(backend_export(backend), reference_export(now, &reasons));
  const std::vector<Result> results = backend.results();
  ASSERT_EQ(results.size(), now.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    ASSERT_EQ(results[i].position.minor, i + 1);
    ASSERT_EQ(results[i].reason, reasons[i]) << "position " << i + 1;
    ASSERT_TRUE(backend.holds({results[i].position, results[i].entry_checksum}));
  }
}

// The same lost tail, but a snapshot covers it: the entry at the snapshot's position is
// another one now, although the log is long enough, and replaying after it would be wrong.
TEST_P(Engine, SnapshotOfEntriesTheLogNoLongerHoldsIsRefused) {
  const std::vector<Event> events = generate(1500, 7);
  test::MemoryBackend backend;
  const std::atomic<bool> stop{false};
  backend.append(events);
  ASSERT_EQ(run_engine(backend, batch_options(), stop).final_snapshot_position,
            (Position{0, 1500}));
  backend.truncate_log(1200);
  backend.append(generate(400, 8));
  try {
    (void)run_engine(backend, batch_options(), stop);
    FAIL() << "the engine replayed after a snapshot of entries the log no longer holds";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("the entry at position 0-1500 is not the one the "
                                         "snapshot at that position applied"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW((void)backend_export(backend), std::runtime_error);
}

}  // namespace
}  // namespace lmx
