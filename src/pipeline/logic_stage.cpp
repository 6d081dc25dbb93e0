#include "pipeline/logic_stage.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "lmx/assert.hpp"
#include "lmx/constants.hpp"
#include "lmx/core/business_logic.hpp"

namespace lmx {

LogicStage::LogicStage(State state, Position position, Position snapshot_position,
                       const InputRing& input, OutputRing& output, Snapshotter& snapshotter,
                       const std::atomic<bool>& abort, EngineObserver* observer,
                       std::uint64_t checkpoint_period)
    : state_(std::move(state)),
      position_(position),
      snapshot_position_(snapshot_position),
      input_(input),
      output_(output),
      snapshotter_(snapshotter),
      abort_(abort),
      observer_(observer),
      checkpoint_period_(checkpoint_period) {
  LMX_ASSERT(snapshot_position <= position);
  progress_.position_major.store(position.major, std::memory_order_relaxed);  // display only
  progress_.position_minor.store(position.minor, std::memory_order_relaxed);  // display only
}

template <class At>
void LogicStage::start_batch(std::int64_t first, std::int64_t last, At&& at) noexcept {
  batch_first_ = first;
  batch_last_ = last;
  if (observer_ != nullptr) batch_started_ = std::chrono::steady_clock::now();
  lookahead_.start_batch(state_, first, last, at);
}

void LogicStage::on_batch_start(std::int64_t first, std::int64_t last) noexcept {
  start_batch(first, last, [this](std::int64_t k) -> const Event& { return input_[k]; });
}

void LogicStage::on_event(Event& event, std::int64_t sequence, bool end_of_batch) {
  apply_event(event, sequence, end_of_batch,
              [this](std::int64_t k) -> const Event& { return input_[k]; });
}

void LogicStage::apply_fetched(DecodeWindow& window, std::size_t count) {
  LMX_ASSERT(count > 0);
  window.start_batch();
  const auto last = static_cast<std::int64_t>(count) - 1;
  start_batch(0, last, window);
  for (std::int64_t i = 0; i <= last; ++i) apply_event(window(i), i, i == last, window);
}

template <class At>
void LogicStage::apply_event(Event& event, std::int64_t sequence, bool end_of_batch, At&& at) {
  // Positions only grow: the reader hands every entry once, in log order.
  LMX_ASSERT(position_ < event.position);
  if (checkpoint_period_ != 0 && !position_.is_zero() &&
      position_.major / checkpoint_period_ != event.position.major / checkpoint_period_) {
    checkpoint_at_boundary();
  }
  // The lookahead holds the events of the batch started last.
  LMX_ASSERT(sequence >= batch_first_ && sequence <= batch_last_);
  const LookupHint& hint = lookahead_.advance(state_, sequence, batch_last_, at);
  const std::int64_t slot = next_output_slot(batch_last_ - sequence + 1);
  Output& output = output_[slot];
  output.kind = Output::Kind::result;
  output.result = apply(state_, event, hint);
  ++reasons_[static_cast<std::size_t>(output.result.reason)];
  position_ = event.position;
  ++applied_count_;
  if (pending_first_ < 0) pending_first_ = slot;
  pending_last_ = slot;
  if (end_of_batch || slot == claimed_last_) {
    publish_results(slot);
    if (end_of_batch) {
      // The batch's events took every slot claimed for them: none is left unpublished.
      LMX_ASSERT(next_slot_ > claimed_last_);
      if (observer_ != nullptr) {
        observer_->on_batch(static_cast<std::size_t>(sequence - batch_first_ + 1),
                            std::chrono::steady_clock::now() - batch_started_);
      }
      take_snapshot_if_requested();
      // After every event before it was applied: a read answered here sees them all.
      if (observer_ != nullptr) observer_->on_state(state_, position_);
    }
  }
}

// Output slots are claimed for the rest of the batch at once (at most
// result_publish_batch_max), not one per event; a checkpoint takes the next claimed slot,
// so that the slots are published in the order they were claimed.
std::int64_t LogicStage::next_output_slot(std::int64_t wanted) {
  if (next_slot_ > claimed_last_) {
    const std::int64_t count =
        std::clamp(wanted, std::int64_t{1}, std::int64_t{result_publish_batch_max});
    claimed_last_ = claim_or_abort(output_, count, abort_);
    next_slot_ = claimed_last_ - count + 1;
  }
  return next_slot_++;
}

std::unique_ptr<Snapshot> LogicStage::copy_state() {
  const auto start = std::chrono::steady_clock::now();
  auto snapshot = std::make_unique<Snapshot>(snapshot_of(state_, position_));
  snapshot_position_ = position_;
  progress_.snapshot_copy_ns.store(
      std::chrono::nanoseconds(std::chrono::steady_clock::now() - start).count(),
      std::memory_order_relaxed);  // display only
  return snapshot;
}

void LogicStage::publish_results(std::int64_t last) {
  LMX_ASSERT(pending_first_ >= 0);
  output_.publish(pending_first_, last);
  pending_first_ = -1;
  progress_.position_major.store(position_.major, std::memory_order_relaxed);  // display only
  progress_.position_minor.store(position_.minor, std::memory_order_relaxed);  // display only
  progress_.applied_count.store(applied_count_, std::memory_order_relaxed);    // display only
}

void LogicStage::take_snapshot_if_requested() {
  // With a checkpoint period, requests wait for a boundary (checkpoint_at_boundary()).
  if (checkpoint_period_ == 0) take_snapshot(snapshotter_.take_request());
}

void LogicStage::take_snapshot(bool requested) {
  if (!requested) return;
  if (!moved_since_snapshot()) {
    snapshotter_.release_request();
    return;
  }
  put_checkpoint(output_, next_output_slot(1), copy_state());
}

// Mid-batch: the results so far go out first, so that the snapshot follows the last one it
// covers. A boundary passed with no request pending has no snapshot.
void LogicStage::checkpoint_at_boundary() {
  if (pending_first_ >= 0) publish_results(pending_last_);
  take_snapshot(snapshotter_.take_request());
}

void publish_checkpoint(OutputRing& output, std::unique_ptr<Snapshot> snapshot,
                        const std::atomic<bool>& abort) {
  put_checkpoint(output, claim_or_abort(output, 1, abort), std::move(snapshot));
}

void put_checkpoint(OutputRing& output, std::int64_t slot, std::unique_ptr<Snapshot> snapshot) {
  Output& checkpoint = output[slot];
  LMX_ASSERT(checkpoint.snapshot == nullptr);  // the result stage took the last one
  checkpoint.kind = Output::Kind::checkpoint;
  checkpoint.snapshot = std::move(snapshot);
  output.publish(slot);
}

}  // namespace lmx
