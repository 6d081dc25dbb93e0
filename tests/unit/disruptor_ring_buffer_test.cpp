// The ring, its single-producer sequencer and barriers, one property per case. Threads
// appear only where the property is about waking a waiting consumer.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>

#include "lmx/disruptor/blocking_wait_strategy.hpp"
#include "lmx/disruptor/busy_spin_wait_strategy.hpp"
#include "lmx/disruptor/ring_buffer.hpp"
#include "lmx/disruptor/single_producer_sequencer.hpp"
#include "lmx/disruptor/sleeping_wait_strategy.hpp"
#include "lmx/disruptor/timeout_blocking_wait_strategy.hpp"
#include "lmx/disruptor/yielding_wait_strategy.hpp"

namespace lmx::disruptor {
namespace {

struct Slot {
  std::int64_t value = -1;
};

using SpinRing = RingBuffer<Slot, SingleProducerSequencer<BusySpinWaitStrategy>>;

std::string construction_error(std::size_t size) {
  try {
    SpinRing ring(size);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(DisruptorRingBuffer, RejectsSizesThatAreNotPowersOfTwo) {
  EXPECT_NE(construction_error(0).find("power of two"), std::string::npos);
  EXPECT_NE(construction_error(1000).find("power of two"), std::string::npos);
  EXPECT_NE(construction_error(ring_size_max * 2).find("ring_size_max"), std::string::npos);
  EXPECT_EQ(construction_error(1), "");
  EXPECT_EQ(construction_error(1024), "");
}

TEST(DisruptorRingBuffer, SlotsWrapAroundTheRing) {
  SpinRing ring(4);
  EXPECT_EQ(&ring[0], &ring[4]);
  EXPECT_EQ(&ring[3], &ring[7]);
  EXPECT_NE(&ring[0], &ring[1]);
  EXPECT_EQ(ring.buffer_size(), 4);
}

TEST(DisruptorRingBuffer, NextClaimsInOrderAndPublishMovesTheCursor) {
  SpinRing ring(8);
  EXPECT_EQ(ring.cursor(), initial_sequence);
  EXPECT_EQ(ring.next(), 0);
  EXPECT_EQ(ring.cursor(), initial_sequence);  // claimed is not published
  ring.publish(0);
  EXPECT_EQ(ring.cursor(), 0);
  EXPECT_EQ(ring.next(3), 3);
  ring.publish(1, 3);
  EXPECT_EQ(ring.cursor(), 3);
}

TEST(DisruptorRingBuffer, TryNextFailsWhenTheSlowestConsumerWouldBeLapped) {
  SpinRing ring(4);
  Sequence consumer;
  ring.add_gating_sequences(consumer);
  EXPECT_EQ(ring.remaining_capacity(), 4);
  ASSERT_EQ(ring.try_next(4), 3);
  ring.publish(0, 3);
  EXPECT_EQ(ring.remaining_capacity(), 0);
  EXPECT_FALSE(ring.try_next());
  consumer.set(1);  // the consumer is done with 0 and 1
  EXPECT_EQ(ring.remaining_capacity(), 2);
  EXPECT_FALSE(ring.try_next(3));
  EXPECT_EQ(ring.try_next(2), 5);
}

TEST(DisruptorRingBuffer, ClaimPublishesWhenItGoesOutOfScope) {
  SpinRing ring(8);
  {
    auto slot = ring.claim();
    slot->value = 10;
    EXPECT_EQ(ring.cursor(), initial_sequence);
  }
  EXPECT_EQ(ring.cursor(), 0);
  EXPECT_EQ(ring[0].value, 10);
  {
    auto slots = ring.claim(3);
    EXPECT_EQ(slots.first(), 1);
    EXPECT_EQ(slots.last(), 3);
    for (std::int64_t i = 0; i < slots.count(); ++i) slots[i].value = 20 + i;
  }
  EXPECT_EQ(ring.cursor(), 3);
  EXPECT_EQ(ring[3].value, 22);
}

TEST(DisruptorRingBuffer, TranslatorPublishesEvenWhenItThrows) {
  SpinRing ring(8);
  EXPECT_THROW(ring.publish_event([](Slot&, std::int64_t) { throw std::runtime_error("x"); }),
               std::runtime_error);
  EXPECT_EQ(ring.cursor(), 0);  // the slot was published, so consumers cannot stall on it
  ring.publish_events(3, [](Slot& s, std::int64_t sequence) { s.value = sequence * 10; });
  EXPECT_EQ(ring.cursor(), 3);
  EXPECT_EQ(ring[2].value, 20);
}

TEST(DisruptorRingBuffer, TryPublishEventFailsOnAFullRing) {
  SpinRing ring(2);
  Sequence consumer;
  ring.add_gating_sequences(consumer);
  const auto fill = [](Slot& s, std::int64_t sequence) { s.value = sequence; };
  EXPECT_TRUE(ring.try_publish_event(fill));
  EXPECT_TRUE(ring.try_publish_event(fill));
  EXPECT_FALSE(ring.try_publish_event(fill));
  EXPECT_EQ(ring.cursor(), 1);
  consumer.set(0);
  EXPECT_TRUE(ring.try_publish_event(fill));
  EXPECT_EQ(ring[2].value, 2);
}

TEST(DisruptorSequenceBarrier, ReturnsTheHighestAvailableSequence) {
  SpinRing ring(16);
  ring.publish(ring.next(5));
  auto barrier = ring.new_barrier();
  EXPECT_EQ(barrier.wait_for(0), 4);
  EXPECT_EQ(barrier.wait_for(4), 4);
}

TEST(DisruptorSequenceBarrier, FollowsTheSlowestDependency) {
  SpinRing ring(16);
  ring.publish(ring.next(10));
  Sequence b(6), c(3);
  auto barrier = ring.new_barrier(b, c);
  EXPECT_EQ(barrier.dependent_sequence(), 3);
  EXPECT_EQ(barrier.wait_for(2), 3);
  c.set(8);
  EXPECT_EQ(barrier.wait_for(5), 6);
}

// How long a woken waiter may take to return. Far above any scheduler delay: it bounds a
// hang (a lost wake-up), it does not measure speed.
constexpr auto wake_bound = std::chrono::seconds(10);

// Spins until `done()` or `wake_bound` passes; returns done().
template <class Done>
bool eventually(Done&& done) {
  const auto deadline = std::chrono::steady_clock::now() + wake_bound;
  while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  return done();
}

// A thread calling barrier.wait_for(sequence), that says when it has returned.
template <class Barrier>
class Waiter {
 public:
  Waiter(Barrier& barrier, std::int64_t sequence)
      : thread_([this, &barrier, sequence] {
          result_ = barrier.wait_for(sequence);
          // release: result_ is visible to whoever sees `returned_`.
          returned_.store(true, std::memory_order_release);
        }) {}
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;
  ~Waiter() {
    if (thread_.joinable()) thread_.join();
  }

  // acquire: pairs with the release store on the waiter thread.
  [[nodiscard]] bool returned() const { return returned_.load(std::memory_order_acquire); }

  // Joins if the waiter returned within wake_bound; a lost wake-up fails instead of hanging.
  [[nodiscard]] bool joined_in_bound() {
    if (!eventually([this] { return returned(); })) return false;
    thread_.join();
    return true;
  }

  [[nodiscard]] std::int64_t result() const { return result_; }

 private:
  std::int64_t result_ = 0;
  std::atomic<bool> returned_{false};
  std::thread thread_;  // last: it starts running once the members above exist
};

// Blocking strategies count their sleepers: returns once the waiter is surely asleep (or
// holds the lock on its way into wait()), so only a real wake-up can make it return.
template <class Strategy>
bool asleep_in(const Strategy& strategy) {
  return eventually([&strategy] { return strategy.sleeper_count() == 1; });
}

// A consumer waiting on `Strategy` for a sequence never published wakes when alerted.
template <class Strategy, class... StrategyArgs>
void expect_alert_wakes_waiter(StrategyArgs... strategy_args) {
  RingBuffer<Slot, SingleProducerSequencer<Strategy>> ring(8, strategy_args...);
  auto barrier = ring.new_barrier();
  Waiter waiter(barrier, 0);
  if constexpr (requires(Strategy s) { s.sleeper_count(); }) {
    ASSERT_TRUE(asleep_in(ring.sequencer().wait_strategy()));
  } else {
    // Spinning strategies have no sleep to observe; give the waiter time to start spinning.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_FALSE(waiter.returned());
  barrier.alert();
  ASSERT_TRUE(waiter.joined_in_bound()) << "the alert did not wake the waiter";
  EXPECT_TRUE(precedes(waiter.result(), 0));
  EXPECT_TRUE(barrier.is_alerted());
  EXPECT_TRUE(barrier.clear_alert());
  EXPECT_FALSE(barrier.is_alerted());
}

TEST(DisruptorSequenceBarrier, AlertWakesEveryWaitStrategy) {
  expect_alert_wakes_waiter<BusySpinWaitStrategy>();
  expect_alert_wakes_waiter<YieldingWaitStrategy>();
  expect_alert_wakes_waiter<SleepingWaitStrategy>();
  expect_alert_wakes_waiter<BlockingWaitStrategy>();
  // A timeout far beyond the wake bound: only the alert can end this wait in time.
  expect_alert_wakes_waiter<TimeoutBlockingWaitStrategy>(
      std::chrono::nanoseconds(std::chrono::hours(1)));
}

TEST(DisruptorSequenceBarrier, BlockingWaiterWakesOnPublish) {
  RingBuffer<Slot, SingleProducerSequencer<BlockingWaitStrategy>> ring(8);
  auto barrier = ring.new_barrier();
  Waiter waiter(barrier, 2);
  ASSERT_TRUE(asleep_in(ring.sequencer().wait_strategy()));
  for (std::int64_t i = 0; i < 3; ++i) {
    ring.publish_event([](Slot& s, std::int64_t sequence) { s.value = sequence; });
  }
  ASSERT_TRUE(waiter.joined_in_bound()) << "the publish did not wake the sleeping waiter";
  EXPECT_EQ(waiter.result(), 2);
  EXPECT_FALSE(barrier.is_alerted());
  EXPECT_EQ(ring.sequencer().wait_strategy().sleeper_count(), 0);
}

TEST(DisruptorSequenceBarrier, TimeoutStrategyReturnsEarlyWithoutAlert) {
  using Ring = RingBuffer<Slot, SingleProducerSequencer<TimeoutBlockingWaitStrategy>>;
  Ring ring(8, std::chrono::milliseconds(1));
  ring.publish(ring.next());
  auto barrier = ring.new_barrier();
  EXPECT_EQ(barrier.wait_for(1), 0);  // timed out: the last available, before 1
  EXPECT_FALSE(barrier.is_alerted());
  EXPECT_EQ(barrier.wait_for(0), 0);
}

TEST(DisruptorSequenceBarrier, TimeoutStrategyRejectsANonPositiveTimeout) {
  EXPECT_THROW(TimeoutBlockingWaitStrategy(std::chrono::nanoseconds(0)), std::invalid_argument);
}

}  // namespace
}  // namespace lmx::disruptor
