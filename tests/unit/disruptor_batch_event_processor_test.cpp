// The batch event processor's contract: every event once, in order, in capped batches; the
// lifecycle hooks; halt, drain and timeout; and both exception policies.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "lmx/disruptor/batch_event_processor.hpp"
#include "lmx/disruptor/blocking_wait_strategy.hpp"
#include "lmx/disruptor/ring_buffer.hpp"
#include "lmx/disruptor/single_producer_sequencer.hpp"
#include "lmx/disruptor/timeout_blocking_wait_strategy.hpp"

namespace lmx::disruptor {
namespace {

struct Slot {
  std::int64_t value = -1;
};

using Ring = RingBuffer<Slot, SingleProducerSequencer<BlockingWaitStrategy>>;

void publish_values(Ring& ring, std::int64_t first, std::int64_t count) {
  for (std::int64_t v = first; v < first + count; ++v) {
    ring.publish_event([v](Slot& s, std::int64_t) { s.value = v; });
  }
}

// Records what it is given, on the processor thread; read after join().
struct Recorder {
  std::vector<std::int64_t> values;
  std::vector<std::int64_t> sequences;
  std::vector<std::int64_t> batch_ends;
  int starts = 0;
  int shutdowns = 0;
  std::int64_t throw_at = -2;

  void on_start() { ++starts; }
  void on_shutdown() { ++shutdowns; }
  void on_event(Slot& slot, std::int64_t sequence, bool end_of_batch) {
    if (sequence == throw_at) throw std::runtime_error("bad event");
    values.push_back(slot.value);
    sequences.push_back(sequence);
    if (end_of_batch) batch_ends.push_back(sequence);
  }
};

class DisruptorBatchEventProcessor : public ::testing::Test {
 protected:
  Ring ring{64};
  Ring::barrier_type barrier = ring.new_barrier();
  Recorder recorder;
};

TEST_F(DisruptorBatchEventProcessor, DrainDeliversEveryEventOnceInOrderInCappedBatches) {
  BatchEventProcessor processor(ring, barrier, recorder, HaltOnException{}, 8);
  ring.add_gating_sequences(processor.sequence());
  publish_values(ring, 100, 50);  // all published before the processor starts: big batches
  processor.drain();
  processor.run();  // on this thread: drain makes it return once 0..49 are done

  ASSERT_EQ(recorder.values.size(), 50u);
  for (std::int64_t i = 0; i < 50; ++i) {
    EXPECT_EQ(recorder.sequences[static_cast<std::size_t>(i)], i);
    EXPECT_EQ(recorder.values[static_cast<std::size_t>(i)], 100 + i);
  }
  // Batches of at most 8: ends at 7, 15, ..., 47, then 49.
  ASSERT_EQ(recorder.batch_ends.size(), 7u);
  EXPECT_EQ(recorder.batch_ends.front(), 7);
  EXPECT_EQ(recorder.batch_ends.back(), 49);
  EXPECT_EQ(processor.sequence().get(), 49);
  EXPECT_EQ(recorder.starts, 1);
  EXPECT_EQ(recorder.shutdowns, 1);
  EXPECT_FALSE(processor.is_running());
}

// A handler with on_batch_start learns each batch's bounds before its first event, and
// every slot up to the batch's end is published then: it may read ahead.
struct LookAhead {
  const Ring& ring;
  std::vector<std::pair<std::int64_t, std::int64_t>> batches;
  std::vector<std::int64_t> last_values;  // the value at the batch's end, read at its start
  std::int64_t batch_last = -1;
  bool in_batch_order = true;

  void on_batch_start(std::int64_t first, std::int64_t last) {
    batches.emplace_back(first, last);
    last_values.push_back(ring[last].value);
    batch_last = last;
  }
  void on_event(Slot&, std::int64_t sequence, bool end_of_batch) {
    in_batch_order = in_batch_order && batches.back().first <= sequence && sequence <= batch_last &&
                     end_of_batch == (sequence == batch_last);
  }
};

TEST_F(DisruptorBatchEventProcessor, BatchStartHookGetsTheBoundsBeforeTheEvents) {
  LookAhead handler{ring, {}, {}, -1, true};
  BatchEventProcessor processor(ring, barrier, handler, HaltOnException{}, 8);
  ring.add_gating_sequences(processor.sequence());
  publish_values(ring, 100, 20);
  processor.drain();
  processor.run();

  const std::vector<std::pair<std::int64_t, std::int64_t>> expected = {{0, 7}, {8, 15}, {16, 19}};
  EXPECT_EQ(handler.batches, expected);
  EXPECT_EQ(handler.last_values, (std::vector<std::int64_t>{107, 115, 119}));
  EXPECT_TRUE(handler.in_batch_order);
}

TEST_F(DisruptorBatchEventProcessor, RejectsAZeroBatchCap) {
  EXPECT_THROW(BatchEventProcessor(ring, barrier, recorder, HaltOnException{}, 0),
               std::invalid_argument);
}

TEST_F(DisruptorBatchEventProcessor, HaltWakesAProcessorBlockedOnAnEmptyRing) {
  BatchEventProcessor processor(ring, barrier, recorder);
  std::thread thread([&] { processor.run(); });
  publish_values(ring, 0, 3);
  // Halt only once the processor has processed all three and is asleep waiting for 3, so
  // the halt must wake it; a bounded wait turns a lost wake-up into a failure, not a hang.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  // Sequence first: a count read after seeing 2 is not a stale one from a sleep before the
  // events arrived (that sleep ended before the events were processed and 2 was stored).
  const auto asleep = [&] {
    return processor.sequence().get() == 2 && ring.sequencer().wait_strategy().sleeper_count() == 1;
  };
  while (!asleep() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_TRUE(asleep()) << "the processor never went to sleep after the third event";
  processor.halt();
  while (processor.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_FALSE(processor.is_running()) << "halt() did not wake the sleeping processor";
  thread.join();
  EXPECT_FALSE(processor.is_running());
  EXPECT_EQ(recorder.starts, 1);
  EXPECT_EQ(recorder.shutdowns, 1);
  EXPECT_EQ(recorder.values, (std::vector<std::int64_t>{0, 1, 2}));
}

TEST_F(DisruptorBatchEventProcessor, HaltBeforeRunReturnsAtOnce) {
  BatchEventProcessor processor(ring, barrier, recorder);
  publish_values(ring, 0, 3);
  processor.halt();
  processor.run();
  EXPECT_TRUE(recorder.values.empty());
  EXPECT_EQ(recorder.starts, 1);  // hooks still come in pairs
  EXPECT_EQ(recorder.shutdowns, 1);
  EXPECT_EQ(processor.sequence().get(), initial_sequence);
  // A halted processor can run again, from where it stopped.
  processor.drain();
  processor.run();
  EXPECT_EQ(recorder.values.size(), 3u);
}

TEST_F(DisruptorBatchEventProcessor, DrainBeforeRunOfAnEmptyRingReturnsAtOnce) {
  BatchEventProcessor processor(ring, barrier, recorder);
  processor.drain();
  processor.run();  // on this thread: nothing was published, so nothing to wait for
  EXPECT_TRUE(recorder.values.empty());
  EXPECT_EQ(recorder.starts, 1);
  EXPECT_EQ(recorder.shutdowns, 1);
}

TEST_F(DisruptorBatchEventProcessor, DrainWaitsForEventsPublishedBeforeIt) {
  BatchEventProcessor processor(ring, barrier, recorder);
  ring.add_gating_sequences(processor.sequence());
  std::thread thread([&] { processor.run(); });
  publish_values(ring, 0, 300);  // several laps of the ring: the producer waits on the consumer
  processor.drain();
  thread.join();
  ASSERT_EQ(recorder.values.size(), 300u);
  EXPECT_EQ(recorder.values.back(), 299);
}

struct IdleCounter {
  int timeouts = 0;
  std::int64_t last_timeout_sequence = -2;
  std::int64_t events = 0;
  BatchEventProcessor<RingBuffer<Slot, SingleProducerSequencer<TimeoutBlockingWaitStrategy>>,
                      IdleCounter>* processor = nullptr;

  void on_event(Slot&, std::int64_t, bool) { ++events; }
  void on_timeout(std::int64_t sequence) {
    last_timeout_sequence = sequence;
    if (++timeouts == 3) processor->halt();  // the handler may halt its own processor
  }
};

TEST(DisruptorBatchEventProcessorTimeout, HookRunsWhileIdle) {
  RingBuffer<Slot, SingleProducerSequencer<TimeoutBlockingWaitStrategy>> ring(
      8, std::chrono::milliseconds(1));
  ring.publish_event([](Slot& s, std::int64_t) { s.value = 1; });
  auto barrier = ring.new_barrier();
  IdleCounter counter;
  BatchEventProcessor processor(ring, barrier, counter);
  counter.processor = &processor;
  processor.run();  // returns after the third timeout halts it
  EXPECT_EQ(counter.events, 1);
  EXPECT_EQ(counter.timeouts, 3);
  EXPECT_EQ(counter.last_timeout_sequence, 0);
}

TEST_F(DisruptorBatchEventProcessor, HaltOnExceptionStopsLoudlyBeforeTheFailingEvent) {
  recorder.throw_at = 5;
  BatchEventProcessor processor(ring, barrier, recorder);
  publish_values(ring, 0, 10);
  processor.drain();
  EXPECT_THROW(processor.run(), std::runtime_error);
  EXPECT_EQ(recorder.values.size(), 5u);
  EXPECT_EQ(processor.sequence().get(), 4);  // event 5 is not marked processed
  EXPECT_EQ(recorder.shutdowns, 1);
  EXPECT_FALSE(processor.is_running());
}

TEST_F(DisruptorBatchEventProcessor, LogAndContinueSkipsTheFailingEvent) {
  recorder.throw_at = 5;
  BatchEventProcessor processor(ring, barrier, recorder, LogAndContinue{});
  publish_values(ring, 0, 10);
  processor.drain();
  processor.run();
  EXPECT_EQ(recorder.values.size(), 9u);
  EXPECT_EQ(recorder.sequences[5], 6);
  EXPECT_EQ(processor.sequence().get(), 9);
}

TEST_F(DisruptorBatchEventProcessor, LogAndContinueReportsThroughTheCallableItIsGiven) {
  recorder.throw_at = 3;
  std::vector<std::pair<std::int64_t, std::string>> reports;
  LogAndContinue policy{[&reports](std::int64_t sequence, std::string_view what) noexcept {
    reports.emplace_back(sequence, std::string(what));
  }};
  BatchEventProcessor processor(ring, barrier, recorder, policy);
  publish_values(ring, 0, 5);
  processor.drain();
  processor.run();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].first, 3);
  EXPECT_EQ(reports[0].second, "bad event");
  EXPECT_EQ(processor.sequence().get(), 4);
}

}  // namespace
}  // namespace lmx::disruptor
