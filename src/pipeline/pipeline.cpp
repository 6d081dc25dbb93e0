#include "pipeline/pipeline.hpp"

#include <algorithm>
#include <utility>

#include "lmx/assert.hpp"
#include "lmx/constants.hpp"

namespace lmx {

namespace {

// How often the idle logic stage wakes: to take a requested snapshot, and more often for
// an observer's reads (a query ring to drain).
std::chrono::milliseconds logic_wake_interval(const PipelineOptions& options) {
  return options.observer != nullptr ? observer_state_timeout : ring_wait_timeout;
}

// How long the reader stage's fetch waits for new entries before looking at stop() again;
// inline, it also wakes the idle logic stage. An engine that exits when caught up does not
// wait: the first fetch that finds nothing new is the end of the log.
std::chrono::milliseconds fetch_wait(const PipelineOptions& options) {
  constexpr std::chrono::milliseconds own_thread_fetch_wait{100};
  if (options.exit_when_caught_up) return std::chrono::milliseconds{0};
  return options.inline_reader ? logic_wake_interval(options) : own_thread_fetch_wait;
}

}  // namespace

Pipeline::Pipeline(LogReader& reader, ResultWriter& results, SnapshotStore& snapshots, State state,
                   const PipelineOptions& options)
    : exit_when_caught_up_(options.exit_when_caught_up),
      inline_reader_(options.inline_reader),
      // Inline, the input ring goes unused: one slot, not input_ring_size events of ~3 KiB
      // to allocate and construct.
      input_(options.inline_reader ? 1 : input_ring_size,
             std::chrono::nanoseconds(logic_wake_interval(options))),
      output_(output_ring_size, std::chrono::nanoseconds(ring_wait_timeout)),
      snapshotter_(snapshots, options.trimmer),
      reader_(reader, input_, abort_, options.exit_when_caught_up,
              options.inline_reader ? &logic_ : nullptr, fetch_wait(options)),
      logic_(std::move(state), options.position, options.snapshot_position, input_, output_,
             snapshotter_, abort_, options.observer, options.checkpoint_period),
      results_(results, options.results_through, snapshotter_, options.observer),
      input_stages_(input_),
      output_stages_(output_) {
  input_stages_.handle_events_with(logic_);
  output_stages_.handle_events_with(results_);
}

Pipeline::~Pipeline() {
  // A pipeline left running (an exception in the control thread, or in start() between
  // two threads) must not outlive its threads: stop them without waiting for the rings to
  // drain. The result thread is started first.
  if (result_thread_) {
    halt_all();
    reader_thread_.reset();
    logic_thread_.reset();
    result_thread_.reset();
  }
}

void Pipeline::start(const std::vector<int>& cpus) {
  LMX_ASSERT(!reader_thread_);
  // The threads take the CPUs in the order reader, logic, results (the reader and the
  // logic being one thread inline).
  const auto cpu = [&](std::size_t thread) {
    return cpus.empty() ? -1 : cpus[thread % cpus.size()];
  };
  result_thread_.emplace("result writer", "lmx-results", cpu(inline_reader_ ? 1 : 2), exits_,
                         [&processor = result_processor()] { processor.run(); });
  if (inline_reader_) {
    reader_thread_.emplace("log reader and business logic", "lmx-logic", cpu(0), exits_,
                           [this] { reader_.run(); });
    return;
  }
  logic_thread_.emplace("business logic", "lmx-logic", cpu(1), exits_,
                        [&processor = logic_processor()] { processor.run(); });
  reader_thread_.emplace("log reader", "lmx-reader", cpu(0), exits_, [this] { reader_.run(); });
}

Pipeline::RingOccupancy Pipeline::ring_occupancy() {
  // The cursor and the consumer's sequence are read at different moments (each an acquire
  // load): the difference may be off by what moved in between, and is clamped at zero.
  const auto used = [](std::int64_t cursor, std::int64_t consumed) {
    return static_cast<std::uint64_t>(std::max<std::int64_t>(0, cursor - consumed));
  };
  return {used(input_.cursor(), logic_processor().sequence().get()),
          used(output_.cursor(), result_processor().sequence().get())};
}

bool Pipeline::finished() const noexcept {
  LMX_ASSERT(reader_thread_);
  return reader_thread_->done() || (logic_thread_ && logic_thread_->done()) ||
         result_thread_->done();
}

void Pipeline::wait_finished(std::chrono::milliseconds timeout) {
  exits_.wait_for(timeout, [this] { return finished(); });
}

bool Pipeline::failed() const noexcept {
  // The processors return only when asked to; the reader (inline: with the logic stage)
  // also when it caught up.
  return (logic_thread_ && logic_thread_->done()) || result_thread_->done() ||
         (reader_thread_->done() && !exit_when_caught_up_);
}

void Pipeline::stop(StopMode mode) {
  LMX_ASSERT(reader_thread_);
  if (mode == StopMode::abort) {
    halt_all();
  } else {
    drain_all();
  }
  reader_thread_->join();
  if (logic_thread_) logic_thread_->join();
  result_thread_->join();
  drained_at_ = std::chrono::steady_clock::now();
  rethrow_failures();
  snapshotter_.flush();
  reader_thread_.reset();
  logic_thread_.reset();
  result_thread_.reset();
}

void Pipeline::halt_all() noexcept {
  abort_.store(true, std::memory_order_relaxed);  // relaxed: polled, a late look only delays
  reader_.stop();
  // cppcheck-suppress throwInNoexceptFunction ; processor_for() throws only for a handler
  // its topology was never given, and the constructor gave it both.
  logic_processor().halt();
  result_processor().halt();
}

// Each stage finishes what the one before it published, in pipeline order.
void Pipeline::drain_all() {
  reader_.stop();
  reader_thread_->join();
  if (logic_thread_) {
    logic_processor().drain();
    logic_thread_->join();
  }
  // The logic stage has stopped: this thread is now the output ring's only producer.
  std::unique_ptr<Snapshot> final_snapshot;
  if (logic_.moved_since_snapshot() && !logic_.position().is_zero()) {
    final_snapshot = logic_.copy_state();
    final_snapshot_ = final_snapshot->position;
  }
  publish_checkpoint(output_, std::move(final_snapshot), abort_);
  result_processor().drain();
  result_thread_->join();
}

void Pipeline::rethrow_failures() {
  reader_thread_->rethrow_failure();
  if (logic_thread_) logic_thread_->rethrow_failure();
  result_thread_->rethrow_failure();
}

}  // namespace lmx
