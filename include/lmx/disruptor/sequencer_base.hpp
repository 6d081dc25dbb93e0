#pragma once
// What both sequencers share: the validated ring size, the cursor consumers wait on, the
// wait strategy they wait with, and the gating sequences (the slowest consumers) a producer
// must never lap. See single_producer_sequencer.hpp and multi_producer_sequencer.hpp.

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include "lmx/disruptor/limits.hpp"
#include "lmx/disruptor/sequence.hpp"
#include "lmx/disruptor/sequence_group.hpp"

namespace lmx::disruptor {

// Returns `size` as a sequence count, or throws if it cannot be a ring size.
inline std::int64_t checked_ring_size(std::size_t size) {
  if (size == 0 || (size & (size - 1)) != 0) {
    throw std::invalid_argument("ring size " + std::to_string(size) +
                                " is not a power of two; round it up (e.g. 1024, 65536)");
  }
  if (size > ring_size_max) {
    throw std::invalid_argument(
        "ring size " + std::to_string(size) + " exceeds ring_size_max (" +
        std::to_string(ring_size_max) +
        "); use a smaller ring or raise the limit in lmx/disruptor/limits.hpp");
  }
  return static_cast<std::int64_t>(size);
}

template <class WaitStrategy>
class SequencerBase {
 public:
  using wait_strategy_type = WaitStrategy;

  SequencerBase(const SequencerBase&) = delete;
  SequencerBase& operator=(const SequencerBase&) = delete;

  [[nodiscard]] std::int64_t buffer_size() const noexcept { return buffer_size_; }
  [[nodiscard]] std::int64_t cursor() const noexcept { return cursor_.get(); }
  [[nodiscard]] const Sequence& cursor_sequence() const noexcept { return cursor_; }
  [[nodiscard]] WaitStrategy& wait_strategy() noexcept { return wait_strategy_; }

 protected:
  template <class... WaitArgs>
  explicit SequencerBase(std::size_t size, WaitArgs&&... wait_args)
      : buffer_size_(checked_ring_size(size)),
        wait_strategy_(std::forward<WaitArgs>(wait_args)...) {}
  ~SequencerBase() = default;

  // The producer may claim up to `current + count` once the slowest consumer has passed
  // `current + count - buffer_size`. `cache` (a Sequence or a producer-local stand-in)
  // remembers the last minimum seen so that the gating sequences, which live on other
  // cores' cache lines, are read only when the cached value says the ring may be full.
  template <class Cache>
  [[nodiscard]] bool has_capacity(std::int64_t current, std::int64_t count,
                                  Cache& cache) const noexcept {
    assert(count >= 1);
    assert(count <= buffer_size_);
    const std::int64_t wrap_point = current + count - buffer_size_;
    const std::int64_t cached = cache.get();
    if (!precedes(cached, wrap_point) && !precedes(current, cached)) return true;
    const std::int64_t slowest = gating_.minimum_or(current);
    cache.set(slowest);
    return !precedes(slowest, wrap_point);
  }

  [[nodiscard]] std::int64_t gating_minimum(std::int64_t ceiling) const noexcept {
    return gating_.minimum_or(ceiling);
  }

  void add_gating(const Sequence& sequence) { gating_.add(sequence); }
  void remove_gating(const Sequence& sequence) {
    [[maybe_unused]] const std::size_t removed = gating_.remove(sequence);
    assert(removed == 1 && "remove a gating sequence that was added once");
  }

  const std::int64_t buffer_size_;
  // The cursor is read by every consumer on every wait: it sits on its own cache line
  // (Sequence is line-sized and line-aligned), away from producer-private state.
  Sequence cursor_;
  WaitStrategy wait_strategy_;

 private:
  SequenceGroup gating_;
};

}  // namespace lmx::disruptor
