#pragma once
// Claims and publishes ring slots for exactly one producer thread. With one writer there is
// no contention to resolve: a claim is a plain add on producer-private state, and a publish
// is one release store of the cursor. Use MultiProducerSequencer if several threads publish.

#include <cassert>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <thread>
#include <utility>

#include "lmx/disruptor/limits.hpp"
#include "lmx/disruptor/sequencer_base.hpp"

namespace lmx::disruptor {

template <class WaitStrategy>
class SingleProducerSequencer : public SequencerBase<WaitStrategy> {
  using Base = SequencerBase<WaitStrategy>;

 public:
  template <class... WaitArgs>
  explicit SingleProducerSequencer(std::size_t size, WaitArgs&&... wait_args)
      : Base(size, std::forward<WaitArgs>(wait_args)...) {}

  // Registers a consumer the producer must not lap. Call before the first claim.
  void add_gating_sequence(const Sequence& sequence) {
    assert(producer_.next_value == initial_sequence && "add gating sequences before publishing");
    this->add_gating(sequence);
  }

  // Stops gating on a consumer (now trailed by one downstream). Call before the first claim.
  void remove_gating_sequence(const Sequence& sequence) {
    assert(producer_.next_value == initial_sequence && "remove gating sequences before publishing");
    this->remove_gating(sequence);
  }

  // Claims the next `count` slots, waiting while the ring is full; returns the last one.
  std::int64_t next(std::int64_t count = 1) noexcept {
    while (!this->has_capacity(producer_.next_value, count, producer_.cached_gating)) {
      // The ring is full: the consumers are behind. Sleep the shortest time the OS allows
      // (~50 us on Linux, as the Java Disruptor's parkNanos(1)) so a consumer drains a long
      // stretch without this thread polling its sequence's cache line and racing it slot
      // by slot; yielding here measured 2-4x slower with a busy-spinning consumer.
      std::this_thread::sleep_for(std::chrono::nanoseconds(1));
    }
    producer_.next_value += count;
    return producer_.next_value;
  }

  // As next(), but gives up instead of waiting when the ring lacks `count` free slots.
  [[nodiscard]] std::optional<std::int64_t> try_next(std::int64_t count = 1) noexcept {
    if (!this->has_capacity(producer_.next_value, count, producer_.cached_gating)) {
      return std::nullopt;
    }
    producer_.next_value += count;
    return producer_.next_value;
  }

  // Makes every slot up to `sequence` visible to consumers.
  void publish(std::int64_t sequence) noexcept {
    assert(!precedes(producer_.next_value, sequence) && "publish a claimed sequence");
    assert(!precedes(sequence, this->cursor_.get()) && "publish in claim order");
    this->cursor_.set(sequence);  // release (Sequence::set): the slot writes happen-before
    this->wait_strategy_.signal_all_when_blocking();
  }

  void publish([[maybe_unused]] std::int64_t first, std::int64_t last) noexcept {
    assert(!precedes(last, first));
    publish(last);
  }

  [[nodiscard]] bool is_available(std::int64_t sequence) const noexcept {
    const std::int64_t cursor = this->cursor_.get();
    return !precedes(cursor, sequence) && precedes(cursor - this->buffer_size_, sequence);
  }

  // With one producer, everything up to the cursor is published, in order.
  [[nodiscard]] std::int64_t highest_published([[maybe_unused]] std::int64_t first,
                                               std::int64_t available) const noexcept {
    return available;
  }

  [[nodiscard]] std::int64_t remaining_capacity() const noexcept {
    const std::int64_t next = producer_.next_value;
    return this->buffer_size_ - (next - this->gating_minimum(next));
  }

 private:
  // The has_capacity() cache for one thread: no atomics needed.
  struct LocalSequence {
    std::int64_t value = initial_sequence;
    [[nodiscard]] std::int64_t get() const noexcept { return value; }
    void set(std::int64_t v) noexcept { value = v; }
  };

  // Producer-private: on its own cache line so consumers reading the cursor never pull it.
  struct alignas(cache_line_size) Producer {
    std::int64_t next_value = initial_sequence;
    LocalSequence cached_gating;
  };
  static_assert(sizeof(Producer) == cache_line_size, "producer state fills one cache line");

  Producer producer_;
};

}  // namespace lmx::disruptor
