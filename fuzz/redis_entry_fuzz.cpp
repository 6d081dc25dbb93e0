// Fuzzes the decoder of Redis Stream entries of any format (native or seed), from fields
// framed as fuzz_input.hpp says. A decoded event written back as an entry of the same
// format must decode to the same event. A seed order of more than order_lines_max lines
// cannot be written back (only its first lines are kept), so it is only decoded.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "backend/redis/redis_entry.hpp"
#include "fuzz_input.hpp"
#include "lmx/assert.hpp"

namespace {

lmx::EntryFormat format_of(const std::vector<lmx::EntryField>& fields) {
  for (const lmx::EntryField& field : fields) {
    if (field.name == "e") return lmx::EntryFormat::native;
  }
  return lmx::EntryFormat::seed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<lmx::EntryField> fields =
      lmx::fuzz::split_entry_fields(lmx::fuzz::bytes_of(data, size));
  lmx::Event event;
  if (!lmx::decode_entry(fields, event)) {
    LMX_ASSERT(event.type == lmx::EventType::malformed);
    return 0;
  }
  const lmx::EntryFormat format = format_of(fields);
  if (format == lmx::EntryFormat::seed && event.line_count > lmx::order_lines_max) return 0;
  std::string payload;
  std::vector<std::string_view> argv;
  lmx::append_entry_fields(event, format, payload, argv);
  LMX_ASSERT(argv.size() == 4);
  const std::vector<lmx::EntryField> written = {{argv[0], argv[1]}, {argv[2], argv[3]}};
  lmx::Event again;
  LMX_ASSERT(lmx::decode_entry(written, again).ok());
  LMX_ASSERT(again == event);
  return 0;
}
