// The multi-producer sequencer: claims past a cursor that means "claimed", and per-slot
// availability flags that let consumers read only the unbroken published run.

#include <gtest/gtest.h>

#include <cstdint>

#include "lmx/disruptor/busy_spin_wait_strategy.hpp"
#include "lmx/disruptor/multi_producer_sequencer.hpp"
#include "lmx/disruptor/ring_buffer.hpp"

namespace lmx::disruptor {
namespace {

struct Slot {
  std::int64_t value = -1;
};

using Ring = RingBuffer<Slot, MultiProducerSequencer<BusySpinWaitStrategy>>;

TEST(DisruptorMultiProducer, ConsumersSeeOnlyTheUnbrokenPublishedRun) {
  Ring ring(8);
  auto& sequencer = ring.sequencer();
  EXPECT_EQ(ring.next(3), 2);
  EXPECT_EQ(ring.cursor(), 2);  // the cursor counts claims
  ring.publish(2);
  ring.publish(0);
  EXPECT_TRUE(sequencer.is_available(0));
  EXPECT_FALSE(sequencer.is_available(1));
  EXPECT_TRUE(sequencer.is_available(2));
  EXPECT_EQ(sequencer.highest_published(0, 2), 0);
  EXPECT_EQ(sequencer.highest_published(1, 2), 0);  // 1 itself is not published
  ring.publish(1);
  EXPECT_EQ(sequencer.highest_published(0, 2), 2);
  auto barrier = ring.new_barrier();
  EXPECT_EQ(barrier.wait_for(0), 2);
}

TEST(DisruptorMultiProducer, ASlotFromThePreviousLapIsNotAvailable) {
  Ring ring(4);
  Sequence consumer;
  ring.add_gating_sequences(consumer);
  ring.publish(0, ring.next(4));
  consumer.set(3);
  EXPECT_EQ(ring.next(), 4);  // the same slot as 0, one lap later
  EXPECT_FALSE(ring.sequencer().is_available(4));
  EXPECT_TRUE(ring.sequencer().is_available(3));
  ring.publish(4);
  EXPECT_TRUE(ring.sequencer().is_available(4));
  EXPECT_FALSE(ring.sequencer().is_available(0));
}

TEST(DisruptorMultiProducer, TryNextFailsWhenFull) {
  Ring ring(4);
  Sequence consumer;
  ring.add_gating_sequences(consumer);
  ASSERT_EQ(ring.try_next(3), 2);
  EXPECT_FALSE(ring.try_next(2));
  EXPECT_EQ(ring.cursor(), 2);  // a failed try claims nothing
  EXPECT_EQ(ring.try_next(), 3);
  EXPECT_EQ(ring.remaining_capacity(), 0);
  consumer.set(0);
  EXPECT_EQ(ring.remaining_capacity(), 1);
  EXPECT_EQ(ring.try_next(), 4);
}

TEST(DisruptorMultiProducer, ClaimPublishesEverySlotOfABatch) {
  Ring ring(8);
  {
    auto slots = ring.claim(3);
    for (std::int64_t i = 0; i < slots.count(); ++i) slots[i].value = i;
  }
  EXPECT_EQ(ring.sequencer().highest_published(0, ring.cursor()), 2);
}

}  // namespace
}  // namespace lmx::disruptor
