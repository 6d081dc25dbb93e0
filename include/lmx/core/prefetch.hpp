#pragma once
// Overlapping the business logic's cache misses across a batch. At 1M users, applying an
// event mostly waits for dependent loads: the user's index slot, then the user, and the same
// for each item it names. Before the event at `i` is applied, a Lookahead starts the slot
// loads of the event 2d ahead and the entity loads of the event d ahead (whose slots were
// started d events earlier), so that by the time an event is applied they are in cache.
// Each key is hashed at the first step only, and the second step's lookups are kept as the
// event's LookupHint, which apply() takes so as not to look them up a third time (it does
// when the hint is not the entity: the batch's first d events have none, and an entity
// created meanwhile was not there to be seen). Hints only: no result changes, and only
// events already in the batch (up to `last`) are looked at.

#include <algorithm>
#include <array>
#include <cstdint>

#include "lmx/core/event.hpp"
#include "lmx/core/lookup_hint.hpp"
#include "lmx/core/state.hpp"

namespace lmx {

// d, in events: measured best of 4, 8 and 16 at 100k and 1M users (BENCHMARKS.md, Engine).
inline constexpr std::int64_t prefetch_distance = 4;

class Lookahead {
 public:
  // At the start of a batch [first, last]: the slot loads of its first 2d events, which no
  // earlier event of the batch started. `at(k)` gives the event at index k in [first, last].
  template <class At>
  void start_batch(const State& state, std::int64_t first, std::int64_t last, At&& at) noexcept {
    for (std::int64_t k = first; k <= last && k < first + 2 * prefetch_distance; ++k) {
      start_slots(state, k, at(k));
    }
  }

  // Before the event at `i` (in the batch started last, i <= last) is applied: starts the
  // loads ahead of it, and returns its hint (all npos for the first d events of a batch).
  template <class At>
  const LookupHint& advance(const State& state, std::int64_t i, std::int64_t last,
                            At&& at) noexcept {
    if (i + 2 * prefetch_distance <= last) {
      start_slots(state, i + 2 * prefetch_distance, at(i + 2 * prefetch_distance));
    }
    if (i + prefetch_distance <= last) {
      start_entities(state, i + prefetch_distance, at(i + prefetch_distance));
    }
    return ahead_[index(i)].hint;
  }

 private:
  // What is known of an event between the two steps: its keys' hashes, then its hint.
  struct Ahead {
    std::uint64_t user_hash = 0;
    std::array<std::uint64_t, lookahead_lines_max> item_hashes{};
    LookupHint hint;
  };
  // Events i to i + 2d are in flight at once.
  static constexpr std::size_t ring_size = 16;
  static_assert(ring_size > 2 * prefetch_distance && (ring_size & (ring_size - 1)) == 0);

  [[nodiscard]] static std::size_t index(std::int64_t k) noexcept {
    return static_cast<std::size_t>(k) & (ring_size - 1);
  }

  // The items an event names: an order's first lines, or add_item's and set_price's one.
  [[nodiscard]] static std::uint32_t item_count(const Event& event) noexcept {
    switch (event.type) {
      case EventType::order:
        return std::min(event.line_count, lookahead_lines_max);
      case EventType::add_item:
      case EventType::set_price:
        return 1;
      case EventType::topup:
      case EventType::malformed:
        break;
    }
    return 0;
  }
  [[nodiscard]] static const Sku& item_at(const Event& event, std::uint32_t k) noexcept {
    return event.type == EventType::order ? event.lines[k].item_id : event.item_id;
  }
  [[nodiscard]] static bool names_user(const Event& event) noexcept {
    return event.type == EventType::topup || event.type == EventType::order;
  }

  // Hashes the keys of event `k` and starts loading their index slots.
  void start_slots(const State& state, std::int64_t k, const Event& event) noexcept {
    Ahead& ahead = ahead_[index(k)];
    ahead.hint = LookupHint{};
    if (names_user(event)) {
      ahead.user_hash = State::user_hash(event.user_id);
      state.prefetch_user_slot(ahead.user_hash);
    }
    const std::uint32_t items = item_count(event);
    for (std::uint32_t j = 0; j < items; ++j) {
      const Sku& item = item_at(event, j);
      if (!item.valid()) continue;
      ahead.item_hashes[j] = State::item_hash(item);
      state.prefetch_item_slot(ahead.item_hashes[j]);
    }
  }

  // Once start_slots has brought event `k`'s slots in: finds its entities there, starts
  // loading them, and keeps where they were as its hint.
  void start_entities(const State& state, std::int64_t k, const Event& event) noexcept {
    Ahead& ahead = ahead_[index(k)];
    if (names_user(event)) ahead.hint.user = state.prefetch_user(ahead.user_hash);
    const std::uint32_t items = item_count(event);
    for (std::uint32_t j = 0; j < items; ++j) {
      if (item_at(event, j).valid()) {
        ahead.hint.items[j] = state.prefetch_item(ahead.item_hashes[j]);
      }
    }
  }

  std::array<Ahead, ring_size> ahead_{};
};

}  // namespace lmx
