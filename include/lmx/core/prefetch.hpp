#pragma once
// Overlapping the business logic's cache misses across a batch. At 1M users, applying an
// event mostly waits for dependent loads: the user's index slot, then the user, and the same
// for each item it names. Before applying the event at `i`, prefetch_ahead starts the slot
// loads of the event 2d ahead and the entity loads of the event d ahead (whose slots were
// started d events earlier), so that by the time an event is applied they are in cache.
// Hints only: no result changes, and only events already in the batch (up to `last`) are
// looked at.

#include <algorithm>
#include <cstdint>

#include "lmx/core/event.hpp"
#include "lmx/core/state.hpp"

namespace lmx {

// d, in events: measured best of 4, 8 and 16 at 100k and 1M users (BENCHMARKS.md, Engine).
inline constexpr std::int64_t prefetch_distance = 4;

// The order lines whose items are prefetched: the generated workload's orders have 1-3.
inline constexpr std::uint32_t prefetch_lines_max = 4;

// Starts loading the index slots of what `event` names (its user, its items).
inline void prefetch_slots(const State& state, const Event& event) noexcept {
  switch (event.type) {
    case EventType::topup:
      state.prefetch_user_slot(event.user_id);
      break;
    case EventType::order:
      state.prefetch_user_slot(event.user_id);
      for (std::uint32_t k = 0; k < std::min(event.line_count, prefetch_lines_max); ++k) {
        state.prefetch_item_slot(event.lines[k].item_id);
      }
      break;
    case EventType::add_item:
    case EventType::set_price:
      state.prefetch_item_slot(event.item_id);
      break;
    case EventType::malformed:
      break;
  }
}

// Starts loading the entities `event` names, once prefetch_slots has brought their slots in.
inline void prefetch_entities(const State& state, const Event& event) noexcept {
  switch (event.type) {
    case EventType::topup:
      state.prefetch_user(event.user_id);
      break;
    case EventType::order:
      state.prefetch_user(event.user_id);
      for (std::uint32_t k = 0; k < std::min(event.line_count, prefetch_lines_max); ++k) {
        state.prefetch_item(event.lines[k].item_id);
      }
      break;
    case EventType::add_item:
    case EventType::set_price:
      state.prefetch_item(event.item_id);
      break;
    case EventType::malformed:
      break;
  }
}

// `at(k)` gives the event at index k, for k in (i, last].
template <class At>
void prefetch_ahead(const State& state, std::int64_t i, std::int64_t last, At&& at) noexcept {
  if (i + 2 * prefetch_distance <= last) prefetch_slots(state, at(i + 2 * prefetch_distance));
  if (i + prefetch_distance <= last) prefetch_entities(state, at(i + prefetch_distance));
}

// At the start of a batch [first, last]: the slot loads of its first 2d events, which no
// earlier event of the batch started.
template <class At>
void prefetch_batch_start(const State& state, std::int64_t first, std::int64_t last,
                          At&& at) noexcept {
  for (std::int64_t k = first; k <= last && k < first + 2 * prefetch_distance; ++k) {
    prefetch_slots(state, at(k));
  }
}

}  // namespace lmx
