#include "lmx/log/redis_entry.hpp"

#include <cassert>

namespace lmx {

void append_entry_fields(const Event& event, EntryFormat format, std::string& payload,
                         std::vector<std::string_view>& argv) {
  assert(event.type != EventType::malformed);
  assert(format == EntryFormat::seed);
  payload.clear();
  append_seed_data(event, payload);
  argv.insert(argv.end(), {"type", seed_type_name(event.type), "data", payload});
}

const char* decode_entry(std::span<const EntryField> fields, Event& event) {
  return decode_seed_entry(fields, event);
}

}  // namespace lmx
