#include "backend/redis/redis_entry.hpp"

#include "format/native_codec.hpp"
#include "lmx/constants.hpp"

namespace lmx {

bool entry_format_carries(EntryFormat format, const Event& event) noexcept {
  return format == EntryFormat::native || event.line_count <= order_lines_max;
}

void append_entry_fields(const Event& event, EntryFormat format, std::string& payload,
                         std::vector<std::string_view>& argv) {
  assert_well_formed(event);
  LMX_ASSERT(event.type != EventType::malformed);
  LMX_ASSERT(entry_format_carries(format, event));
  payload.clear();
  if (format == EntryFormat::native) {
    encode_event(event, payload);
    argv.insert(argv.end(), {"type", event_type_name(event.type), "e", payload});
  } else if (format == EntryFormat::seed) {
    append_seed_data(event, payload);
    argv.insert(argv.end(), {"type", seed_type_name(event.type), "data", payload});
  } else {
    LMX_ASSERT(format == EntryFormat::json);
    append_json(event, payload);
    argv.insert(argv.end(), {"json", payload});
  }
}

namespace {

// Leaves the event malformed, for the reason `why`.
Decoded<> refuse(const char* why, Event& event) {
  event.reset();
  return Decoded<>::failure(why);
}

Decoded<> decode_native(const EntryField* type, std::string_view bytes, Event& event) {
  if (type == nullptr) return refuse("no type field", event);
  if (!decode_event(bytes, event)) return Decoded<>::failure("e is not a native event encoding");
  if (type->value != event_type_name(event.type)) {
    return refuse("the type field differs from the type inside e", event);
  }
  return Decoded<>::success();
}

}  // namespace

Decoded<> EntryDecoder::decode(std::span<const EntryField> fields, Event& event) {
  const EntryField* type = nullptr;
  const EntryField* native = nullptr;
  const EntryField* json = nullptr;
  bool seed = false;
  for (const EntryField& field : fields) {
    if (field.name == "type") type = &field;
    if (field.name == "e") native = &field;
    if (field.name == "data") seed = true;
    if (field.name == "json") json = &field;
  }
  if (json != nullptr) {
    if (fields.size() != 1) return refuse("a json entry has a field besides json", event);
    return decode_json(json->value, event);
  }
  if (native != nullptr) return decode_native(type, native->value, event);
  if (seed) return decode_seed_entry(fields, event);
  return refuse("neither a json (json), native (type, e) nor seed (type, data) entry", event);
}

// The value is copied to be followed by the padding the JSON parser reads past its input;
// a value longer than a JSON line may be is refused first, so the copy stays bounded.
Decoded<> EntryDecoder::decode_json(std::string_view text, Event& event) {
  if (text.size() > json_line_size_max) {
    return refuse("the json field is longer than json_line_size_max", event);
  }
  padded_.assign(text);
  padded_.append(JsonEventDecoder::padding, '\0');
  const Decoded<> decoded = json_.decode(std::string_view(padded_.data(), text.size()), event);
  LMX_ASSERT(decoded.ok() == (event.type != EventType::malformed));
  return decoded;
}

}  // namespace lmx
