#include "lmx/core/engine.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cassert>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "lmx/disruptor/batch_event_processor.hpp"
#include "lmx/disruptor/ring_buffer.hpp"
#include "lmx/disruptor/single_producer_sequencer.hpp"
#include "lmx/disruptor/timeout_blocking_wait_strategy.hpp"
#include "lmx/core/business_logic.hpp"
#include "pipeline/recovery.hpp"
#include "pipeline/snapshotter.hpp"

namespace lmx {
namespace {

namespace dr = lmx::disruptor;
using Clock = std::chrono::steady_clock;
using Sequencer = dr::SingleProducerSequencer<dr::TimeoutBlockingWaitStrategy>;
using InputRing = dr::RingBuffer<Event, Sequencer>;
using OutputRing = dr::RingBuffer<Result, Sequencer>;

// Consumers wake this often when idle: the business logic to take a requested snapshot,
// the result writer to notice a drain.
constexpr std::chrono::milliseconds ring_wait_timeout{50};
// How long the reader waits for new entries before looking at the stop flag again.
constexpr std::chrono::milliseconds reader_wait_timeout{100};

// Thrown inside a stage that gives up because another stage failed: not a failure of its own.
struct PipelineAborted : std::runtime_error {
  PipelineAborted() : std::runtime_error("stopped because another stage failed") {}
};

// Claims `count` slots of `ring` without blocking forever: a full ring whose consumer has
// died must not hang the producer. Returns the last claimed sequence.
template <class Ring>
std::int64_t claim_or_abort(Ring& ring, std::int64_t count, const std::atomic<bool>& abort) {
  for (unsigned attempt = 0;; ++attempt) {
    if (const auto last = ring.try_next(count)) return *last;
    // relaxed: a late look only delays the abort by one more try.
    if (abort.load(std::memory_order_relaxed)) throw PipelineAborted();
    if (attempt < 256) {
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
}

// Counters the control thread reads while the pipeline runs. Display only: each is read
// and written relaxed, and a status line may mix values from neighbouring batches.
struct Progress {
  std::atomic<std::uint64_t> applied_count{0};
  std::atomic<std::uint64_t> position_major{0};
  std::atomic<std::uint64_t> position_minor{0};
};

// The business logic processor's handler: applies each event, publishes its result, and
// takes a snapshot at a batch boundary when one is requested.
class BusinessLogicHandler {
 public:
  BusinessLogicHandler(State& state, Position position, OutputRing& output,
                       Snapshotter& snapshotter, Progress& progress, const std::atomic<bool>& abort)
      : state_(state),
        position_(position),
        output_(output),
        snapshotter_(snapshotter),
        progress_(progress),
        abort_(abort) {}

  void on_event(Event& event, std::int64_t /*sequence*/, bool end_of_batch) {
    const std::int64_t slot = claim_or_abort(output_, 1, abort_);
    Result& result = output_[slot] = apply(state_, event);
    ++reasons_[static_cast<std::size_t>(result.reason)];
    assert(position_ < event.position);
    position_ = event.position;
    if (pending_first_ < 0) pending_first_ = slot;
    ++applied_count_;
    if (end_of_batch || slot - pending_first_ + 1 >= std::int64_t{result_publish_batch_max}) {
      publish(slot);
      if (end_of_batch) take_snapshot_if_requested(slot);
    }
  }

  // Idle: a requested snapshot need not wait for the next event.
  void on_timeout(std::int64_t /*sequence*/) { take_snapshot_if_requested(output_.cursor()); }

  // Called by the control thread; the snapshot is taken at the next batch boundary.
  void request_snapshot() noexcept {
    // release: pairs with the acquire exchange on the business logic thread.
    snapshot_requested_.store(true, std::memory_order_release);
  }

  // Read after the processor thread has been joined.
  [[nodiscard]] const std::array<std::uint64_t, reason_count>& reasons() const { return reasons_; }
  [[nodiscard]] Position position() const noexcept { return position_; }
  [[nodiscard]] std::uint64_t applied_count() const noexcept { return applied_count_; }

  // A copy of the state at the current position. Only on the business logic thread, or
  // after it has stopped.
  [[nodiscard]] std::unique_ptr<Snapshot> copy_state() const {
    auto snapshot = std::make_unique<Snapshot>();
    snapshot->position = position_;
    snapshot->users.assign(state_.users().begin(), state_.users().end());
    snapshot->items.assign(state_.items().begin(), state_.items().end());
    return snapshot;
  }

 private:
  void publish(std::int64_t last) {
    output_.publish(pending_first_, last);
    pending_first_ = -1;
    progress_.position_major.store(position_.major, std::memory_order_relaxed);  // display only
    progress_.position_minor.store(position_.minor, std::memory_order_relaxed);  // display only
    progress_.applied_count.store(applied_count_, std::memory_order_relaxed);    // display only
  }

  void take_snapshot_if_requested(std::int64_t output_sequence) {
    // acquire: pairs with request_snapshot(); exchange so one request is one snapshot.
    if (!snapshot_requested_.exchange(false, std::memory_order_acquire)) return;
    if (position_ == last_snapshot_position_) return;  // nothing new since the last one
    last_snapshot_position_ = position_;
    snapshotter_.submit(copy_state(), output_sequence);
  }

  State& state_;
  Position position_;
  Position last_snapshot_position_;
  OutputRing& output_;
  Snapshotter& snapshotter_;
  Progress& progress_;
  const std::atomic<bool>& abort_;
  std::int64_t pending_first_ = -1;
  std::uint64_t applied_count_ = 0;
  std::array<std::uint64_t, reason_count> reasons_{};
  std::atomic<bool> snapshot_requested_{false};
};

// Writes results to the results log, one write per batch. Results at or before
// `skip_through` are already there (written before a restart) and are not written again.
// Makes them durable on request, for the snapshotter: see durable_through().
class ResultHandler {
 public:
  ResultHandler(ResultWriter& writer, Position skip_through)
      : writer_(writer), skip_through_(skip_through) {
    batch_.reserve(result_publish_batch_max);
  }

  void on_event(Result& result, std::int64_t sequence, bool end_of_batch) {
    if (skip_through_ < result.position) batch_.push_back(result);
    if ((end_of_batch || batch_.size() >= result_publish_batch_max) && !batch_.empty()) {
      writer_.write(batch_);
      batch_.clear();
    }
    if (end_of_batch) sync_if_requested(sequence);
  }

  void on_timeout(std::int64_t sequence) { sync_if_requested(sequence); }

  // Asks for the results up to output `sequence` to be made durable; true once they are.
  // Called from the snapshotter thread.
  [[nodiscard]] bool durable_through(std::int64_t sequence) noexcept {
    std::int64_t requested = sync_requested_.load(std::memory_order_relaxed);
    // relaxed: a plain max; the handler reads it at its next batch end or idle timeout.
    while (requested < sequence &&
           !sync_requested_.compare_exchange_weak(requested, sequence, std::memory_order_relaxed)) {
    }
    // acquire: pairs with the release store after the sync.
    return synced_through_.load(std::memory_order_acquire) >= sequence;
  }

  // After the processor thread has stopped: makes everything it wrote durable.
  void sync_after_stop(std::int64_t last_sequence) { sync(last_sequence); }

 private:
  void sync_if_requested(std::int64_t sequence) {
    // relaxed: the request carries no data; a late look only delays one snapshot.
    const std::int64_t requested = sync_requested_.load(std::memory_order_relaxed);
    if (requested > synced_through_.load(std::memory_order_relaxed) && sequence >= requested) {
      sync(sequence);
    }
  }

  void sync(std::int64_t sequence) {
    writer_.sync();
    // release: the sync happened before a snapshotter sees the new value.
    synced_through_.store(sequence, std::memory_order_release);
  }

  ResultWriter& writer_;
  Position skip_through_;
  std::vector<Result> batch_;
  std::atomic<std::int64_t> sync_requested_{-1};
  std::atomic<std::int64_t> synced_through_{-1};
};

// Runs `body` on a thread; an exception it throws is kept for the control thread.
class StageThread {
 public:
  template <class Body>
  StageThread(const char* name, Body body)
      : name_(name), thread_([this, body = std::move(body)]() mutable {
          try {
            body();
          } catch (const PipelineAborted&) {
            // The stage that failed first reports the cause.
          } catch (...) {
            const std::lock_guard lock(mutex_);
            failure_ = std::current_exception();
          }
          // release: the control thread's acquire load sees failure_ once it sees done.
          done_.store(true, std::memory_order_release);
        }) {}

  [[nodiscard]] bool done() const noexcept { return done_.load(std::memory_order_acquire); }

  void join() {
    if (thread_.joinable()) thread_.join();
  }

  // Rethrows the stage's failure, named. Call after join().
  void rethrow_failure() {
    const std::lock_guard lock(mutex_);
    if (!failure_) return;
    try {
      std::rethrow_exception(failure_);
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{} failed: {}", name_, e.what()));
    }
  }

 private:
  const char* name_;
  std::mutex mutex_;
  std::exception_ptr failure_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

std::string status_line(const Progress& progress, std::uint64_t& last_count,
                        Clock::time_point& last_time, LogReader& reader,
                        const Snapshotter& snapshotter) {
  const auto now = Clock::now();
  const std::uint64_t count = progress.applied_count.load(std::memory_order_relaxed);
  const Position position{progress.position_major.load(std::memory_order_relaxed),
                          progress.position_minor.load(std::memory_order_relaxed)};
  const double seconds = std::chrono::duration<double>(now - last_time).count();
  const double rate = seconds > 0 ? static_cast<double>(count - last_count) / seconds : 0;
  last_count = count;
  last_time = now;
  Position end;
  LogLag lag;
  try {
    end = reader.end_position();
    lag = reader.lag_after(position);
  } catch (const std::exception& e) {
    // A status line is not worth stopping the engine for (a Redis restart, say).
    return fmt::format("applied={} position={} end=unknown ({})", count, position.to_string(),
                       e.what());
  }
  return fmt::format("applied={} rate={:.0f}/s position={} end={} lag={} last_snapshot={}", count,
                     rate, position.to_string(), end.to_string(), lag.to_string(),
                     snapshotter.last_saved().to_string());
}

}  // namespace

EngineSummary run_engine(Backend& backend, const EngineOptions& options,
                         const std::atomic<bool>& stop) {
  EngineSummary summary;
  const std::unique_ptr<SnapshotStore> store = backend.open_snapshot_store();
  Recovered recovered = restore_snapshot(*store);
  for (const std::string& problem : recovered.problems)
    spdlog::warn("snapshot skipped: {}", problem);
  summary.snapshot_position = recovered.snapshot_position;
  spdlog::info("recovered {} ({} users, {} items); reading {} after position {}",
               recovered.snapshot_position.is_zero()
                   ? "no snapshot, empty state"
                   : "snapshot at " + recovered.snapshot_position.to_string(),
               recovered.state.users().size(), recovered.state.items().size(), backend.describe(),
               recovered.position.to_string());

  const std::unique_ptr<LogReader> reader = backend.open_reader(recovered.position);
  check_snapshot_within_log(recovered, *reader);
  const std::unique_ptr<ResultWriter> results = backend.open_result_writer();
  const Position results_through = results->last_position();

  InputRing input(input_ring_size, std::chrono::nanoseconds(ring_wait_timeout));
  OutputRing output(output_ring_size, std::chrono::nanoseconds(ring_wait_timeout));
  auto input_barrier = input.new_barrier();
  auto output_barrier = output.new_barrier();
  ResultHandler result_handler(*results, results_through);
  dr::BatchEventProcessor result_processor(output, output_barrier, result_handler);
  output.add_gating_sequences(result_processor.sequence());

  Snapshotter snapshotter(
      *store, [&](std::int64_t sequence) { return result_handler.durable_through(sequence); });
  Progress progress;
  std::atomic<bool> abort{false};
  BusinessLogicHandler logic(recovered.state, recovered.position, output, snapshotter, progress,
                             abort);
  dr::BatchEventProcessor logic_processor(input, input_barrier, logic);
  input.add_gating_sequences(logic_processor.sequence());

  std::atomic<bool> reader_stop{false};
  const auto start = Clock::now();
  StageThread result_thread("result writer", [&] { result_processor.run(); });
  StageThread logic_thread("business logic", [&] { logic_processor.run(); });
  StageThread reader_thread("log reader", [&] {
    // acquire: pairs with the control thread's release store when stopping.
    while (!reader_stop.load(std::memory_order_acquire)) {
      const std::size_t count = reader->fetch(reader_batch_size, reader_wait_timeout);
      if (count == 0) {
        if (options.exit_when_caught_up) return;
        continue;
      }
      const auto n = static_cast<std::int64_t>(count);
      const std::int64_t last = claim_or_abort(input, n, abort);
      for (std::int64_t i = 0; i < n; ++i) {
        reader->decode(static_cast<std::size_t>(i), input[last - n + 1 + i]);
      }
      input.publish(last - n + 1, last);
    }
  });

  // Control loop: status lines, snapshot requests, and watching for the end.
  auto last_snapshot = Clock::now();
  auto last_status = Clock::now();
  std::uint64_t status_count = 0;
  auto status_time = Clock::now();
  while (!stop.load(std::memory_order_relaxed) && !reader_thread.done() && !logic_thread.done() &&
         !result_thread.done()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const auto now = Clock::now();
    if (now - last_snapshot >= options.snapshot_interval && snapshotter.idle()) {
      logic.request_snapshot();
      last_snapshot = now;
    }
    if (options.on_status && now - last_status >= options.status_interval) {
      options.on_status(status_line(progress, status_count, status_time, *reader, snapshotter));
      last_status = now;
    }
  }

  // A stage that stopped on its own (not the reader catching up) failed: make the others
  // give up instead of waiting on it, then report the cause.
  const bool failed = logic_thread.done() || result_thread.done() ||
                      (reader_thread.done() && !options.exit_when_caught_up);
  if (failed) {
    abort.store(true, std::memory_order_relaxed);  // relaxed: polled, a late look only delays
    logic_processor.halt();
    result_processor.halt();
  }
  // Shut down in pipeline order: no more input, then drain each stage behind the one before.
  reader_stop.store(true, std::memory_order_release);  // release: pairs with the reader's acquire
  reader_thread.join();
  logic_processor.drain();
  logic_thread.join();
  result_processor.drain();
  result_thread.join();
  // The snapshotter may wait on results the stopped writer will not sync by itself.
  if (!failed) result_handler.sync_after_stop(output.cursor());
  reader_thread.rethrow_failure();
  logic_thread.rethrow_failure();
  result_thread.rethrow_failure();
  summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();

  // Final snapshot: every stage has stopped and every result is written.
  snapshotter.flush();
  // Nothing to write when the newest snapshot (saved now, or recovered from) is current.
  const bool current = logic.position() == snapshotter.last_saved() ||
                       logic.position() == recovered.snapshot_position;
  if (!current && !logic.position().is_zero()) {
    snapshotter.submit(logic.copy_state(), output.cursor());
    snapshotter.flush();
    summary.final_snapshot_position = logic.position();
  }
  summary.position = logic.position();
  summary.applied_count = logic.applied_count();
  summary.reasons = logic.reasons();
  summary.users = recovered.state.users().size();
  summary.items = recovered.state.items().size();
  return summary;
}

}  // namespace lmx
