#pragma once
// Claims and publishes ring slots for any number of producer threads. A claim is one
// fetch_add on the cursor, so the cursor means "claimed", not "published": each slot has
// an availability flag (the lap number of the sequence last published in it) that
// consumers check, through highest_published(), before reading.

#include <atomic>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

#include "lmx/disruptor/sequencer_base.hpp"

namespace lmx::disruptor {

template <class WaitStrategy>
class MultiProducerSequencer : public SequencerBase<WaitStrategy> {
  using Base = SequencerBase<WaitStrategy>;

 public:
  template <class... WaitArgs>
  explicit MultiProducerSequencer(std::size_t size, WaitArgs&&... wait_args)
      : Base(size, std::forward<WaitArgs>(wait_args)...),
        index_mask_(this->buffer_size_ - 1),
        index_shift_(std::countr_zero(size)),
        available_(std::make_unique<std::atomic<std::int32_t>[]>(size)) {
    for (std::size_t i = 0; i < size; ++i) {
      // relaxed: no consumer thread can exist before the constructor returns.
      available_[i].store(-1, std::memory_order_relaxed);
    }
  }

  // Registers a consumer the producers must not lap. Call before the first claim.
  void add_gating_sequence(const Sequence& sequence) {
    assert(this->cursor_.get() == initial_sequence && "add gating sequences before publishing");
    this->add_gating(sequence);
  }

  // Stops gating on a consumer (now trailed by one downstream). Call before the first claim.
  void remove_gating_sequence(const Sequence& sequence) {
    assert(this->cursor_.get() == initial_sequence && "remove gating sequences before publishing");
    this->remove_gating(sequence);
  }

  // Claims the next `count` slots, waiting while the ring is full; returns the last one.
  std::int64_t next(std::int64_t count = 1) noexcept {
    assert(count >= 1);
    const std::int64_t current = this->cursor_.add_and_get(count) - count;
    while (!this->has_capacity(current, count, gating_cache_)) {
      // The ring is full. Unlike the single producer, yield rather than sleep: with several
      // producers sharing cores with the consumer, handing the core over at once measured
      // about twice as fast in three_to_one as sleeping ~50 us.
      std::this_thread::yield();
    }
    return current + count;
  }

  // As next(), but gives up instead of waiting when the ring lacks `count` free slots.
  [[nodiscard]] std::optional<std::int64_t> try_next(std::int64_t count = 1) noexcept {
    for (;;) {
      const std::int64_t current = this->cursor_.get();
      if (!this->has_capacity(current, count, gating_cache_)) return std::nullopt;
      if (this->cursor_.compare_and_set(current, current + count)) return current + count;
    }
  }

  void publish(std::int64_t sequence) noexcept {
    mark_available(sequence);
    this->wait_strategy_.signal_all_when_blocking();
  }

  void publish(std::int64_t first, std::int64_t last) noexcept {
    assert(!precedes(last, first));
    for (std::int64_t sequence = first; !precedes(last, sequence); ++sequence) {
      mark_available(sequence);
    }
    this->wait_strategy_.signal_all_when_blocking();
  }

  [[nodiscard]] bool is_available(std::int64_t sequence) const noexcept {
    // acquire: pairs with mark_available(); the producer's slot writes are visible.
    return available_[index(sequence)].load(std::memory_order_acquire) == lap(sequence);
  }

  // The last sequence of the unbroken published run starting at `first`, up to
  // `available`; `first - 1` if `first` itself is claimed but not yet published.
  [[nodiscard]] std::int64_t highest_published(std::int64_t first,
                                               std::int64_t available) const noexcept {
    for (std::int64_t sequence = first; !precedes(available, sequence); ++sequence) {
      if (!is_available(sequence)) return sequence - 1;
    }
    return available;
  }

  [[nodiscard]] std::int64_t remaining_capacity() const noexcept {
    const std::int64_t claimed = this->cursor_.get();
    return this->buffer_size_ - (claimed - this->gating_minimum(claimed));
  }

 private:
  void mark_available(std::int64_t sequence) noexcept {
    // release: the slot's contents happen-before a consumer's acquire in is_available().
    available_[index(sequence)].store(lap(sequence), std::memory_order_release);
  }

  [[nodiscard]] std::size_t index(std::int64_t sequence) const noexcept {
    return static_cast<std::size_t>(sequence & index_mask_);
  }

  // Which lap of the ring `sequence` is on; it changes every time the slot is reused.
  [[nodiscard]] std::int32_t lap(std::int64_t sequence) const noexcept {
    return static_cast<std::int32_t>(static_cast<std::uint64_t>(sequence) >> index_shift_);
  }

  const std::int64_t index_mask_;
  const int index_shift_;
  std::unique_ptr<std::atomic<std::int32_t>[]> available_;
  // Shared by all producers: the slowest consumer last seen, on its own cache line.
  Sequence gating_cache_;
};

}  // namespace lmx::disruptor
