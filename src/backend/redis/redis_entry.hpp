#pragma once
// The entries lmx keeps in a Redis Stream. Each entry's format is recognised by its field
// names, so that one stream may mix them:
//
//   native  type <topup|add_item|order>     e <native event bytes>  (format/native_codec.hpp)
//   seed    type <TopUp|AddItem|OrderType>  data <msgpack map>      (format/seed_codec.hpp)
//
// The type names are event_type_names (lmx/core/event.hpp) and seed_type_names.
//
// A native entry's `type` is there for people (`redis-cli XRANGE` shows what an entry is);
// it must agree with the type inside `e`. An entry with an `e` field is native, else one
// with a `data` field is seed; anything else is malformed: the log keeps it and the
// business logic rejects it.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "format/seed_codec.hpp"
#include "lmx/core/backend_options.hpp"
#include "lmx/core/decoded.hpp"
#include "lmx/core/event.hpp"

namespace lmx {

// Appends the field names and values of the entry carrying the well-formed `event` to
// `argv` (after the caller's "XADD <stream> *"). Encoded bytes go to `payload`, which the
// views point into: keep it unchanged until `argv` is used.
void append_entry_fields(const Event& event, EntryFormat format, std::string& payload,
                         std::vector<std::string_view>& argv);

// Decodes an entry of any format from its fields, in place. When it is not well-formed the
// event is EventType::malformed and the result says why.
Decoded<> decode_entry(std::span<const EntryField> fields, Event& event);

}  // namespace lmx
