// Throughput and latency of lmx's Disruptor, by topology, named and shaped as in the Java
// Disruptor's perftests so the figures can be set side by side with bench/java/:
//
//   disruptor_bench [TOPOLOGY...] [--events N] [--runs R] [--wait yielding|busy_spin]
//                   [--cpus LIST]
//
// one_to_one        1 producer, 1 consumer, one publish per event (OneToOneSequenced)
// one_to_one_batch  the same, claiming and publishing 10 slots at a time
// three_to_one      3 producers (multi-producer sequencer), 1 consumer
// pipeline          1 producer, 3 consumers in a chain
// multicast         1 producer, 3 independent consumers
// diamond           1 producer, 2 parallel consumers, 1 after both
// ping_pong         round-trip latency between two threads over two rings
//
// Each run prints `<topology> ops_per_sec=<N>` (ping_pong: `p50_ns= p99_ns= p999_ns=`, the
// round trip). The consumer's result is checked after every run, so a broken ring cannot
// produce a fast figure.
//
// --cpus 0,1 (or 0-3, or 0,2-3) pins each run's threads to those CPUs round-robin, in the
// order the run creates them: the main thread (the producer, or the pinger) first, then the
// consumers in the order they are added, then three_to_one's producers. Without it nothing
// is pinned.

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "lmx/disruptor/disruptor.hpp"
#include "pipeline/cpu_affinity.hpp"

namespace {

using namespace lmx::disruptor;
using Clock = std::chrono::steady_clock;

constexpr std::size_t ring_size = 1 << 16;  // as the Java perftests: 64 Ki slots
constexpr std::int64_t batch_size = 10;     // as OneToOneSequencedBatchThroughputTest

struct ValueEvent {
  std::int64_t value = 0;
};

struct PipelineEvent {
  std::int64_t operand_one = 0;
  std::int64_t operand_two = 0;
  std::int64_t step_one = 0;
  std::int64_t step_two = 0;
};

struct FizzBuzzEvent {
  std::int64_t value = 0;
  bool fizz = false;
  bool buzz = false;
};

// Stops the run with a message if the consumers computed the wrong thing.
void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "disruptor_bench: wrong result: %s\n", what);
    std::exit(2);
  }
}

// Pins the calling thread to `cpu` (-1: not pinned). The CPUs were checked against the
// allowed set at start-up, so a failure here ends the process.
void pin_or_exit(int cpu) {
  try {
    lmx::pin_current_thread(cpu);
  } catch (const std::system_error& e) {
    std::fprintf(stderr, "disruptor_bench: %s\n", e.what());
    std::fflush(stdout);
    std::_Exit(1);
  }
}

// Hands out the --cpus list round-robin to the threads of one run. Used on the main thread
// only: each thread's CPU is chosen before that thread exists, so the order is fixed.
class CpuPlan {
 public:
  explicit CpuPlan(std::vector<int> cpus) : cpus_(std::move(cpus)) {}

  // Starts a run: the calling (main) thread takes the first CPU.
  void begin_run() {
    next_ = 0;
    pin_or_exit(next());
  }

  // The CPU for the next thread of this run; -1 when not pinning.
  int next() {
    if (cpus_.empty()) return -1;
    return cpus_[next_++ % cpus_.size()];
  }

 private:
  std::vector<int> cpus_;
  std::size_t next_ = 0;
};

// A processor's handler pins its thread before the first event.
struct PinnedThread {
  int cpu = -1;
  void on_start() const { pin_or_exit(cpu); }
};

void wait_until_processed(const Sequence& sequence, std::int64_t last) {
  while (precedes(sequence.get(), last)) std::this_thread::yield();
}

std::int64_t ops_per_sec(std::int64_t events, Clock::duration elapsed) {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  return static_cast<std::int64_t>(static_cast<double>(events) / seconds);
}

// Runs each processor of `topology` on its own thread for the duration of `body`, then
// halts them.
template <class Graph, class Body>
void with_processors(Graph& topology, Body&& body) {
  topology.start();
  body();
  topology.halt();
  topology.join();
}

template <class Event, class Transform>
struct Handler : PinnedThread {
  Transform transform;
  std::int64_t result = 0;
  void on_event(Event& e, std::int64_t, bool) { transform(e, result); }
};
template <class Event, class Transform>
Handler<Event, Transform> make_handler(CpuPlan& cpus, Transform transform) {
  return {{cpus.next()}, transform, 0};
}

const auto add_value = [](ValueEvent& e, std::int64_t& sum) { sum += e.value; };

std::int64_t sum_below(std::int64_t n) {
  return n * (n - 1) / 2;
}

// The perftests' producer loop: claim one slot, fill it with `fill(event, i)`, publish.
template <class Ring, class Fill>
void publish_each(Ring& ring, std::int64_t events, Fill&& fill) {
  for (std::int64_t i = 0; i < events; ++i) {
    const std::int64_t sequence = ring.next();
    fill(ring[sequence], i);
    ring.publish(sequence);
  }
}

// Publishes `events` events one by one and times until every consumer in `ends` (those no
// other consumer waits for) has processed them all.
template <class Ring, class Fill>
Clock::duration publish_and_time(Ring& ring, std::int64_t events,
                                 std::initializer_list<const Sequence*> ends, Fill&& fill) {
  const auto start = Clock::now();
  publish_each(ring, events, fill);
  for (const Sequence* end : ends) wait_until_processed(*end, events - 1);
  return Clock::now() - start;
}

const auto set_value = [](ValueEvent& e, std::int64_t i) { e.value = i; };

// One summing consumer on a ring with `Sequencer`: `produce(ring)` publishes, and the run is
// timed until the consumer has processed `events`. Returns the sum and the time taken.
template <class Sequencer, class Produce>
std::pair<std::int64_t, Clock::duration> run_summing_consumer(std::int64_t events, CpuPlan& cpus,
                                                              Produce&& produce) {
  RingBuffer<ValueEvent, Sequencer> ring(ring_size);
  auto handler = make_handler<ValueEvent>(cpus, add_value);
  Topology topology(ring);
  topology.handle_events_with(handler);
  const Sequence& processed = topology.processor_for(handler).sequence();
  Clock::duration elapsed{};
  with_processors(topology, [&] {
    const auto start = Clock::now();
    produce(ring);
    wait_until_processed(processed, events - 1);
    elapsed = Clock::now() - start;
  });
  return {handler.result, elapsed};
}

template <class Strategy>
std::int64_t one_to_one(std::int64_t events, CpuPlan& cpus) {
  const auto [sum, elapsed] = run_summing_consumer<SingleProducerSequencer<Strategy>>(
      events, cpus, [events](auto& ring) { publish_each(ring, events, set_value); });
  check(sum == sum_below(events), "one_to_one sum");
  return ops_per_sec(events, elapsed);
}

template <class Strategy>
std::int64_t one_to_one_batch(std::int64_t events, CpuPlan& cpus) {
  const auto [sum, elapsed] =
      run_summing_consumer<SingleProducerSequencer<Strategy>>(events, cpus, [events](auto& ring) {
        for (std::int64_t i = 0; i < events; i += batch_size) {
          const std::int64_t last = ring.next(batch_size);
          for (std::int64_t s = last - batch_size + 1; s <= last; ++s) ring[s].value = s;
          ring.publish(last - batch_size + 1, last);
        }
      });
  check(sum == sum_below(events), "one_to_one_batch sum");
  return ops_per_sec(events, elapsed);
}

template <class Strategy>
std::int64_t three_to_one(std::int64_t events, CpuPlan& cpus) {
  const std::int64_t per_producer = events / 3;
  const auto [sum, elapsed] = run_summing_consumer<MultiProducerSequencer<Strategy>>(
      3 * per_producer, cpus, [per_producer, &cpus](auto& ring) {
        const auto produce = [&ring, per_producer](int cpu) {
          pin_or_exit(cpu);
          publish_each(ring, per_producer, set_value);
        };
        std::array<std::thread, 3> producers{std::thread(produce, cpus.next()),
                                             std::thread(produce, cpus.next()),
                                             std::thread(produce, cpus.next())};
        for (auto& t : producers) t.join();
      });
  check(sum == 3 * sum_below(per_producer), "three_to_one sum");
  return ops_per_sec(3 * per_producer, elapsed);
}

template <class Strategy>
std::int64_t pipeline(std::int64_t events, CpuPlan& cpus) {
  RingBuffer<PipelineEvent, SingleProducerSequencer<Strategy>> ring(ring_size);
  auto one = make_handler<PipelineEvent>(
      cpus, [](PipelineEvent& e, std::int64_t&) { e.step_one = e.operand_one + e.operand_two; });
  auto two = make_handler<PipelineEvent>(
      cpus, [](PipelineEvent& e, std::int64_t&) { e.step_two = e.step_one + 3; });
  auto three = make_handler<PipelineEvent>(
      cpus, [](PipelineEvent& e, std::int64_t& n) { n += (e.step_two & 4) == 4; });
  Topology topology(ring);
  topology.handle_events_with(one).then(two).then(three);
  const Sequence& last = topology.processor_for(three).sequence();
  Clock::duration elapsed{};
  with_processors(topology, [&] {
    elapsed = publish_and_time(ring, events, {&last}, [](PipelineEvent& e, auto i) {
      e.operand_one = i;
      e.operand_two = i + 1;
    });
  });
  std::int64_t expected = 0;
  for (std::int64_t i = 0; i < events; ++i) expected += ((2 * i + 1 + 3) & 4) == 4;
  check(three.result == expected, "pipeline count");
  return ops_per_sec(events, elapsed);
}

// XOR of 0 .. n-1, in closed form. Unlike the perftest's AND, which stays 0 from the first
// event on whatever follows, it changes if one event is lost or seen twice.
std::int64_t xor_below(std::int64_t n) {
  const std::int64_t last = n - 1;
  switch (last % 4) {
    case 0:
      return last;
    case 1:
      return 1;
    case 2:
      return last + 1;
    default:
      return 0;
  }
}

// Timed until all three consumers are done, not only the one the ring happens to list last.
template <class Strategy>
std::int64_t multicast(std::int64_t events, CpuPlan& cpus) {
  RingBuffer<ValueEvent, SingleProducerSequencer<Strategy>> ring(ring_size);
  auto add = make_handler<ValueEvent>(cpus, add_value);
  auto sub = make_handler<ValueEvent>(cpus, [](ValueEvent& e, std::int64_t& r) { r -= e.value; });
  auto bit_xor =
      make_handler<ValueEvent>(cpus, [](ValueEvent& e, std::int64_t& r) { r ^= e.value; });
  Topology topology(ring);
  topology.handle_events_with(add, sub, bit_xor);
  Clock::duration elapsed{};
  with_processors(topology, [&] {
    elapsed = publish_and_time(
        ring, events,
        {&topology.processor_for(add).sequence(), &topology.processor_for(sub).sequence(),
         &topology.processor_for(bit_xor).sequence()},
        set_value);
  });
  check(add.result == sum_below(events) && sub.result == -sum_below(events) &&
            bit_xor.result == xor_below(events),
        "multicast sums and xor");
  return ops_per_sec(events, elapsed);
}

template <class Strategy>
std::int64_t diamond(std::int64_t events, CpuPlan& cpus) {
  RingBuffer<FizzBuzzEvent, SingleProducerSequencer<Strategy>> ring(ring_size);
  auto fizz = make_handler<FizzBuzzEvent>(
      cpus, [](FizzBuzzEvent& e, std::int64_t&) { e.fizz = e.value % 3 == 0; });
  auto buzz = make_handler<FizzBuzzEvent>(
      cpus, [](FizzBuzzEvent& e, std::int64_t&) { e.buzz = e.value % 5 == 0; });
  auto fizz_buzz = make_handler<FizzBuzzEvent>(
      cpus, [](FizzBuzzEvent& e, std::int64_t& n) { n += e.fizz && e.buzz; });
  Topology topology(ring);
  topology.handle_events_with(fizz, buzz).then(fizz_buzz);
  const Sequence& last = topology.processor_for(fizz_buzz).sequence();
  Clock::duration elapsed{};
  with_processors(topology, [&] {
    elapsed = publish_and_time(ring, events, {&last},
                               [](FizzBuzzEvent& e, std::int64_t i) { e.value = i; });
  });
  check(fizz_buzz.result == (events + 14) / 15, "diamond fizzbuzz count");
  return ops_per_sec(events, elapsed);
}

struct LatencyFigures {
  std::int64_t p50_ns, p99_ns, p999_ns;
};

// The pong side: answers every ping by publishing the same value on the pong ring.
template <class PongRing>
struct Ponger : PinnedThread {
  PongRing& pong;
  void on_event(ValueEvent& e, std::int64_t, bool) {
    pong.publish_event([&e](ValueEvent& out, std::int64_t) { out.value = e.value; });
  }
};

template <class Strategy>
LatencyFigures ping_pong(std::int64_t events, CpuPlan& cpus) {
  using Ring = RingBuffer<ValueEvent, SingleProducerSequencer<Strategy>>;
  Ring ping(1024);
  Ring pong(1024);
  Ponger<Ring> ponger{{cpus.next()}, pong};
  Topology topology(ping);
  topology.handle_events_with(ponger);
  std::vector<std::int64_t> round_trips_ns(static_cast<std::size_t>(events));
  with_processors(topology, [&] {
    for (std::int64_t i = 0; i < events; ++i) {
      const auto start = Clock::now();
      ping.publish_event([i](ValueEvent& e, std::int64_t) { e.value = i; });
      while (precedes(pong.cursor(), i)) cpu_relax();
      round_trips_ns[static_cast<std::size_t>(i)] =
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
      check(pong[i].value == i, "ping_pong echo");
    }
  });
  std::sort(round_trips_ns.begin(), round_trips_ns.end());
  const auto at = [&](double q) {
    return round_trips_ns[static_cast<std::size_t>(q * static_cast<double>(events - 1))];
  };
  return {at(0.50), at(0.99), at(0.999)};
}

struct Options {
  std::vector<std::string> topologies;
  std::int64_t events = 0;  // 0: each topology's default
  int runs = 3;
  std::string wait = "yielding";
  std::vector<int> cpus;  // --cpus; empty: not pinned
};

// Java perftest iteration counts (ping_pong: fewer, it records every round trip).
std::int64_t default_events(std::string_view topology) {
  if (topology == "three_to_one") return 20'000'000;
  if (topology == "ping_pong") return 1'000'000;
  return 100'000'000;
}

template <class Strategy>
void run_topology(const std::string& topology, std::int64_t events, CpuPlan& cpus) {
  if (topology == "ping_pong") {
    const LatencyFigures f = ping_pong<Strategy>(events, cpus);
    std::printf("ping_pong p50_ns=%lld p99_ns=%lld p999_ns=%lld\n",
                static_cast<long long>(f.p50_ns), static_cast<long long>(f.p99_ns),
                static_cast<long long>(f.p999_ns));
    return;
  }
  std::int64_t rate = 0;
  if (topology == "one_to_one") rate = one_to_one<Strategy>(events, cpus);
  if (topology == "one_to_one_batch") rate = one_to_one_batch<Strategy>(events, cpus);
  if (topology == "three_to_one") rate = three_to_one<Strategy>(events, cpus);
  if (topology == "pipeline") rate = pipeline<Strategy>(events, cpus);
  if (topology == "multicast") rate = multicast<Strategy>(events, cpus);
  if (topology == "diamond") rate = diamond<Strategy>(events, cpus);
  std::printf("%s ops_per_sec=%lld\n", topology.c_str(), static_cast<long long>(rate));
}

Options parse(int argc, char** argv) {
  static const std::vector<std::string> known = {"one_to_one", "one_to_one_batch", "three_to_one",
                                                 "pipeline",   "multicast",        "diamond",
                                                 "ping_pong"};
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--events" && has_value) {
      options.events = std::stoll(argv[++i]);
    } else if (arg == "--runs" && has_value) {
      options.runs = std::stoi(argv[++i]);
    } else if (arg == "--wait" && has_value) {
      options.wait = argv[++i];
    } else if (arg == "--cpus" && has_value) {
      options.cpus = lmx::parse_cpu_list(argv[++i]);
    } else if (std::find(known.begin(), known.end(), arg) != known.end()) {
      options.topologies.push_back(arg);
    } else {
      throw std::invalid_argument("unknown argument '" + arg +
                                  "'; usage: disruptor_bench [one_to_one|one_to_one_batch|"
                                  "three_to_one|pipeline|multicast|diamond|ping_pong...] "
                                  "[--events N] [--runs R] [--wait yielding|busy_spin] "
                                  "[--cpus LIST]");
    }
  }
  if (options.topologies.empty()) options.topologies = known;
  if (options.wait != "yielding" && options.wait != "busy_spin") {
    throw std::invalid_argument("--wait must be yielding or busy_spin");
  }
  if (options.events < 0 || options.runs < 1) {
    throw std::invalid_argument("--events must be positive and --runs at least 1");
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse(argc, argv);
    CpuPlan cpus(options.cpus);
    for (const std::string& topology : options.topologies) {
      std::int64_t events = options.events > 0 ? options.events : default_events(topology);
      events -= events % (3 * batch_size);  // whole batches, and an equal share per producer
      for (int run = 0; run < options.runs; ++run) {
        cpus.begin_run();
        if (options.wait == "busy_spin") {
          run_topology<BusySpinWaitStrategy>(topology, events, cpus);
        } else {
          run_topology<YieldingWaitStrategy>(topology, events, cpus);
        }
        std::fflush(stdout);
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "disruptor_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
