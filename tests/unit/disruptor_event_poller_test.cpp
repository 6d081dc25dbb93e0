// The pull-model consumer: what each poll state means, early stop, and failure accounting.

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "lmx/disruptor/busy_spin_wait_strategy.hpp"
#include "lmx/disruptor/event_poller.hpp"
#include "lmx/disruptor/ring_buffer.hpp"
#include "lmx/disruptor/single_producer_sequencer.hpp"

namespace lmx::disruptor {
namespace {

struct Slot {
  std::int64_t value = -1;
};

using Ring = RingBuffer<Slot, SingleProducerSequencer<BusySpinWaitStrategy>>;
using Poller = EventPoller<Ring>;

void publish_values(Ring& ring, std::int64_t count) {
  ring.publish_events(count, [](Slot& s, std::int64_t sequence) { s.value = sequence * 3; });
}

TEST(DisruptorEventPoller, DeliversWhatIsPublishedInOrder) {
  Ring ring(16);
  Poller poller(ring);
  std::vector<std::int64_t> seen;
  std::vector<bool> ends;
  const auto record = [&](Slot& s, std::int64_t, bool end_of_batch) {
    seen.push_back(s.value);
    ends.push_back(end_of_batch);
    return true;
  };
  EXPECT_EQ(poller.poll(record), Poller::State::idle);
  publish_values(ring, 3);
  EXPECT_EQ(poller.poll(record), Poller::State::processing);
  EXPECT_EQ(seen, (std::vector<std::int64_t>{0, 3, 6}));
  EXPECT_EQ(ends, (std::vector<bool>{false, false, true}));
  EXPECT_EQ(poller.sequence().get(), 2);
  EXPECT_EQ(poller.poll(record), Poller::State::idle);
}

TEST(DisruptorEventPoller, ReportsGatingWhileAnUpstreamConsumerLags) {
  Ring ring(16);
  Sequence upstream;
  Poller poller(ring, upstream);
  publish_values(ring, 4);
  std::int64_t count = 0;
  const auto counter = [&](Slot&, std::int64_t, bool) { return ++count > 0; };
  EXPECT_EQ(poller.poll(counter), Poller::State::gating);
  upstream.set(1);
  EXPECT_EQ(poller.poll(counter), Poller::State::processing);
  EXPECT_EQ(count, 2);
  EXPECT_EQ(poller.poll(counter), Poller::State::gating);
}

TEST(DisruptorEventPoller, HandlerReturningFalseLeavesTheRestForLater) {
  Ring ring(16);
  Poller poller(ring);
  publish_values(ring, 5);
  std::vector<std::int64_t> seen;
  const auto two_at_a_time = [&](Slot&, std::int64_t sequence, bool) {
    seen.push_back(sequence);
    return sequence % 2 == 0;  // stop after each odd sequence
  };
  EXPECT_EQ(poller.poll(two_at_a_time), Poller::State::processing);
  EXPECT_EQ(poller.sequence().get(), 1);
  EXPECT_EQ(poller.poll(two_at_a_time), Poller::State::processing);
  EXPECT_EQ(poller.poll(two_at_a_time), Poller::State::processing);
  EXPECT_EQ(seen, (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
}

TEST(DisruptorEventPoller, AThrowingHandlerKeepsTheEventsBeforeIt) {
  Ring ring(16);
  Poller poller(ring);
  publish_values(ring, 5);
  const auto fail_at_three = [](Slot&, std::int64_t sequence, bool) {
    if (sequence == 3) throw std::runtime_error("bad");
    return true;
  };
  EXPECT_THROW((void)poller.poll(fail_at_three), std::runtime_error);
  EXPECT_EQ(poller.sequence().get(), 2);
}

}  // namespace
}  // namespace lmx::disruptor
