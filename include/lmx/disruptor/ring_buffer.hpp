#pragma once
// The ring: preallocated event slots indexed by sequence, and the sequencer that hands them
// out. Producers claim (next / try_next / claim), fill and publish; consumers wait on a
// barrier (new_barrier) and read slots up to what it returns.
//
//   RingBuffer<Event, SingleProducerSequencer<BlockingWaitStrategy>> ring(1024);
//   ring.publish_event([&](Event& e, std::int64_t) { e = decoded; });
//
// Slots are default-constructed once and reused forever: producers overwrite them in
// place, so an event type owning heap memory should be reset, not reallocated.

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "lmx/disruptor/claim.hpp"
#include "lmx/disruptor/sequence.hpp"
#include "lmx/disruptor/sequence_barrier.hpp"
#include "lmx/disruptor/sequence_group.hpp"

namespace lmx::disruptor {

template <class T, class Sequencer>
class RingBuffer {
 public:
  using event_type = T;
  using sequencer_type = Sequencer;
  using barrier_type = SequenceBarrier<Sequencer>;

  // `size` must be a power of two (std::invalid_argument otherwise); `wait_args` construct
  // the sequencer's wait strategy, e.g. a timeout for TimeoutBlockingWaitStrategy.
  template <class... WaitArgs>
  explicit RingBuffer(std::size_t size, WaitArgs&&... wait_args)
      : sequencer_(size, std::forward<WaitArgs>(wait_args)...),
        mask_(sequencer_.buffer_size() - 1),
        entries_(std::make_unique<T[]>(size)) {}
  RingBuffer(const RingBuffer&) = delete;
  RingBuffer& operator=(const RingBuffer&) = delete;

  [[nodiscard]] T& operator[](std::int64_t sequence) noexcept {
    return entries_[static_cast<std::size_t>(sequence & mask_)];
  }
  [[nodiscard]] const T& operator[](std::int64_t sequence) const noexcept {
    return entries_[static_cast<std::size_t>(sequence & mask_)];
  }

  // Claims slots, waiting while the ring is full; returns the last claimed sequence. The
  // caller must publish every claimed slot: prefer claim() or publish_event().
  std::int64_t next(std::int64_t count = 1) noexcept { return sequencer_.next(count); }
  [[nodiscard]] std::optional<std::int64_t> try_next(std::int64_t count = 1) noexcept {
    return sequencer_.try_next(count);
  }
  void publish(std::int64_t sequence) noexcept { sequencer_.publish(sequence); }
  void publish(std::int64_t first, std::int64_t last) noexcept { sequencer_.publish(first, last); }

  // Claims `count` slots that are published when the returned Claim is destroyed.
  [[nodiscard]] Claim<RingBuffer> claim(std::int64_t count = 1) noexcept {
    const std::int64_t last = next(count);
    return Claim<RingBuffer>(*this, last - count + 1, last);
  }

  // Claims one slot, lets `translate(event, sequence)` fill it, and publishes it.
  template <class Translator>
  void publish_event(Translator&& translate) {
    const Claim<RingBuffer> slot = claim();
    translate(*slot, slot.first());
  }

  // Claims `count` slots, fills each with `translate(event, sequence)`, publishes them all.
  template <class Translator>
  void publish_events(std::int64_t count, Translator&& translate) {
    const Claim<RingBuffer> slots = claim(count);
    for (std::int64_t i = 0; i < count; ++i) translate(slots[i], slots.first() + i);
  }

  // As publish_event, but returns false at once (publishing nothing) if the ring is full.
  template <class Translator>
  [[nodiscard]] bool try_publish_event(Translator&& translate) {
    const std::optional<std::int64_t> sequence = try_next();
    if (!sequence) return false;
    const Claim<RingBuffer> slot(*this, *sequence, *sequence);
    translate(*slot, *sequence);
    return true;
  }

  // Registers consumers the producers must never lap. Call before the first publish.
  template <class... Sequences>
  void add_gating_sequences(const Sequences&... sequences) {
    (sequencer_.add_gating_sequence(sequences), ...);
  }

  // Stops gating on consumers that a later consumer now trails (which then gates instead).
  // Call before the first publish.
  template <class... Sequences>
  void remove_gating_sequences(const Sequences&... sequences) {
    (sequencer_.remove_gating_sequence(sequences), ...);
  }

  // A barrier for a consumer that reads only what every `dependencies` consumer has
  // finished with (or what is published, if none are given).
  template <class... Sequences>
  [[nodiscard]] barrier_type new_barrier(const Sequences&... dependencies) {
    return barrier_type(sequencer_, SequenceGroup{&dependencies...});
  }

  [[nodiscard]] std::int64_t cursor() const noexcept { return sequencer_.cursor(); }
  [[nodiscard]] std::int64_t buffer_size() const noexcept { return sequencer_.buffer_size(); }
  [[nodiscard]] std::int64_t remaining_capacity() const noexcept {
    return sequencer_.remaining_capacity();
  }
  [[nodiscard]] Sequencer& sequencer() noexcept { return sequencer_; }

 private:
  Sequencer sequencer_;
  const std::int64_t mask_;
  std::unique_ptr<T[]> entries_;
};

}  // namespace lmx::disruptor
