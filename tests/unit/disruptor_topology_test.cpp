// The topology helper, by the graphs the Java Disruptor names: each graph sees every event
// once, in order, each stage after the stages it follows; the ring gates on the last stage
// only; and the wiring mistakes it can catch are refused with a message.

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "lmx/disruptor/blocking_wait_strategy.hpp"
#include "lmx/disruptor/multi_producer_sequencer.hpp"
#include "lmx/disruptor/ring_buffer.hpp"
#include "lmx/disruptor/single_producer_sequencer.hpp"
#include "lmx/disruptor/topology.hpp"
#include "lmx/disruptor/yielding_wait_strategy.hpp"

namespace lmx::disruptor {
namespace {

struct Event {
  std::int64_t value = -1;
  std::int64_t a = 0;  // written by the first stage
  std::int64_t b = 0;  // written by a second stage
  std::int64_t producer = 0;
};

using Ring = RingBuffer<Event, SingleProducerSequencer<BlockingWaitStrategy>>;

void publish_values(auto& ring, std::int64_t count, std::int64_t producer = 0) {
  for (std::int64_t v = 0; v < count; ++v) {
    ring.publish_event([v, producer](Event& e, std::int64_t) {
      e.value = v;
      e.producer = producer;
    });
  }
}

// Writes `a` and checks every event arrives once, in order. Later stages check what the
// stages before them wrote: a stage running ahead of its upstream counts an error.
struct First {
  std::int64_t next = 0;
  std::int64_t errors = 0;
  void on_event(Event& e, std::int64_t sequence, bool) {
    errors += e.value != next || sequence != next;
    e.a = e.value + 1;
    ++next;
  }
};
struct Second {
  std::int64_t next = 0;
  std::int64_t errors = 0;
  void on_event(Event& e, std::int64_t, bool) {
    errors += e.value != next || e.a != e.value + 1;
    e.b = e.value + 2;
    ++next;
  }
};
struct AfterBoth {
  std::int64_t next = 0;
  std::int64_t errors = 0;
  void on_event(Event& e, std::int64_t, bool) {
    errors += e.value != next || e.a != e.value + 1 || e.b != e.value + 2;
    ++next;
  }
};

template <class Stage>
void expect_saw_all(const Stage& stage, std::int64_t count) {
  EXPECT_EQ(stage.errors, 0);
  EXPECT_EQ(stage.next, count);
}

constexpr std::int64_t event_count = 20'000;

TEST(DisruptorTopology, one_to_one) {
  Ring ring(64);
  First consumer;
  Topology topology(ring);
  topology.handle_events_with(consumer);
  EXPECT_EQ(topology.processor_count(), 1u);
  topology.start();
  publish_values(ring, event_count);  // many laps: the ring gates on the consumer
  topology.drain();
  topology.join();
  expect_saw_all(consumer, event_count);
  EXPECT_EQ(topology.processor_for(consumer).sequence().get(), event_count - 1);
}

TEST(DisruptorTopology, pipeline) {
  Ring ring(64);
  First first;
  Second second;
  AfterBoth third;
  Topology topology(ring);
  topology.handle_events_with(first).then(second).then(third);
  topology.start();
  publish_values(ring, event_count);
  topology.drain();
  topology.join();
  expect_saw_all(first, event_count);
  expect_saw_all(second, event_count);
  expect_saw_all(third, event_count);
}

TEST(DisruptorTopology, diamond) {
  Ring ring(64);
  First left;
  struct Right {  // writes `b` alongside `left`, without reading `a`
    std::int64_t next = 0;
    std::int64_t errors = 0;
    void on_event(Event& e, std::int64_t, bool) {
      errors += e.value != next;
      e.b = e.value + 2;
      ++next;
    }
  } right;
  AfterBoth join;
  Topology topology(ring);
  topology.handle_events_with(left, right).then(join);
  EXPECT_EQ(topology.processor_count(), 3u);
  topology.start();
  publish_values(ring, event_count);
  topology.drain();
  topology.join();
  expect_saw_all(left, event_count);
  expect_saw_all(right, event_count);
  expect_saw_all(join, event_count);
}

TEST(DisruptorTopology, multicast) {
  Ring ring(64);
  std::array<First, 3> consumers{};
  Topology topology(ring);
  topology.handle_events_with(consumers[0], consumers[1], consumers[2]);
  topology.start();
  publish_values(ring, event_count);
  topology.drain();
  topology.join();
  for (const First& consumer : consumers) expect_saw_all(consumer, event_count);
}

TEST(DisruptorTopology, three_to_one) {
  RingBuffer<Event, MultiProducerSequencer<YieldingWaitStrategy>> ring(64);
  struct PerProducer {
    std::array<std::int64_t, 3> next{};
    std::int64_t errors = 0;
    void on_event(Event& e, std::int64_t, bool) {
      auto& expected = next.at(static_cast<std::size_t>(e.producer));
      errors += e.value != expected;
      ++expected;
    }
  } consumer;
  Topology topology(ring);
  topology.handle_events_with(consumer);
  topology.start();
  {
    std::vector<std::thread> producers;
    for (std::int64_t p = 0; p < 3; ++p) {
      producers.emplace_back([&ring, p] { publish_values(ring, event_count, p); });
    }
    for (std::thread& t : producers) t.join();
  }
  topology.drain();
  topology.join();
  EXPECT_EQ(consumer.errors, 0);
  for (const std::int64_t n : consumer.next) EXPECT_EQ(n, event_count);
}

// Two branches, A -> B and C, joined by D: `with` merges groups for the join.
TEST(DisruptorTopology, branches_joined_with_with) {
  Ring ring(64);
  First a;
  Second b;
  struct Branch {
    std::int64_t next = 0;
    void on_event(Event&, std::int64_t, bool) { ++next; }
  } c;
  struct Join {
    std::int64_t next = 0;
    std::int64_t errors = 0;
    void on_event(Event& e, std::int64_t, bool) {
      errors += e.value != next || e.b != e.value + 2;  // B, hence A, came first
      ++next;
    }
  } d;
  Topology topology(ring);
  auto ab = topology.handle_events_with(a).then(b);
  auto branch_c = topology.handle_events_with(c);
  ab.with(branch_c).then(d);
  topology.start();
  publish_values(ring, event_count);
  topology.drain();
  topology.join();
  expect_saw_all(b, event_count);
  EXPECT_EQ(c.next, event_count);
  EXPECT_EQ(d.next, event_count);
  EXPECT_EQ(d.errors, 0);
}

// The ring gates on the last stage alone: with the ring full, running the first stage
// frees nothing; running the last one frees the whole ring. Processors run on this thread.
TEST(DisruptorTopology, GatesTheProducerOnTheLastStageOnly) {
  Ring ring(4);
  First first;
  Second second;
  Topology topology(ring);
  topology.handle_events_with(first).then(second);
  publish_values(ring, 4);
  EXPECT_EQ(ring.remaining_capacity(), 0);
  auto& first_processor = topology.processor_for(first);
  first_processor.drain();
  first_processor.run();
  EXPECT_EQ(first_processor.sequence().get(), 3);
  EXPECT_EQ(ring.remaining_capacity(), 0);  // `second` has not read any slot yet
  auto& second_processor = topology.processor_for(second);
  second_processor.drain();
  second_processor.run();
  EXPECT_EQ(ring.remaining_capacity(), 4);
  expect_saw_all(second, 4);
}

// The engine's shape: an input ring whose one consumer publishes to an output ring with a
// consumer of its own, stopped in pipeline order so no result is left in the output ring.
TEST(DisruptorTopology, TwoRingsStopInPipelineOrder) {
  Ring input(64);
  Ring output(64);
  struct Logic {
    Ring& output;
    void on_event(Event& e, std::int64_t, bool) {
      output.publish_event([&e](Event& result, std::int64_t) { result.value = e.value * 2; });
    }
  } logic{output};
  struct Writer {
    std::int64_t count = 0;
    std::int64_t errors = 0;
    void on_event(Event& e, std::int64_t, bool) {
      errors += e.value != 2 * count;
      ++count;
    }
  } writer;
  Topology input_stages(input);
  input_stages.handle_events_with(logic);
  Topology output_stages(output);
  output_stages.handle_events_with(writer);
  output_stages.start();
  input_stages.start();
  publish_values(input, event_count);
  input_stages.drain();
  input_stages.join();  // the logic has published its last result
  output_stages.drain();
  output_stages.join();
  EXPECT_EQ(writer.count, event_count);
  EXPECT_EQ(writer.errors, 0);
}

TEST(DisruptorTopology, JoinRethrowsAHandlerFailure) {
  Ring ring(8);
  struct Failing {
    void on_event(Event& e, std::int64_t, bool) {
      if (e.value == 2) throw std::runtime_error("event 2 is bad");
    }
  } failing;
  Topology topology(ring);
  topology.handle_events_with(failing);
  topology.start();
  publish_values(ring, 3);
  while (!topology.any_stopped()) std::this_thread::yield();
  EXPECT_EQ(topology.processor_for(failing).sequence().get(), 1);
  EXPECT_THROW(topology.join(), std::runtime_error);
}

TEST(DisruptorTopology, RefusesWiringMistakesWithAMessage) {
  Ring ring(8);
  Ring other_ring(8);
  First added;
  First never_added;
  Topology topology(ring);
  auto group = topology.handle_events_with(added);
  Topology other(other_ring);
  Second elsewhere;
  auto other_group = other.handle_events_with(elsewhere);
  const auto message = [](auto&& call) -> std::string {
    try {
      call();
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message([&] { topology.handle_events_with(added); }).find("added twice"),
            std::string::npos);
  EXPECT_NE(message([&] { (void)topology.processor_for(never_added); }).find("never added"),
            std::string::npos);
  EXPECT_NE(message([&] { (void)group.with(other_group); }).find("two topologies"),
            std::string::npos);
}

TEST(DisruptorTopology, DestructionStopsThreadsStillRunning) {
  Ring ring(8);
  First consumer;
  {
    Topology topology(ring);
    topology.handle_events_with(consumer);
    topology.start();
    publish_values(ring, 5);
  }  // halts and joins: no std::terminate from a joinable thread
  EXPECT_LE(consumer.next, 5);
  EXPECT_EQ(consumer.errors, 0);
}

}  // namespace
}  // namespace lmx::disruptor
