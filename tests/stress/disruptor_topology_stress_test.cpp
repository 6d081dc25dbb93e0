// Topology stress: many sequenced values through each graph the engine can build, checking
// that every consumer saw every value exactly once, in order, with nothing torn, and that
// each stage saw what the stages before it wrote. Run under ThreadSanitizer (tsan preset).
// LMX_STRESS_SCALE multiplies the event counts (default 1, the short form CI runs).

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "lmx/disruptor/disruptor.hpp"
#include "stress_scale.hpp"

namespace lmx::disruptor {
namespace {

struct Event {
  std::int64_t value = -1;
  std::int64_t check = 0;  // ~value: a torn slot (half old, half new) fails the check
  std::int64_t a = 0;      // written by upstream stages, read downstream
  std::int64_t b = 0;
  std::int64_t c = 0;
  std::int64_t producer = 0;
};

template <class Ring>
void publish_values(Ring& ring, std::int64_t count, std::int64_t producer = 0) {
  std::int64_t value = 0;
  while (value < count) {
    // Mix one-slot and batch claims so both publish paths are exercised.
    const std::int64_t batch = std::min<std::int64_t>(count - value, 1 + (value % 7 == 0) * 4);
    ring.publish_events(batch, [&](Event& e, std::int64_t) {
      e.value = value;
      e.check = ~value;
      e.producer = producer;
      ++value;
    });
  }
}

// A consumer that checks each event is the next value in order, untorn, and that `visit`
// (which reads upstream stages' fields and writes its own) agrees.
template <class Visit>
struct Stage {
  Visit visit;
  std::int64_t next_value = 0;
  std::int64_t errors = 0;

  void on_event(Event& e, std::int64_t sequence, bool /*end_of_batch*/) {
    const bool in_order = e.value == next_value && e.check == ~e.value && sequence == e.value;
    if (!in_order || !visit(e)) ++errors;
    ++next_value;
  }
};
template <class Visit>
Stage(Visit) -> Stage<Visit>;

constexpr auto no_visit = [](Event&) { return true; };

// Every stage saw all `count` values, in order, and agreed with what it read.
template <class... Stages>
void expect_all_saw(std::int64_t count, const Stages&... stages) {
  std::size_t index = 0;
  const auto check = [&](const auto& stage) {
    EXPECT_EQ(stage.errors, 0) << "stage " << index;
    EXPECT_EQ(stage.next_value, count) << "stage " << index;
    ++index;
  };
  (check(stages), ...);
}

// Starts every processor of `topology` on its own thread, lets `produce` publish, then
// drains them all (each stops once it has processed everything published) and joins.
template <class Graph, class Produce>
void run_topology(Graph& topology, Produce&& produce) {
  topology.start();
  produce();
  topology.drain();
  topology.join();
}

template <class Strategy>
using OneProducerRing = RingBuffer<Event, SingleProducerSequencer<Strategy>>;

template <class Ring>
void one_to_one(std::size_t ring_size) {
  const std::int64_t count = test::stress_scaled(2'000'000);
  Ring ring(ring_size);
  Stage consumer{no_visit};
  Topology topology(ring);
  topology.handle_events_with(consumer);
  run_topology(topology, [&] { publish_values(ring, count); });
  expect_all_saw(count, consumer);
  EXPECT_EQ(topology.processor_for(consumer).sequence().get(), count - 1);
}

TEST(DisruptorStress, one_to_one_yielding) {
  one_to_one<OneProducerRing<YieldingWaitStrategy>>(1024);
}
TEST(DisruptorStress, one_to_one_blocking_small_ring) {
  one_to_one<OneProducerRing<BlockingWaitStrategy>>(64);
}
TEST(DisruptorStress, one_to_one_sleeping) {
  one_to_one<OneProducerRing<SleepingWaitStrategy>>(256);
}

TEST(DisruptorStress, pipeline) {
  const std::int64_t count = test::stress_scaled(1'000'000);
  OneProducerRing<BlockingWaitStrategy> ring(1024);
  Stage a{[](Event& e) {
    e.a = e.value * 3 + 1;
    return true;
  }};
  Stage b{[](Event& e) {
    e.b = e.a + 7;
    return e.a == e.value * 3 + 1;
  }};
  Stage c{[](Event& e) { return e.a == e.value * 3 + 1 && e.b == e.value * 3 + 8; }};
  Topology topology(ring);
  topology.handle_events_with(a).then(b).then(c);
  run_topology(topology, [&] { publish_values(ring, count); });
  expect_all_saw(count, a, b, c);
}

TEST(DisruptorStress, multicast) {
  const std::int64_t count = test::stress_scaled(1'000'000);
  OneProducerRing<YieldingWaitStrategy> ring(1024);
  std::array<Stage<std::decay_t<decltype(no_visit)>>, 3> consumers{};
  Topology topology(ring);
  topology.handle_events_with(consumers[0], consumers[1], consumers[2]);
  run_topology(topology, [&] { publish_values(ring, count); });
  expect_all_saw(count, consumers[0], consumers[1], consumers[2]);
}

TEST(DisruptorStress, diamond) {
  const std::int64_t count = test::stress_scaled(1'000'000);
  OneProducerRing<BlockingWaitStrategy> ring(512);
  Stage b{[](Event& e) {
    e.b = e.value + 1;
    return true;
  }};
  Stage c{[](Event& e) {
    e.c = e.value + 2;
    return true;
  }};
  Stage d{[](Event& e) { return e.b == e.value + 1 && e.c == e.value + 2; }};
  Topology topology(ring);
  topology.handle_events_with(b, c).then(d);
  run_topology(topology, [&] { publish_values(ring, count); });
  expect_all_saw(count, b, c, d);
}

// Each producer's values must arrive in its own order, none lost or repeated.
struct PerProducerChecker {
  std::array<std::int64_t, 3> next_value{};
  std::int64_t errors = 0;
  std::int64_t seen = 0;

  void on_event(Event& e, std::int64_t /*sequence*/, bool /*end_of_batch*/) {
    const auto producer = static_cast<std::size_t>(e.producer);
    if (producer >= next_value.size() || e.value != next_value[producer] || e.check != ~e.value) {
      ++errors;
    } else {
      ++next_value[producer];
    }
    ++seen;
  }
};

template <class Strategy>
void three_to_one(std::size_t ring_size) {
  const std::int64_t count = test::stress_scaled(500'000);  // per producer
  RingBuffer<Event, MultiProducerSequencer<Strategy>> ring(ring_size);
  PerProducerChecker checker;
  Topology topology(ring);
  topology.handle_events_with(checker);
  run_topology(topology, [&] {
    std::vector<std::thread> producers;
    for (std::int64_t p = 0; p < 3; ++p) {
      producers.emplace_back([&ring, count, p] { publish_values(ring, count, p); });
    }
    for (auto& t : producers) t.join();
  });
  EXPECT_EQ(checker.errors, 0);
  EXPECT_EQ(checker.seen, 3 * count);
  for (const std::int64_t n : checker.next_value) EXPECT_EQ(n, count);
}

TEST(DisruptorStress, three_to_one_yielding) {
  three_to_one<YieldingWaitStrategy>(1024);
}
TEST(DisruptorStress, three_to_one_blocking_small_ring) {
  three_to_one<BlockingWaitStrategy>(64);
}

// halt() from another thread at arbitrary moments, then run() again, while the producer
// keeps publishing: nothing is lost or repeated across restarts.
TEST(DisruptorStress, halt_and_restart) {
  const std::int64_t count = test::stress_scaled(300'000);
  OneProducerRing<BlockingWaitStrategy> ring(64);
  auto barrier = ring.new_barrier();
  Stage consumer{no_visit};
  BatchEventProcessor processor(ring, barrier, consumer);
  ring.add_gating_sequences(processor.sequence());
  std::thread producer([&] { publish_values(ring, count); });
  std::int64_t restarts = 0;
  while (processor.sequence().get() != count - 1) {
    std::thread thread([&] { processor.run(); });
    for (std::int64_t spin = 0; spin < 1000 * (restarts % 7); ++spin) std::this_thread::yield();
    processor.halt();
    thread.join();
    ++restarts;
  }
  producer.join();
  expect_all_saw(count, consumer);
  EXPECT_GT(restarts, 0);
}

// A poller on the test thread, pulling from a producer thread through a small ring.
TEST(DisruptorStress, event_poller) {
  const std::int64_t count = test::stress_scaled(1'000'000);
  using Ring = RingBuffer<Event, MultiProducerSequencer<YieldingWaitStrategy>>;
  Ring ring(128);
  EventPoller<Ring> poller(ring);
  ring.add_gating_sequences(poller.sequence());
  std::thread producer([&] { publish_values(ring, count); });
  Stage consumer{no_visit};
  const auto handle = [&consumer](Event& e, std::int64_t sequence, bool end_of_batch) {
    consumer.on_event(e, sequence, end_of_batch);
    return true;
  };
  while (consumer.next_value < count) {
    if (poller.poll(handle) != EventPoller<Ring>::State::processing) std::this_thread::yield();
  }
  producer.join();
  expect_all_saw(count, consumer);
}

}  // namespace
}  // namespace lmx::disruptor
