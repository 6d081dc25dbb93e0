#pragma once
// The seed wire format: the Redis Stream entries the original Go producer wrote, which lmx
// reads (and, for tests and `lmx produce --format seed`, writes).
//
//   XADD orders * type <T> data <D>       fields in any order, looked up by name
//
//   T = "TopUp"     D = {"ID": "", "Type": "TopUp",     "UserID": int, "Amount": uint}
//   T = "AddItem"   D = {"ID": "", "Type": "AddItem",   "ItemID": str, "Count": uint,
//                        "Price": uint}                 Price optional (an lmx extension)
//   T = "OrderType" D = {"ID": "", "Type": "OrderType", "UserID": int,
//                        "ItemIDs": [str], "ItemQuantities": [uint]}    parallel arrays
//   T = "SetPrice"  D = {"ID": "", "Type": "SetPrice",  "ItemID": str, "Price": int}
//                                                       an lmx extension: the Go producer
//                                                       has no such type
//
// D is one MessagePack map with string keys, in any order. Decoding rules:
// - Every msgpack integer encoding is accepted for every integer field (fixint, uint8..64,
//   int8..64). The value must fit an int64: a uint64 above INT64_MAX is malformed, as a
//   JSON number that is not an int64 is. A negative value written as a signed int (for a
//   field the seed declared unsigned) is kept: the business logic judges it.
// - `Price` may be nil, which means no price, as JSON null does. ItemIDs or ItemQuantities
//   may be nil, which is how Go writes an empty slice.
// - Malformed: no `type` or no `data` field, an unknown `type`, `data` not exactly one
//   msgpack value (trailing bytes included), `data` not a map, a required key missing, a
//   field of the wrong msgpack type, `Type` present and different from `type`, ItemIDs and
//   ItemQuantities of different lengths, nesting deeper than seed_depth_max.
// - `ID` is the command id: nil or "" (all the Go producer writes) is none; another string
//   is the id (not valid UTF-8: malformed); another msgpack type is malformed. An id lmx
//   writes that is empty (invalid_id in JSON) is written as one too long, invalid_id too.
// - Keys that the entry's type does not use are ignored, whatever their value.
//   A repeated key replaces its earlier value, lists included, as Go's decoder does.

#include <array>
#include <span>
#include <string>
#include <string_view>

#include "lmx/core/decoded.hpp"
#include "lmx/core/event.hpp"

namespace lmx {

// One field of a stream entry: its name and value bytes.
struct EntryField {
  std::string_view name;
  std::string_view value;
};

// Decodes a seed entry from all its fields (in stored order, which does not matter), in
// place. When the entry is not well-formed the event is EventType::malformed and the
// result says why. The event's position is left as is.
Decoded<> decode_seed_entry(std::span<const EntryField> fields, Event& event);

// The same, given the values of the `type` and `data` fields.
Decoded<> decode_seed(std::string_view type, std::string_view data, Event& event);

// The seed's own spelling of each event type, indexed by code (lmx's names are
// event_type_names). The seed has no malformed entry type: its name is empty.
inline constexpr std::array<std::string_view, event_type_count> seed_type_names = {
    "",
    "TopUp",
    "AddItem",
    "OrderType",
    "SetPrice",
};

[[nodiscard]] constexpr std::string_view seed_type_name(EventType type) noexcept {
  return seed_type_names[static_cast<std::size_t>(type)];
}

// Appends the `data` value of a well-formed event as the Go producer wrote it: keys in its
// order, every int64 as msgpack int 64 (0xd3) and every non-negative count or amount as
// uint 64 (0xcf). A negative count or amount (which the seed could not express) is written
// as int 64 so that it reads back unchanged. `Price` is written when the event has one. An
// item id too long to have been kept is written as a placeholder of that length.
void append_seed_data(const Event& event, std::string& out);

}  // namespace lmx
