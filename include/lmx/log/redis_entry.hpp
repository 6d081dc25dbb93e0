#pragma once
// The entries lmx keeps in a Redis Stream. Each entry's format is recognised by its field
// names, so that one stream may mix them:
//
//   seed    type <TopUp|AddItem|OrderType>  data <msgpack map>     (lmx/log/seed_codec.hpp)
//
// An entry with neither shape is malformed; the log keeps it and the business logic
// rejects it.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lmx/domain/event.hpp"
#include "lmx/log/seed_codec.hpp"

namespace lmx {

enum class EntryFormat : std::uint8_t { seed };

// Appends the field names and values of the entry carrying the well-formed `event` to
// `argv` (after the caller's "XADD <stream> *"). Encoded bytes go to `payload`, which the
// views point into: keep it unchanged until `argv` is used.
void append_entry_fields(const Event& event, EntryFormat format, std::string& payload,
                         std::vector<std::string_view>& argv);

// Decodes an entry of any format from its fields. Returns nullptr when well-formed;
// otherwise the event is EventType::malformed and the result says why.
const char* decode_entry(std::span<const EntryField> fields, Event& event);

}  // namespace lmx
