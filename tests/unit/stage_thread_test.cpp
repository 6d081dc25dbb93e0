// A stage that returns wakes the thread waiting on the pipeline's StageExits, rather than
// leaving it to its timeout: `lmx run --exit-when-caught-up` ends as soon as the log does.

#include "pipeline/stage_thread.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <stdexcept>

namespace lmx {
namespace {

// An hour: a lost wake-up shows as this test's timeout, not as a slow pass.
constexpr std::chrono::hours never{1};

TEST(StageExits, AStageReturningWakesTheWaiterAlreadyAsleep) {
  StageExits exits;
  std::promise<void> release;
  const std::shared_future<void> released = release.get_future().share();
  StageThread stage("test stage", "lmx-test", -1, exits, [released] { released.wait(); });
  bool first_look = true;
  // The first look, under the mutex, finds the stage blocked and only then releases it; the
  // stage rings (taking the mutex) after the waiter is asleep, so only the ring ends the wait.
  exits.wait_for(never, [&] {
    if (!first_look) return stage.done();
    first_look = false;
    const bool done = stage.done();
    release.set_value();
    return done;
  });
  EXPECT_TRUE(stage.done());
  stage.join();
  EXPECT_NO_THROW(stage.rethrow_failure());
}

TEST(StageExits, AFailedStageWakesTheWaiterAndItsFailureIsRethrownNamed) {
  StageExits exits;
  StageThread stage("test stage", "lmx-test", -1, exits,
                    [] { throw std::runtime_error("disk on fire"); });
  exits.wait_for(never, [&] { return stage.done(); });
  stage.join();
  try {
    stage.rethrow_failure();
    FAIL() << "the failure was not kept";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "test stage failed: disk on fire");
  }
}

}  // namespace
}  // namespace lmx
