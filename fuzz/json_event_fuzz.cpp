// Fuzzes the JSON line decoder (`lmx apply`, `lmx produce`). A decoded event written back
// as JSON must decode to the same event. An order of more than order_lines_max lines has no
// JSON form (only its first lines are kept), so it is only decoded.

#include <cstddef>
#include <cstdint>
#include <string>

#include "format/json_codec.hpp"
#include "fuzz_input.hpp"
#include "lmx/assert.hpp"

namespace {

// The decoder reads up to `padding` bytes past the end of a line.
lmx::Decoded<> decode_padded(lmx::JsonEventDecoder& decoder, std::string_view line,
                             lmx::Event& event) {
  std::string padded(line);
  padded.append(lmx::JsonEventDecoder::padding, '\0');
  return decoder.decode(std::string_view(padded.data(), line.size()), event);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static lmx::JsonEventDecoder decoder;
  lmx::Event event;
  if (!decode_padded(decoder, lmx::fuzz::bytes_of(data, size), event)) {
    LMX_ASSERT(event.type == lmx::EventType::malformed);
    return 0;
  }
  if (event.line_count > lmx::order_lines_max) return 0;
  std::string line;
  lmx::append_json(event, line);
  lmx::Event again;
  LMX_ASSERT(decode_padded(decoder, line, again).ok());
  LMX_ASSERT(again == event);
  return 0;
}
