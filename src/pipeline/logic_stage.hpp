#pragma once
// The logic stage: the business logic processor's handler. It owns the state, applies
// each event of the input ring to it (lmx::apply, no I/O, no clock), writes each result to
// the output ring, and at a batch boundary where a snapshot was requested, puts a copy of
// the state on the output ring behind the results it covers.
//
// Given a checkpoint period, a requested snapshot waits instead for the next boundary of log
// time (entry positions' major part: a Redis entry id's milliseconds), and is taken before
// the first entry of the new period: a position given by the log alone, so that every
// engine on a shared log snapshots at the same positions, and their digests can be compared
// there. (The request, on the control thread's clock, only keeps an engine replaying a long
// backlog from snapshotting at every boundary it passes.)

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include "lmx/core/engine_observer.hpp"
#include "lmx/core/prefetch.hpp"
#include "lmx/core/reason.hpp"
#include "lmx/core/state.hpp"
#include "pipeline/decode_window.hpp"
#include "pipeline/rings.hpp"
#include "pipeline/snapshotter.hpp"

namespace lmx {

// Counters the control thread reads while the pipeline runs, for status lines only: each
// is read and written relaxed, and a line may mix values from neighbouring batches.
struct Progress {
  std::atomic<std::uint64_t> applied_count{0};
  std::atomic<std::uint64_t> position_major{0};
  std::atomic<std::uint64_t> position_minor{0};
  std::atomic<std::int64_t> snapshot_copy_ns{0};  // the last copy of the state, for a snapshot

  [[nodiscard]] Position position() const noexcept {
    return {position_major.load(std::memory_order_relaxed),
            position_minor.load(std::memory_order_relaxed)};
  }
};

class LogicStage {
 public:
  // `snapshot_position`: the snapshot the state was restored from (zero: none).
  // `input`: the ring the stage consumes (when the log is not read inline), read ahead
  // within a batch for cache hints.
  LogicStage(State state, Position position, Position snapshot_position, const InputRing& input,
             OutputRing& output, Snapshotter& snapshotter, const std::atomic<bool>& abort,
             EngineObserver* observer = nullptr, std::uint64_t checkpoint_period = 0);

  // The input ring's consumer (the business logic processor): a batch of ring slots.
  // on_batch_start starts the lookahead (core/prefetch.hpp) over the batch's first events.
  void on_batch_start(std::int64_t first, std::int64_t last) noexcept;
  void on_event(Event& event, std::int64_t sequence, bool end_of_batch);

  // Without the input ring, on a thread that reads the log itself (ReaderStage, inline):
  // applies the `count` entries the window's reader fetched last, decoded as they are
  // applied.
  void apply_fetched(DecodeWindow& window, std::size_t count);

  // Idle: a requested snapshot need not wait for the next event, nor a read the observer
  // holds (a query ring to drain).
  void on_timeout(std::int64_t /*sequence*/) {
    take_snapshot_if_requested();
    if (observer_ != nullptr) observer_->on_state(state_, position_);
  }

  [[nodiscard]] const Progress& progress() const noexcept { return progress_; }

  // The rest is for the control thread once the stage's thread has been joined.
  [[nodiscard]] const State& state() const noexcept { return state_; }
  [[nodiscard]] Position position() const noexcept { return position_; }
  [[nodiscard]] std::uint64_t applied_count() const noexcept { return applied_count_; }
  [[nodiscard]] const std::array<std::uint64_t, reason_count>& reasons() const noexcept {
    return reasons_;
  }
  // True when the state has moved since the newest snapshot (taken or restored).
  [[nodiscard]] bool moved_since_snapshot() const noexcept {
    return position_ != snapshot_position_;
  }
  // A copy of the state at the current position: on the stage's thread, or after it.
  [[nodiscard]] std::unique_ptr<Snapshot> copy_state();

 private:
  // `at(k)`: the event at sequence k of the batch, for the cache hints.
  template <class At>
  void start_batch(std::int64_t first, std::int64_t last, At&& at) noexcept;
  template <class At>
  void apply_event(Event& event, std::int64_t sequence, bool end_of_batch, At&& at);
  [[nodiscard]] std::int64_t next_output_slot(std::int64_t wanted);
  void publish_results(std::int64_t last);
  void take_snapshot_if_requested();
  void checkpoint_at_boundary();
  void take_snapshot(bool requested);  // a request taken: the snapshot, if the state moved

  State state_;
  Position position_;
  Position snapshot_position_;
  const InputRing& input_;
  std::int64_t batch_first_ = 0;  // the batch being applied: its first and last sequence
  std::int64_t batch_last_ = -1;
  Lookahead lookahead_;
  // When it started, for the observer only: no clock is read when there is none, and the
  // business logic (apply) never reads one.
  std::chrono::steady_clock::time_point batch_started_;
  OutputRing& output_;
  Snapshotter& snapshotter_;
  const std::atomic<bool>& abort_;
  EngineObserver* const observer_;         // null: none
  const std::uint64_t checkpoint_period_;  // zero: snapshots only when requested
  std::int64_t next_slot_ = 0;             // output slots claimed and not yet taken: next_slot_ ..
  std::int64_t claimed_last_ = -1;         // .. claimed_last_
  std::int64_t pending_first_ = -1;        // first output slot taken and not yet published
  std::int64_t pending_last_ = -1;         // last output slot taken
  std::uint64_t applied_count_ = 0;
  std::array<std::uint64_t, reason_count> reasons_{};
  Progress progress_;
};

// Puts a checkpoint on the output ring: the results before it are to be made durable,
// then `snapshot` (may be null) saved. Called by the ring's one producer at a time: the
// logic stage, or the control thread once the logic stage has stopped.
void publish_checkpoint(OutputRing& output, std::unique_ptr<Snapshot> snapshot,
                        const std::atomic<bool>& abort);
// The same in `slot`, already claimed by the caller.
void put_checkpoint(OutputRing& output, std::int64_t slot, std::unique_ptr<Snapshot> snapshot);

}  // namespace lmx
