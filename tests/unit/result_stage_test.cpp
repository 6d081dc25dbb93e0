// The result stage tells its observer (the HTTP service, the latency benchmark) of a result
// only once the results log shows it: results the log holds back (the file backend's
// journal rolling to a new segment) are told when the log lets them in, at a later write,
// at a checkpoint's sync, or when the stage is idle; each result once, in order.

#include "pipeline/result_stage.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <vector>

#include "../support/memory_backend.hpp"
#include "lmx/core/engine_observer.hpp"
#include "pipeline/snapshotter.hpp"

namespace lmx {
namespace {

// A results log that holds back what is written while `holding`, until let in: by
// release_held() once `wait_over`, by a write once `wait_over`, or by sync().
class HoldingWriter final : public ResultWriter {
 public:
  bool holding = false;
  bool wait_over = false;

  void write(std::span<const Result> results) override {
    if (held_ > 0 && wait_over) held_ = 0;
    if (holding) held_ += results.size();
  }
  [[nodiscard]] std::size_t held_count() const noexcept override { return held_; }
  void release_held() override {
    if (wait_over) held_ = 0;
  }
  void sync() override { held_ = 0; }
  [[nodiscard]] EntryRef last_answered() override { return {}; }
  void discard_after(Position /*position*/) override {}

 private:
  std::size_t held_ = 0;
};

class TellingObserver final : public EngineObserver {
 public:
  std::vector<std::uint64_t> told;  // the positions told, in order

  void on_progress(const EngineProgress& /*progress*/) noexcept override {}
  void on_results_written(std::span<const Result> results) noexcept override {
    for (const Result& result : results) told.push_back(result.position.minor);
  }
  void on_state(const State& /*state*/, Position /*position*/) noexcept override {}
  void on_batch(std::size_t /*events*/, std::chrono::nanoseconds /*time*/) noexcept override {}
};

class ResultStageTest : public ::testing::Test {
 protected:
  // Results for positions first..last, as one batch of the output ring.
  void results(std::uint64_t first, std::uint64_t last) {
    for (std::uint64_t minor = first; minor <= last; ++minor) {
      Output output;
      output.result.position = Position{0, minor};
      stage.on_event(output, static_cast<std::int64_t>(minor), minor == last);
    }
  }

  static std::vector<std::uint64_t> positions(std::uint64_t first, std::uint64_t last) {
    std::vector<std::uint64_t> all;
    for (std::uint64_t minor = first; minor <= last; ++minor) all.push_back(minor);
    return all;
  }

  test::MemoryBackend backend;
  std::unique_ptr<SnapshotStore> store = backend.open_snapshot_store();
  Snapshotter snapshotter{*store};
  HoldingWriter writer;
  TellingObserver observer;
  ResultStage stage{writer, Position{}, snapshotter, &observer};
};

TEST_F(ResultStageTest, HeldResultsAreToldWhenTheLogLetsThemInAtTheNextWrite) {
  results(1, 3);
  EXPECT_EQ(observer.told, positions(1, 3));
  writer.holding = true;
  results(4, 5);
  results(6, 6);
  EXPECT_EQ(observer.told, positions(1, 3)) << "held results are not in the log yet";
  writer.holding = false;
  writer.wait_over = true;
  results(7, 8);
  EXPECT_EQ(observer.told, positions(1, 8));
}

TEST_F(ResultStageTest, AWriteThatStartsHoldingAgainTellsOnlyWhatWasLetIn) {
  writer.holding = true;
  results(1, 2);
  writer.wait_over = true;  // lets 1-2 in, and holds 3-4 (a roll right after the last)
  results(3, 4);
  EXPECT_EQ(observer.told, positions(1, 2));
  writer.holding = false;
  results(5, 5);
  EXPECT_EQ(observer.told, positions(1, 5));
}

TEST_F(ResultStageTest, HeldResultsAreToldWhenIdleOnceTheirWaitIsOver) {
  writer.holding = true;
  results(1, 4);
  stage.on_timeout(4);
  EXPECT_TRUE(observer.told.empty()) << "the wait is not over";
  writer.wait_over = true;
  stage.on_timeout(4);
  EXPECT_EQ(observer.told, positions(1, 4));
  stage.on_timeout(4);
  EXPECT_EQ(observer.told, positions(1, 4)) << "each result is told once";
}

TEST_F(ResultStageTest, ACheckpointsSyncLetsHeldResultsIn) {
  writer.holding = true;
  results(1, 2);
  Output checkpoint;
  checkpoint.kind = Output::Kind::checkpoint;
  stage.on_event(checkpoint, 3, true);
  EXPECT_EQ(observer.told, positions(1, 2));
}

}  // namespace
}  // namespace lmx
