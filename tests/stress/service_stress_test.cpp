// The HTTP API's hand-offs between threads, under ThreadSanitizer: many server threads
// putting reads on the query ring while one business logic thread answers them between
// batches of its own; and requests waiting on the result board while the result thread
// posts results in log order. Every read and every result must arrive, right.
// LMX_STRESS_SCALE multiplies the counts (default 1, the short form CI runs).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "lmx/core/business_logic.hpp"
#include "service/query_ring.hpp"
#include "service/result_board.hpp"
#include "stress_scale.hpp"

namespace lmx::service {
namespace {

using namespace std::chrono_literals;

TEST(QueryRingStress, ManyReadersOneLogicThreadEveryAnswerSeesItsState) {
  constexpr int readers = 4;
  const std::int64_t reads_each = test::stress_scaled(2000);
  QueryRing ring;
  std::atomic<bool> done{false};
  // The logic thread: user 1's balance is its position's minor, applied one event a batch.
  std::thread logic([&] {
    State state;
    std::uint64_t minor = 0;
    while (!done.load(std::memory_order_acquire)) {  // acquire: pairs with the final release
      Event topup = Event::make_topup(1, 1);
      topup.position = Position{0, ++minor};
      (void)apply(state, topup);
      ring.answer(state, topup.position);
    }
    ring.answer(state, Position{0, minor});  // the reads put before done was set
  });
  std::vector<std::thread> threads;
  std::atomic<std::int64_t> answered{0};
  for (int r = 0; r < readers; ++r) {
    threads.emplace_back([&] {
      for (std::int64_t i = 0; i < reads_each; ++i) {
        Query query;
        query.kind = Query::Kind::user;
        query.user_id = 1;
        std::optional<std::future<QueryAnswer>> answer = ring.ask(std::move(query));
        if (!answer) {  // full: the server answers 503 busy; here, try again
          --i;
          std::this_thread::yield();
          continue;
        }
        const QueryAnswer got = answer->get();
        ASSERT_TRUE(got.found);
        ASSERT_EQ(static_cast<std::uint64_t>(got.balance), got.position.minor);
        answered.fetch_add(1, std::memory_order_relaxed);  // relaxed: read after join
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  done.store(true, std::memory_order_release);  // release: nothing more is asked after it
  logic.join();
  EXPECT_EQ(answered.load(std::memory_order_relaxed), readers * reads_each);
}

TEST(ResultBoardStress, EveryWaiterGetsItsResultsFromTheResultThread) {
  constexpr int requests = 4;
  const std::int64_t rounds = test::stress_scaled(500);
  ResultBoard board;
  // Each request "appends" by taking the next positions from a shared counter (the log
  // writer under its mutex), then waits; the result thread posts every position in order.
  std::atomic<std::uint64_t> next_position{1};
  std::atomic<std::uint64_t> appended_through{0};
  std::atomic<bool> done{false};
  std::thread result_thread([&] {
    std::uint64_t posted = 0;
    std::vector<Result> batch;
    while (!done.load(std::memory_order_acquire)) {  // acquire: pairs with the final release
      const std::uint64_t through = appended_through.load(std::memory_order_acquire);
      batch.clear();
      for (; posted < through; ++posted) {
        Result result;
        result.position = Position{0, posted + 1};
        result.type = EventType::topup;
        result.reason = Reason::accepted;
        result.balance = static_cast<std::int64_t>(posted + 1);
        batch.push_back(result);
      }
      board.post(batch);
      std::this_thread::yield();
    }
  });
  std::mutex append_mutex;
  std::vector<std::thread> threads;
  for (int r = 0; r < requests; ++r) {
    threads.emplace_back([&] {
      for (std::int64_t i = 0; i < rounds; ++i) {
        const ResultBoard::Interest interest(board);
        std::vector<Position> positions(3);
        {
          const std::lock_guard lock(append_mutex);
          for (Position& position : positions) {
            position = Position{0, next_position.fetch_add(1, std::memory_order_relaxed)};
          }
          // release: the result thread posts these only after the interest began.
          appended_through.store(positions.back().minor, std::memory_order_release);
        }
        std::vector<std::optional<Result>> results(positions.size());
        ASSERT_EQ(board.wait(positions, std::chrono::steady_clock::now() + 30s, results),
                  ResultBoard::Outcome::complete);
        for (std::size_t k = 0; k < positions.size(); ++k) {
          ASSERT_EQ(results[k]->position, positions[k]);
          ASSERT_EQ(static_cast<std::uint64_t>(results[k]->balance), positions[k].minor);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  done.store(true, std::memory_order_release);  // release: pairs with the acquire above
  result_thread.join();
}

}  // namespace
}  // namespace lmx::service
