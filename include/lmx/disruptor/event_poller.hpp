#pragma once
// A pull-model consumer, for a thread that runs its own loop (an I/O loop, a test driver)
// and wants to take whatever is available when it chooses, without a processor thread:
//
//   EventPoller poller(ring);                 // or EventPoller(ring, upstream.sequence())
//   ring.add_gating_sequences(poller.sequence());
//   while (running) {
//     if (poller.poll(handler) != EventPoller<Ring>::State::processing) do_other_work();
//   }
//
// The handler is `bool(T& event, std::int64_t sequence, bool end_of_batch)`; returning
// false stops the current poll after that event (the rest is left for the next poll).

#include <cstdint>
#include <utility>

#include "lmx/disruptor/sequence.hpp"
#include "lmx/disruptor/sequence_group.hpp"

namespace lmx::disruptor {

template <class Ring>
class EventPoller {
 public:
  enum class State {
    processing,  // the handler was given at least one event
    gating,      // events are published but an upstream consumer has not released them
    idle,        // nothing new is published
  };

  template <class... Sequences>
  explicit EventPoller(Ring& ring, const Sequences&... dependencies)
      : ring_(ring), dependencies_{&dependencies...} {
    if (dependencies_.empty()) dependencies_.add(ring.sequencer().cursor_sequence());
  }
  EventPoller(const EventPoller&) = delete;
  EventPoller& operator=(const EventPoller&) = delete;

  // Hands the handler every event available now, in order. If the handler throws, the
  // events before the failing one count as processed and the exception propagates.
  template <class Handler>
  State poll(Handler&& handler) {
    const std::int64_t first = sequence_.get() + 1;
    const std::int64_t available =
        ring_.sequencer().highest_published(first, dependencies_.minimum());
    if (precedes(available, first)) {
      return precedes(ring_.cursor(), first) ? State::idle : State::gating;
    }
    std::int64_t processed = first - 1;
    const MarkProcessed mark{sequence_, processed};
    for (std::int64_t sequence = first; !precedes(available, sequence); ++sequence) {
      const bool more = handler(ring_[sequence], sequence, sequence == available);
      // cppcheck-suppress unreadVariable ; read by `mark`'s destructor, through a reference
      processed = sequence;
      if (!more) break;
    }
    return State::processing;
  }

  // The last sequence this poller has finished with: gate producers on it.
  [[nodiscard]] const Sequence& sequence() const noexcept { return sequence_; }

 private:
  struct MarkProcessed {
    Sequence& sequence;
    const std::int64_t& processed;
    // release (Sequence::set): the handler is done with these slots.
    ~MarkProcessed() { sequence.set(processed); }
  };

  Ring& ring_;
  SequenceGroup dependencies_;
  Sequence sequence_;
};

}  // namespace lmx::disruptor
