#pragma once
// What a consumer waits on: the ring cursor, or the sequences of the upstream consumers it
// depends on (building pipelines and diamonds). wait_for(s) returns the highest sequence
// the consumer may read, which is at least `s`, or earlier than `s` when the wait ended
// without it: the barrier was alerted (is_alerted() is true) or the wait strategy timed out.
//
// One barrier serves one consumer: alert() is how its processor is asked to stop.

#include <atomic>
#include <cassert>
#include <cstdint>
#include <thread>
#include <utility>

#include "lmx/disruptor/sequence.hpp"
#include "lmx/disruptor/sequence_group.hpp"
#include "lmx/disruptor/wait_strategy.hpp"

namespace lmx::disruptor {

template <class Sequencer>
class SequenceBarrier {
 public:
  // With no dependencies the consumer follows the ring cursor directly.
  SequenceBarrier(Sequencer& sequencer, SequenceGroup dependencies)
      : sequencer_(sequencer),
        dependencies_(dependencies.empty() ? SequenceGroup{&sequencer.cursor_sequence()}
                                           : std::move(dependencies)) {}
  SequenceBarrier(const SequenceBarrier&) = delete;
  SequenceBarrier& operator=(const SequenceBarrier&) = delete;

  [[nodiscard]] std::int64_t wait_for(std::int64_t sequence) noexcept {
    auto& strategy = sequencer_.wait_strategy();
    for (int gap_checks = 1;; ++gap_checks) {
      const std::int64_t available = strategy.wait_for(sequence, *this);
      if (precedes(available, sequence)) return available;  // alerted or timed out
      const std::int64_t published = sequencer_.highest_published(sequence, available);
      if (!precedes(published, sequence) || is_alerted()) return published;
      // A multi-producer has claimed `sequence` and not yet published it; it is between
      // its claim and its publish, so this gap usually closes within a few spins. Yield
      // only if it does not (the producer may have lost its core).
      if (gap_checks % gap_spins_per_yield == 0) {
        std::this_thread::yield();
      } else {
        cpu_relax();
      }
    }
  }

  // The slowest upstream sequence (the cursor when there are no dependencies).
  [[nodiscard]] std::int64_t dependent_sequence() const noexcept { return dependencies_.minimum(); }

  [[nodiscard]] std::int64_t cursor() const noexcept { return sequencer_.cursor(); }

  // Wakes the consumer waiting on this barrier, even one asleep in a blocking strategy.
  void alert() noexcept {
    // release: whatever the alerter wrote first (a halt request) is seen by is_alerted().
    alerted_.store(true, std::memory_order_release);
    sequencer_.wait_strategy().signal_all_when_blocking();
  }

  // Returns whether the barrier was alerted.
  bool clear_alert() noexcept {
    // acq_rel: if this consumes an alert, the alerter's earlier writes become visible, so
    // a consumer that clears an alert and then rereads its state cannot miss a halt.
    return alerted_.exchange(false, std::memory_order_acq_rel);
  }

  [[nodiscard]] bool is_alerted() const noexcept {
    // acquire: pairs with alert(); the request that caused the alert is visible.
    return alerted_.load(std::memory_order_acquire);
  }

 private:
  static constexpr int gap_spins_per_yield = 100;

  Sequencer& sequencer_;
  SequenceGroup dependencies_;
  std::atomic<bool> alerted_{false};
};

}  // namespace lmx::disruptor
