#pragma once
// Events as JSON lines, the form producers and `lmx apply` read and write:
//   {"type":"topup","user_id":7,"amount":500}
//   {"type":"add_item","item_id":"cpu","count":10,"price":2500}      price optional or null
//   {"type":"order","user_id":7,"lines":[{"item_id":"cpu","quantity":2}]}
// Anything else (not an object, unknown type, a missing field, a field of the wrong JSON
// type, a number that is not an int64) decodes to a malformed event. Unknown keys are ignored.

#include <memory>
#include <string>
#include <string_view>

#include "lmx/core/decoded.hpp"
#include "lmx/core/event.hpp"

namespace lmx {

class JsonEventDecoder {
 public:
  // Bytes that must be readable (any value) after the end of each line passed to decode().
  static const std::size_t padding;

  JsonEventDecoder();
  ~JsonEventDecoder();
  JsonEventDecoder(const JsonEventDecoder&) = delete;
  JsonEventDecoder& operator=(const JsonEventDecoder&) = delete;

  // Decodes one line into `event` in place (its position is left as is). On bad input the
  // event's type is EventType::malformed and the result says why.
  Decoded<> decode(std::string_view line, Event& event);

 private:
  struct Parser;
  std::unique_ptr<Parser> parser_;
};

// Appends the JSON-line form of a well-formed event (no newline) to `out`. An item id too
// long to have been kept is written as a placeholder of that length (Sku::written_form).
void append_json(const Event& event, std::string& out);

}  // namespace lmx
