// lmx::Client against an in-memory backend with the engine running: results come back for
// each submitted event, repeats with ids are duplicates with the first outcome, a failed
// append is retried only when a retry cannot apply a command twice, and waiting with no
// engine gives up.

#include "lmx/client/client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "../support/memory_backend.hpp"
#include "lmx/core/engine.hpp"

namespace lmx {
namespace {

using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;

Event topup(std::int64_t user, std::int64_t amount, std::string_view id) {
  Event event = Event::make_topup(user, amount);
  if (!id.empty()) event.id = CommandId::from(id);
  return event;
}

// The engine on `backend` in a thread, for the test's lifetime.
class RunningEngine {
 public:
  explicit RunningEngine(Backend& backend)
      : thread_([this, &backend] { (void)run_engine(backend, EngineOptions{}, stop_); }) {}
  ~RunningEngine() {
    stop_.store(true, std::memory_order_release);
    thread_.join();
  }
  RunningEngine(const RunningEngine&) = delete;
  RunningEngine& operator=(const RunningEngine&) = delete;

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(Client, SubmitReturnsEachEventsResultAndRepeatsAreDuplicates) {
  test::MemoryBackend backend;
  const RunningEngine engine(backend);
  Client client(backend);
  const std::vector<Event> events = {topup(7, 500, "t-1"), topup(7, -1, "t-2"), topup(8, 5, "")};
  const std::vector<std::optional<Result>> first = client.submit(events, 10s);
  ASSERT_EQ(first.size(), 3U);
  for (const auto& result : first) ASSERT_TRUE(result.has_value());
  EXPECT_EQ(first[0]->reason, Reason::accepted);
  EXPECT_EQ(first[0]->balance, 500);
  EXPECT_EQ(first[1]->reason, Reason::invalid_amount);
  EXPECT_EQ(first[2]->reason, Reason::accepted);

  const std::vector<std::optional<Result>> again = client.submit(events, 10s);
  ASSERT_TRUE(again[0] && again[1] && again[2]);
  EXPECT_EQ(again[0]->reason, Reason::duplicate);
  EXPECT_EQ(again[0]->original_position, first[0]->position);
  EXPECT_EQ(again[0]->original_reason, Reason::accepted);
  EXPECT_EQ(again[1]->reason, Reason::duplicate);
  EXPECT_EQ(again[1]->original_reason, Reason::invalid_amount);
  EXPECT_EQ(again[2]->reason, Reason::accepted);  // no id: applied again
  EXPECT_EQ(again[2]->balance, 10);
}

TEST(Client, AFailedAppendIsRetriedWhenEveryEventInDoubtHasAnId) {
  test::MemoryBackend backend;
  const RunningEngine engine(backend);
  Client client(backend, ClientOptions{.append_attempts = 2, .retry_delay = 1ms});
  const std::vector<Event> events = {topup(1, 10, "a"), topup(1, 20, "b"), topup(1, 30, "c")};
  backend.fail_next_append(1, 1);  // "a" in the log, "b" in doubt (it is in the log too)
  const std::vector<std::optional<Result>> results = client.submit(events, 10s);
  ASSERT_TRUE(results[0] && results[1] && results[2]);
  EXPECT_EQ(results[0]->reason, Reason::accepted);
  // "b" went in twice; the retry's copy is the one this submission sees.
  EXPECT_EQ(results[1]->reason, Reason::duplicate);
  EXPECT_EQ(results[1]->original_reason, Reason::accepted);
  EXPECT_EQ(results[2]->reason, Reason::accepted);
  EXPECT_EQ(results[2]->balance, 60);  // each top-up applied once
}

TEST(Client, AnEventInDoubtWithoutAnIdIsNotRetried) {
  test::MemoryBackend backend;
  Client client(backend, ClientOptions{.append_attempts = 3, .retry_delay = 1ms});
  const std::vector<Event> events = {topup(1, 10, "a"), topup(1, 20, ""), topup(1, 30, "c")};
  backend.fail_next_append(1, 1);
  try {
    (void)client.append(events);
    FAIL() << "expected AppendError";
  } catch (const AppendError& e) {
    EXPECT_EQ(e.appended(), 1U);
    EXPECT_EQ(e.in_doubt(), 1U);
    EXPECT_EQ(e.last_appended(), (Position{0, 1}));
  }
}

TEST(Client, WaitGivesUpWhenNoResultIsWritten) {
  test::MemoryBackend backend;  // no engine
  Client client(backend);
  const std::vector<Position> positions = client.append(std::vector<Event>{topup(1, 10, "")});
  std::size_t called = 0;
  EXPECT_EQ(client.wait(positions, 200ms, [&](std::size_t, const Result&) { ++called; }), 1U);
  EXPECT_EQ(called, 0U);
}

}  // namespace
}  // namespace lmx
