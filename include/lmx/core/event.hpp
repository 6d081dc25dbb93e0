#pragma once
// One decoded log entry, as it sits in an input ring slot. Fixed size, no heap: the reader
// decodes into a preallocated slot and the business logic reads it in place.

#include <algorithm>
#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "lmx/assert.hpp"
#include "lmx/constants.hpp"
#include "lmx/core/command_id.hpp"
#include "lmx/core/position.hpp"
#include "lmx/core/sku.hpp"

namespace lmx {

// Stable codes: they appear in the native encoding and in results.
enum class EventType : std::uint8_t {
  malformed = 0,  // the entry could not be decoded; the business logic rejects it
  topup = 1,
  add_item = 2,
  order = 3,
  set_price = 4,  // sets an item's price, creating it with no stock if need be
};

inline constexpr std::size_t event_type_count = 5;

// lmx's own name of each type, indexed by code: the `type` of JSON lines, of native Redis
// entries and of Redis results. Adding a type is one line here (and one per format that
// spells types its own way, as the seed format does: seed_codec.hpp).
inline constexpr std::array<std::string_view, event_type_count> event_type_names = {
    "malformed",
    "topup",
    "add_item",
    "order",
    "set_price",
};

[[nodiscard]] constexpr std::string_view event_type_name(EventType type) noexcept {
  return event_type_names[static_cast<std::size_t>(type)];
}

// The type of a code read from bytes; nullopt when no type has that code.
[[nodiscard]] constexpr std::optional<EventType> event_type_from_code(std::uint8_t code) noexcept {
  if (code >= event_type_count) return std::nullopt;
  return static_cast<EventType>(code);
}

// The type a name stands for; nullopt for an unknown name. "malformed" names a type but is
// never a type an input may claim, so callers that read input refuse it themselves.
[[nodiscard]] constexpr std::optional<EventType> event_type_from_name(
    std::string_view name) noexcept {
  for (std::size_t i = 0; i < event_type_count; ++i) {
    if (event_type_names[i] == name) return static_cast<EventType>(i);
  }
  return std::nullopt;
}

static_assert(static_cast<std::size_t>(EventType::set_price) + 1 == event_type_count,
              "event_type_count and event_type_names must grow with EventType");

struct OrderLine {
  Sku item_id;
  std::int64_t quantity = 0;

  friend bool operator==(const OrderLine&, const OrderLine&) noexcept = default;
};

struct Event {
  Position position;
  // Tells the log entry at `position` from another one put at the same position later: the
  // file journal's record checksum (its sequences are used again when a lost tail is
  // appended to anew). Zero on Redis, where a stream never gives an id twice. Results and
  // snapshots carry it, so that a restart can tell they still answer the log as it is.
  std::uint32_t entry_checksum = 0;
  EventType type = EventType::malformed;
  CommandId id;              // the client's command id, if the entry has one
  bool has_price = false;    // add_item: a price was given
  std::int64_t user_id = 0;  // topup, order
  std::int64_t amount = 0;   // topup
  Sku item_id;               // add_item, set_price
  std::int64_t count = 0;    // add_item
  std::int64_t price = 0;    // add_item when has_price, set_price
  // order: how many lines the entry had. It may exceed order_lines_max (the business
  // logic then rejects the order as too_many_lines); only the first
  // order_lines_max lines are stored.
  std::uint32_t line_count = 0;
  std::array<OrderLine, order_lines_max> lines{};

  void reset() noexcept {
    type = EventType::malformed;
    id.present = false;
    id.size = 0;
    has_price = false;
    line_count = 0;
  }

  [[nodiscard]] static Event make_topup(std::int64_t user_id, std::int64_t amount) noexcept {
    Event e;
    e.type = EventType::topup;
    e.user_id = user_id;
    e.amount = amount;
    return e;
  }

  [[nodiscard]] static Event make_add_item(const Sku& item_id, std::int64_t count, bool has_price,
                                           std::int64_t price) noexcept {
    Event e;
    e.type = EventType::add_item;
    e.item_id = item_id;
    e.count = count;
    e.has_price = has_price;
    e.price = price;
    return e;
  }

  [[nodiscard]] static Event make_set_price(const Sku& item_id, std::int64_t price) noexcept {
    Event e;
    e.type = EventType::set_price;
    e.item_id = item_id;
    e.price = price;
    return e;
  }

  // Appends one order line; lines past order_lines_max are counted but not stored.
  void add_line(const Sku& item, std::int64_t quantity) noexcept {
    if (line_count < order_lines_max) lines[line_count] = OrderLine{item, quantity};
    ++line_count;
  }

  [[nodiscard]] std::size_t stored_line_count() const noexcept {
    return line_count < order_lines_max ? line_count : order_lines_max;
  }

  // Two events are equal when they say the same thing: the position, the type, the command
  // id and the fields that type uses (not the entry checksum, a property of the log's
  // record). A decoder reuses a ring slot without clearing what the new type does not use
  // (stale lines past line_count, the price of an add_item without one), so those bytes are
  // not compared.
  friend bool operator==(const Event& a, const Event& b) noexcept {
    if (a.position != b.position || a.type != b.type || !(a.id == b.id)) return false;
    switch (a.type) {
      case EventType::topup:
        return a.user_id == b.user_id && a.amount == b.amount;
      case EventType::add_item:
        return a.item_id == b.item_id && a.count == b.count && a.has_price == b.has_price &&
               (!a.has_price || a.price == b.price);
      case EventType::set_price:
        return a.item_id == b.item_id && a.price == b.price;
      case EventType::order:
        return a.user_id == b.user_id && a.line_count == b.line_count &&
               std::equal(a.lines.begin(), a.lines.begin() + a.stored_line_count(),
                          b.lines.begin());
      case EventType::malformed:
        return true;
    }
    return false;
  }
};

// Asserts what holds of every event lmx builds or decodes, whatever its input was: a known
// type, a price only on an add_item, SKU sizes within Sku's range (an id that was too long
// keeps only that fact). Encoders assert it of what they take, decoders of what they give.
// Out-of-range values (a negative amount, a SKU too long) are input for the business logic
// to reject, not contract breaches.
inline void assert_well_formed(const Event& event) noexcept {
  LMX_ASSERT(static_cast<std::size_t>(event.type) < event_type_count);
  LMX_ASSERT(!event.has_price || event.type == EventType::add_item);
  LMX_ASSERT(event.id.size <= CommandId::size_too_long);
  LMX_ASSERT(event.id.present || event.id.size == 0);
  if (event.type == EventType::add_item || event.type == EventType::set_price) {
    LMX_ASSERT(event.item_id.size <= Sku::size_too_long);
  }
  if (event.type != EventType::order) return;
  // One check per stored line: plain assert, off where NDEBUG is set.
  for (std::size_t i = 0; i < event.stored_line_count(); ++i) {
    assert(event.lines[i].item_id.size <= Sku::size_too_long);
  }
}

}  // namespace lmx
