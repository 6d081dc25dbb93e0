#include "backend/redis/redis_entry.hpp"

#include <cassert>

#include "format/native_codec.hpp"

namespace lmx {

void append_entry_fields(const Event& event, EntryFormat format, std::string& payload,
                         std::vector<std::string_view>& argv) {
  assert_well_formed(event);
  LMX_ASSERT(event.type != EventType::malformed);
  payload.clear();
  if (format == EntryFormat::native) {
    encode_event(event, payload);
    argv.insert(argv.end(), {"type", event_type_name(event.type), "e", payload});
  } else {
    append_seed_data(event, payload);
    argv.insert(argv.end(), {"type", seed_type_name(event.type), "data", payload});
  }
}

namespace {

Decoded<> decode_native(const EntryField* type, std::string_view bytes, Event& event) {
  if (type == nullptr) {
    event.reset();
    return Decoded<>::failure("no type field");
  }
  if (!decode_event(bytes, event)) return Decoded<>::failure("e is not a native event encoding");
  if (type->value != event_type_name(event.type)) {
    event.reset();
    return Decoded<>::failure("the type field differs from the type inside e");
  }
  return Decoded<>::success();
}

}  // namespace

Decoded<> decode_entry(std::span<const EntryField> fields, Event& event) {
  const EntryField* type = nullptr;
  const EntryField* native = nullptr;
  bool seed = false;
  for (const EntryField& field : fields) {
    if (field.name == "type") type = &field;
    if (field.name == "e") native = &field;
    if (field.name == "data") seed = true;
  }
  if (native != nullptr) return decode_native(type, native->value, event);
  if (seed) return decode_seed_entry(fields, event);
  event.reset();
  return Decoded<>::failure("neither a native (type, e) nor a seed (type, data) entry");
}

}  // namespace lmx
