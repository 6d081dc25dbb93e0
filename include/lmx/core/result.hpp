#pragma once
// What happened to one event: published to the results log so producers learn the outcome.

#include <cstdint>

#include "lmx/assert.hpp"
#include "lmx/core/event.hpp"
#include "lmx/core/position.hpp"
#include "lmx/core/reason.hpp"

namespace lmx {

struct Result {
  Position position;  // the input entry this result is for
  EventType type = EventType::malformed;
  Reason reason = Reason::malformed;
  std::int64_t user_id = 0;  // topup, order
  std::int64_t balance = 0;  // topup, order: the user's balance after the event
  std::int64_t remain = 0;   // add_item: the item's remaining stock after the event
  std::uint32_t entry_checksum = 0;  // the answered entry's Event::entry_checksum (0: not
                                     // recorded)
  // duplicate: the entry that first carried the command id, and the reason it got then.
  Position original_position{};
  Reason original_reason = Reason::accepted;

  [[nodiscard]] bool accepted() const noexcept { return reason == Reason::accepted; }

  friend bool operator==(const Result&, const Result&) noexcept = default;
};

// Asserts what holds of every result lmx builds or decodes: a known type and reason.
// Encoders assert it of what they take, decoders of what they give.
inline void assert_well_formed(const Result& result) noexcept {
  LMX_ASSERT(static_cast<std::size_t>(result.type) < event_type_count);
  LMX_ASSERT(static_cast<std::size_t>(result.reason) < reason_count);
  LMX_ASSERT(static_cast<std::size_t>(result.original_reason) < reason_count);
  // What a duplicate answers is a recorded outcome, never another duplicate or a rejection
  // that records nothing.
  LMX_ASSERT(result.reason != Reason::duplicate ||
             (result.original_reason != Reason::duplicate &&
              result.original_reason != Reason::invalid_id &&
              result.original_reason != Reason::malformed));
}

}  // namespace lmx
