#pragma once
// Wires a graph of consumers on one ring, as the Java Disruptor's DSL does: "handle events
// with A, then B and C, then D". Each step gets a barrier on the sequences of the step
// before it and a BatchEventProcessor per handler, and the ring gates on the last consumers
// only, so the producer never laps the slowest end of the graph:
//
//   Topology topology(ring);
//   topology.handle_events_with(a).then(b, c).then(d);
//
//   producer --> ring --> A --+--> B --+--> D       an arrow: "is waited for by";
//                             |        |            the ring gates on D alone, since D
//                             +--> C --+            never passes A, B or C
//
// A pipeline is `handle_events_with(a).then(b).then(c)`, a multicast
// `handle_events_with(a, b, c)`, and a join of two branches `ab.with(cd).then(e)`. Two
// rings are two topologies: the engine's input ring feeding the business logic, whose
// results go to an output ring feeding the result writer, is
//
//   Topology input_stages(input);    input_stages.handle_events_with(logic);
//   Topology output_stages(output);  output_stages.handle_events_with(writer);
//   ...
//   input_stages.drain();  input_stages.join();   // in pipeline order: the logic has
//   output_stages.drain(); output_stages.join();  // published its last result first
//
// Running: start() runs each processor on a thread of its own; drain() asks every processor
// to stop once it has processed what was published before the call, halt() asks each to
// stop after its current batch; join() waits for the threads and rethrows the first handler
// failure. A caller that runs its own threads (to name them, pin them, or stop stages one
// by one in an order of its choosing) skips start() and calls run(), halt() and drain() on
// processor_for(handler) instead.
//
// Rules: add every consumer before the first publish (gating sequences change as the graph
// grows); the ring and the handlers outlive the topology, and threads of the caller's own
// that run its processors are joined before it goes; a handler is added once.
// Processors run fully typed: the virtual calls here are per start or stop, never per event.

#include <atomic>
#include <cassert>
#include <cstddef>
#include <exception>
#include <memory>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "lmx/disruptor/batch_event_processor.hpp"
#include "lmx/disruptor/exception_policy.hpp"
#include "lmx/disruptor/sequence.hpp"
#include "lmx/disruptor/sequence_group.hpp"

namespace lmx::disruptor {

template <class Ring, class ExceptionPolicy = HaltOnException>
class Topology {
  class Node;

 public:
  template <class Handler>
  using processor_type = BatchEventProcessor<Ring, Handler, ExceptionPolicy>;

  // The consumers one handle_events_with() or then() added: what the next step waits for.
  class Group {
   public:
    // Consumers that each see an event only after every consumer of this group has.
    template <class... Handlers>
    Group then(Handlers&... handlers) {
      return topology_->add(nodes_, handlers...);
    }

    // This group and `other` as one: a then() on the result waits for both (a join).
    [[nodiscard]] Group with(const Group& other) const {
      if (other.topology_ != topology_) {
        throw std::invalid_argument("cannot join groups of two topologies (two rings)");
      }
      Group joined = *this;
      joined.nodes_.insert(joined.nodes_.end(), other.nodes_.begin(), other.nodes_.end());
      return joined;
    }

    [[nodiscard]] std::size_t count() const noexcept { return nodes_.size(); }

   private:
    friend Topology;
    Group(Topology& topology, std::vector<Node*> nodes)
        : topology_(&topology), nodes_(std::move(nodes)) {}

    Topology* topology_;
    std::vector<Node*> nodes_;
  };

  explicit Topology(Ring& ring, ExceptionPolicy policy = {})
      : ring_(ring), policy_(std::move(policy)) {}
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  // Stops and joins any threads still running: a topology never leaves a thread behind.
  ~Topology() {
    halt();
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

  // Consumers that follow the ring's cursor: they see each event once it is published.
  template <class... Handlers>
  Group handle_events_with(Handlers&... handlers) {
    return add_step(SequenceGroup{}, handlers...);
  }

  // The processor running `handler`; throws std::invalid_argument if it was never added.
  template <class Handler>
  [[nodiscard]] processor_type<Handler>& processor_for(const Handler& handler) {
    for (const std::unique_ptr<Node>& node : nodes_) {
      if (node->handler_address() != &handler) continue;
      auto* typed = dynamic_cast<ProcessorNode<Handler>*>(node.get());
      // Checked in every build: a null here would be dereferenced at once.
      if (typed == nullptr) {
        throw std::logic_error("processor_for: a handler of another type has that address");
      }
      return typed->processor;
    }
    throw std::invalid_argument(
        "processor_for: the handler was never added; add it with handle_events_with() or then()");
  }

  [[nodiscard]] std::size_t processor_count() const noexcept { return nodes_.size(); }

  // Runs every processor on a thread of its own.
  void start() {
    if (!threads_.empty()) throw std::logic_error("start() while running; join() first");
    failures_.assign(nodes_.size(), nullptr);
    // relaxed: no thread of this run exists yet; thread creation orders it before them.
    stopped_count_.store(0, std::memory_order_relaxed);
    threads_.reserve(nodes_.size());
    for (std::size_t index = 0; index < nodes_.size(); ++index) {
      threads_.emplace_back([this, index] { run_node(index); });
    }
    assert(threads_.size() == nodes_.size());
  }

  // Every processor stops after the batch in hand. Safe from any thread.
  void halt() noexcept {
    for (const std::unique_ptr<Node>& node : nodes_) node->halt();
  }

  // Every processor stops once it has processed everything published before this call;
  // upstream first, in the order the graph was built.
  void drain() noexcept {
    for (const std::unique_ptr<Node>& node : nodes_) node->drain();
  }

  // Waits for the threads start() began, then rethrows the first handler failure (in the
  // order the graph was built) if a processor stopped on one.
  void join() {
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
    // join() ordered every thread's writes to failures_ before these reads.
    for (std::exception_ptr& failure : failures_) {
      if (failure) std::rethrow_exception(std::exchange(failure, nullptr));
    }
  }

  // True once a processor started by start() has returned: after drain() or halt() that is
  // expected; before them, it stopped on a handler failure.
  [[nodiscard]] bool any_stopped() const noexcept {
    // acquire: pairs with the release in run_node(); its failure is then visible.
    return stopped_count_.load(std::memory_order_acquire) > 0;
  }

 private:
  // What the topology needs from a processor whatever its handler type. These virtual
  // calls happen once per start or stop; the event loop inside run() is fully typed.
  class Node {
   public:
    Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    virtual ~Node() = default;
    virtual void run() = 0;
    virtual void halt() noexcept = 0;
    virtual void drain() noexcept = 0;
    [[nodiscard]] virtual const Sequence& sequence() const noexcept = 0;
    [[nodiscard]] virtual const void* handler_address() const noexcept = 0;

    bool gating = false;  // its sequence is one of the ring's gating sequences
  };

  template <class Handler>
  class ProcessorNode final : public Node {
   public:
    ProcessorNode(Ring& ring, SequenceGroup dependencies, Handler& handler_in,
                  ExceptionPolicy policy)
        : handler(handler_in),
          barrier(ring.sequencer(), std::move(dependencies)),
          processor(ring, barrier, handler_in, std::move(policy)) {}

    void run() override { processor.run(); }
    void halt() noexcept override { processor.halt(); }
    void drain() noexcept override { processor.drain(); }
    [[nodiscard]] const Sequence& sequence() const noexcept override {
      return processor.sequence();
    }
    [[nodiscard]] const void* handler_address() const noexcept override { return &handler; }

    Handler& handler;
    typename Ring::barrier_type barrier;  // one barrier per processor: halt() alerts it
    processor_type<Handler> processor;    // declared after the barrier it refers to
  };

  // Consumers that wait for `upstream` (a group's consumers, never empty).
  template <class... Handlers>
  Group add(const std::vector<Node*>& upstream, Handlers&... handlers) {
    SequenceGroup dependencies;
    for (const Node* node : upstream) dependencies.add(node->sequence());
    Group added = add_step(dependencies, handlers...);
    // The new consumers trail `upstream`, so gating on them covers it too.
    for (Node* node : upstream) stop_gating(*node);
    return added;
  }

  // Consumers on `dependencies` (empty: the ring's cursor). Kept apart from add() so that
  // handle_events_with() never loops over an empty vector, which GCC 12 at -O3 flags as a
  // possible null dereference.
  template <class... Handlers>
  Group add_step(const SequenceGroup& dependencies, Handlers&... handlers) {
    static_assert(sizeof...(Handlers) > 0, "a step needs at least one handler");
    if (!threads_.empty()) throw std::logic_error("add consumers before start()");
    std::vector<Node*> added;
    (added.push_back(&add_node(dependencies, handlers)), ...);
    assert(added.size() == sizeof...(Handlers));
    return Group(*this, std::move(added));
  }

  template <class Handler>
  Node& add_node(const SequenceGroup& dependencies, Handler& handler) {
    for (const std::unique_ptr<Node>& node : nodes_) {
      if (node->handler_address() == &handler) {
        throw std::invalid_argument(
            "a handler was added twice; it would run on two threads at once. Use one handler "
            "object per consumer");
      }
    }
    nodes_.push_back(
        std::make_unique<ProcessorNode<Handler>>(ring_, dependencies, handler, policy_));
    Node& node = *nodes_.back();
    ring_.add_gating_sequences(node.sequence());
    node.gating = true;
    return node;
  }

  void stop_gating(Node& node) {
    if (!node.gating) return;  // an earlier step already moved gating downstream
    ring_.remove_gating_sequences(node.sequence());
    node.gating = false;
  }

  void run_node(std::size_t index) {
    try {
      nodes_[index]->run();
    } catch (...) {
      failures_[index] = std::current_exception();  // each thread writes its own slot
    }
    // release: the failure stored above is visible to whoever sees the count move.
    stopped_count_.fetch_add(1, std::memory_order_release);
  }

  Ring& ring_;
  ExceptionPolicy policy_;
  std::vector<std::unique_ptr<Node>> nodes_;  // in the order added: upstream first
  std::vector<std::thread> threads_;          // threads_[i] runs nodes_[i]
  std::vector<std::exception_ptr> failures_;  // failures_[i] is written by threads_[i] only
  std::atomic<int> stopped_count_{0};
};

}  // namespace lmx::disruptor
