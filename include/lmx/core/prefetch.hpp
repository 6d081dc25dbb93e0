#pragma once
// Overlapping the business logic's cache misses across a batch. At 1M users, applying an
// event mostly waits for two loads: the user's index slot, then the user. Before applying
// the event at `i`, prefetch_ahead starts the slot load of the event 2d ahead and the user
// load of the event d ahead (whose slot was started d events earlier), so that by the time
// an event is applied both are in cache. Hints only: no result changes, and only events
// already in the batch (up to `last`) are looked at.

#include <cstdint>

#include "lmx/core/event.hpp"
#include "lmx/core/state.hpp"

namespace lmx {

// d, in events: measured best of 4, 8 and 16 at 100k and 1M users (BENCHMARKS.md, Engine).
inline constexpr std::int64_t prefetch_distance = 4;

[[nodiscard]] constexpr bool names_user(const Event& event) noexcept {
  return event.type == EventType::topup || event.type == EventType::order;
}

// `at(k)` gives the event at index k, for k in (i, last].
template <class At>
void prefetch_ahead(const State& state, std::int64_t i, std::int64_t last, At&& at) noexcept {
  if (i + 2 * prefetch_distance <= last) {
    const Event& event = at(i + 2 * prefetch_distance);
    if (names_user(event)) state.prefetch_user_slot(event.user_id);
  }
  if (i + prefetch_distance <= last) {
    const Event& event = at(i + prefetch_distance);
    if (names_user(event)) state.prefetch_user(event.user_id);
  }
}

// At the start of a batch [first, last]: the slot loads of its first 2d events, which no
// earlier event of the batch started.
template <class At>
void prefetch_batch_start(const State& state, std::int64_t first, std::int64_t last,
                          At&& at) noexcept {
  for (std::int64_t k = first; k <= last && k < first + 2 * prefetch_distance; ++k) {
    const Event& event = at(k);
    if (names_user(event)) state.prefetch_user_slot(event.user_id);
  }
}

}  // namespace lmx
