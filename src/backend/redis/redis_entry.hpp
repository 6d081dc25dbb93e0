#pragma once
// The entries lmx keeps in a Redis Stream. Each entry's format is recognised by its field
// names, so that one stream may mix them:
//
//   native  type <topup|add_item|order>     e <native event bytes>  (format/native_codec.hpp)
//   seed    type <TopUp|AddItem|OrderType>  data <msgpack map>      (format/seed_codec.hpp)
//   json    json <one JSON event>                                   (format/json_codec.hpp)
//
// The type names are event_type_names (lmx/core/event.hpp) and seed_type_names.
//
// A json entry is what any Redis client can write without lmx's code:
//   XADD orders * json '{"type":"topup","user_id":7,"amount":500}'
// Its one value is one event of the JSON-lines schema, decoded by the same decoder, under
// the same rules, as a line of `lmx produce --input`; surrounding whitespace is allowed,
// anything else after the object is not.
//
// A native entry's `type` is there for people (`redis-cli XRANGE` shows what an entry is);
// it must agree with the type inside `e`.
//
// An entry with a `json` field is a json entry and must have no other field: a second
// field (a `type` beside it, a second `json`) could only be ignored or disagree. Else an
// entry with an `e` field is native, else one with a `data` field is seed; anything else
// is malformed: the log keeps it and the business logic rejects it.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "format/json_codec.hpp"
#include "format/seed_codec.hpp"
#include "lmx/core/backend_options.hpp"
#include "lmx/core/decoded.hpp"
#include "lmx/core/event.hpp"

namespace lmx {

// Appends the field names and values of the entry carrying the well-formed `event` to
// `argv` (after the caller's "XADD <stream> *"). Encoded bytes go to `payload`, which the
// views point into: keep it unchanged until `argv` is used. The seed and json formats list
// every order line, so an order keeping only order_lines_max of its lines (one with more)
// can only be written as native (entry_format_carries).
void append_entry_fields(const Event& event, EntryFormat format, std::string& payload,
                         std::vector<std::string_view>& argv);

// Whether an entry of `format` can carry the well-formed `event` (append_entry_fields).
[[nodiscard]] bool entry_format_carries(EntryFormat format, const Event& event) noexcept;

// Decodes entries of any format. It keeps the JSON parser and a padded copy of a json
// value between entries (the parser reads past the end of its input, a Redis reply's
// string is not followed by readable bytes), so a reader keeps one and reuses it.
class EntryDecoder {
 public:
  // Decodes an entry from its fields, in place. When it is not well-formed the event is
  // EventType::malformed and the result says why. The event's position is left as is.
  Decoded<> decode(std::span<const EntryField> fields, Event& event);

 private:
  Decoded<> decode_json(std::string_view text, Event& event);

  JsonEventDecoder json_;
  std::string padded_;  // a json value, then JsonEventDecoder::padding bytes
};

}  // namespace lmx
