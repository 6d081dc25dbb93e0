// Fuzzes the seed decoder: the msgpack `data` of an entry of the type the first input byte
// chooses (fuzz_input.hpp). A decoded event written back as the Go producer writes it must
// decode to the same event. An order of more than order_lines_max lines cannot be written
// back (only its first lines are kept), so it is only decoded.

#include <cstddef>
#include <cstdint>
#include <string>

#include "format/seed_codec.hpp"
#include "fuzz_input.hpp"
#include "lmx/assert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view type = lmx::seed_type_name(lmx::fuzz::seed_type_of(data[0]));
  lmx::Event event;
  if (!lmx::decode_seed(type, lmx::fuzz::bytes_of(data + 1, size - 1), event)) {
    LMX_ASSERT(event.type == lmx::EventType::malformed);
    return 0;
  }
  LMX_ASSERT(lmx::seed_type_name(event.type) == type);
  if (event.line_count > lmx::order_lines_max) return 0;
  std::string written;
  lmx::append_seed_data(event, written);
  lmx::Event again;
  LMX_ASSERT(lmx::decode_seed(type, written, again).ok());
  LMX_ASSERT(again == event);
  return 0;
}
