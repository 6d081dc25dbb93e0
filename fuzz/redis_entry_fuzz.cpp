// Fuzzes the decoder of Redis Stream entries of any format (json, native or seed), from
// fields framed as fuzz_input.hpp says. A decoded event written back as an entry of the
// same format must decode to the same event. A seed or json order of more than
// order_lines_max lines cannot be written back (only its first lines are kept), so it is
// only decoded. One decoder serves every input, as one serves a reader's every entry.

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
    if (field.name == "json") return lmx::EntryFormat::json;
    if (field.name == "e") return lmx::EntryFormat::native;
  }
  return lmx::EntryFormat::seed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static lmx::EntryDecoder decoder;
  const std::vector<lmx::EntryField> fields =
      lmx::fuzz::split_entry_fields(lmx::fuzz::bytes_of(data, size));
  lmx::Event event;
  if (!decoder.decode(fields, event)) {
    LMX_ASSERT(event.type == lmx::EventType::malformed);
    return 0;
  }
  const lmx::EntryFormat format = format_of(fields);
  if (!lmx::entry_format_carries(format, event)) return 0;
  std::string payload;
  std::vector<std::string_view> argv;
  lmx::append_entry_fields(event, format, payload, argv);
  LMX_ASSERT(argv.size() == 2 || argv.size() == 4);
  std::vector<lmx::EntryField> written;
  for (std::size_t i = 0; i + 1 < argv.size(); i += 2) written.push_back({argv[i], argv[i + 1]});
  lmx::Event again;
  LMX_ASSERT(decoder.decode(written, again).ok());
  LMX_ASSERT(again == event);
  return 0;
}
