#pragma once
// One decoded log entry, as it sits in an input ring slot. Fixed size, no heap: the reader
// decodes into a preallocated slot and the business logic reads it in place.

#include <array>
#include <cstdint>

#include "lmx/constants.hpp"
#include "lmx/core/sku.hpp"
#include "lmx/core/position.hpp"

namespace lmx {

// Stable codes: they appear in the native encoding and in results.
enum class EventType : std::uint8_t {
  malformed = 0,  // the entry could not be decoded; the business logic rejects it
  topup = 1,
  add_item = 2,
  order = 3,
};

struct OrderLine {
  Sku item_id;
  std::int64_t quantity = 0;
};

struct Event {
  Position position;
  EventType type = EventType::malformed;
  bool has_price = false;    // add_item: a price was given
  std::int64_t user_id = 0;  // topup, order
  std::int64_t amount = 0;   // topup
  Sku item_id;               // add_item
  std::int64_t count = 0;    // add_item
  std::int64_t price = 0;    // add_item, when has_price
  // order: how many lines the entry had. It may exceed order_lines_max (the business
  // logic then rejects the order as too_many_lines); only the first
  // order_lines_max lines are stored.
  std::uint32_t line_count = 0;
  std::array<OrderLine, order_lines_max> lines{};

  void reset() noexcept {
    type = EventType::malformed;
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

  // Appends one order line; lines past order_lines_max are counted but not stored.
  void add_line(const Sku& item, std::int64_t quantity) noexcept {
    if (line_count < order_lines_max) lines[line_count] = OrderLine{item, quantity};
    ++line_count;
  }
};

}  // namespace lmx
