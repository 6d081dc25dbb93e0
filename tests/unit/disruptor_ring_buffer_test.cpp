// The ring, its single-producer sequencer and barriers, one property per case. Threads
// appear only where the property is about waking a waiting consumer.

#include <gtest/gtest.h>

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

// A consumer waiting on `Strategy` for a sequence never published wakes when alerted.
template <class Strategy>
void expect_alert_wakes_waiter() {
  RingBuffer<Slot, SingleProducerSequencer<Strategy>> ring(8);
  auto barrier = ring.new_barrier();
  std::int64_t result = 0;
  std::thread waiter([&] { result = barrier.wait_for(0); });
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  barrier.alert();
  waiter.join();
  EXPECT_TRUE(precedes(result, 0));
  EXPECT_TRUE(barrier.is_alerted());
  EXPECT_TRUE(barrier.clear_alert());
  EXPECT_FALSE(barrier.is_alerted());
}

TEST(DisruptorSequenceBarrier, AlertWakesEveryWaitStrategy) {
  expect_alert_wakes_waiter<BusySpinWaitStrategy>();
  expect_alert_wakes_waiter<YieldingWaitStrategy>();
  expect_alert_wakes_waiter<SleepingWaitStrategy>();
  expect_alert_wakes_waiter<BlockingWaitStrategy>();
}

TEST(DisruptorSequenceBarrier, BlockingWaiterWakesOnPublish) {
  RingBuffer<Slot, SingleProducerSequencer<BlockingWaitStrategy>> ring(8);
  auto barrier = ring.new_barrier();
  std::int64_t result = initial_sequence;
  std::thread waiter([&] { result = barrier.wait_for(2); });
  for (std::int64_t i = 0; i < 3; ++i) {
    ring.publish_event([](Slot& s, std::int64_t sequence) { s.value = sequence; });
  }
  waiter.join();
  EXPECT_EQ(result, 2);
  EXPECT_FALSE(barrier.is_alerted());
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
