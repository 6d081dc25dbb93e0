#include "format/json_codec.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "lmx/assert.hpp"

namespace lmx {

const std::size_t JsonEventDecoder::padding = simdjson::SIMDJSON_PADDING;

struct JsonEventDecoder::Parser {
  simdjson::dom::parser dom;
};

JsonEventDecoder::JsonEventDecoder() : parser_(std::make_unique<Parser>()) {}
JsonEventDecoder::~JsonEventDecoder() = default;

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// The keys an event is read from, and those of an order line.
enum EventKey : std::uint8_t {
  type_key,
  id_key,
  user_id_key,
  amount_key,
  item_id_key,
  count_key,
  price_key,
  lines_key
};
constexpr std::array<std::string_view, 8> event_keys{"type",    "id",    "user_id", "amount",
                                                     "item_id", "count", "price",   "lines"};
enum LineKey : std::uint8_t { line_item_id_key, line_quantity_key };
constexpr std::array<std::string_view, 2> line_keys{"item_id", "quantity"};

// The values of an object's known keys, gathered in one walk over its keys.
template <std::size_t N>
struct Fields {
  static_assert(N <= 32, "one bit of `present` per key");
  std::array<element, N> values{};
  std::uint32_t present = 0;  // bit k: keys[k] was there

  [[nodiscard]] const element* find(std::size_t key) const noexcept {
    return ((present >> key) & 1U) != 0 ? &values[key] : nullptr;
  }
};

using EventFields = Fields<event_keys.size()>;

// A key that appears twice makes an event ambiguous (readers disagree on which one
// counts), so such an object is malformed rather than taken first- or last-wins.
bool has_repeated_key(const object& obj) {
  // Events have a handful of keys: compared pairwise without allocating. A larger object
  // (unknown fields are allowed) is sorted.
  constexpr std::size_t pairwise_key_count_max = 16;
  if (obj.size() <= pairwise_key_count_max) {
    std::array<std::string_view, pairwise_key_count_max> keys;
    std::size_t count = 0;
    for (const auto field : obj) {
      LMX_ASSERT(count < keys.size());
      if (std::find(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(count), field.key) !=
          keys.begin() + static_cast<std::ptrdiff_t>(count)) {
        return true;
      }
      keys[count++] = field.key;
    }
    return false;
  }
  std::vector<std::string_view> keys;
  keys.reserve(obj.size());
  for (const auto field : obj) keys.push_back(field.key);
  std::sort(keys.begin(), keys.end());
  return std::adjacent_find(keys.begin(), keys.end()) != keys.end();
}

// Walks `obj` once, keeping the value of each of `keys` in `out`; false when a key appears
// twice (has_repeated_key). A repeated known key is seen on the way; only an object with
// other keys too (allowed, and ignored) needs the general check.
template <std::size_t N>
bool gather(const object& obj, const std::array<std::string_view, N>& keys, Fields<N>& out) {
  bool others = false;
  for (const auto field : obj) {
    const auto known = std::find(keys.begin(), keys.end(), field.key);
    if (known == keys.end()) {
      others = true;
      continue;
    }
    const auto key = static_cast<std::size_t>(known - keys.begin());
    if (out.find(key) != nullptr) return false;
    out.present |= 1U << key;
    out.values[key] = field.value;
  }
  return !others || !has_repeated_key(obj);
}

// Each helper returns an error message, or nullptr on success.
constexpr const char* field_missing = "a required field is missing";

template <std::size_t N>
const char* get_int64(const Fields<N>& fields, std::size_t key, std::int64_t& out) {
  const element* value = fields.find(key);
  if (value == nullptr) return field_missing;
  if (value->get_int64().get(out) != simdjson::SUCCESS) return "a number field is not an int64";
  return nullptr;
}

// `value`: an item_id field, null when absent (`missing` is then the error).
const char* get_sku(const element* value, const char* missing, Sku& out) {
  if (value == nullptr) return missing;
  std::string_view text;
  if (value->get_string().get(text) != simdjson::SUCCESS) return "item_id is not a string";
  out = Sku::from(text);
  return nullptr;
}

// `id`: absent or null is no id; a string (of any length: the business logic judges it)
// is the command id; anything else is malformed.
const char* get_id(const EventFields& fields, CommandId& out) {
  const element* value = fields.find(id_key);
  if (value == nullptr || value->is_null()) return nullptr;
  std::string_view text;
  if (value->get_string().get(text) != simdjson::SUCCESS) return "id is not a string";
  out = CommandId::from(text);
  return nullptr;
}

const char* decode_topup(const EventFields& fields, Event& event) {
  if (const char* e = get_int64(fields, user_id_key, event.user_id)) return e;
  return get_int64(fields, amount_key, event.amount);
}

const char* decode_add_item(const EventFields& fields, Event& event) {
  if (const char* e = get_sku(fields.find(item_id_key), field_missing, event.item_id)) return e;
  if (const char* e = get_int64(fields, count_key, event.count)) return e;
  event.has_price = false;
  if (const element* price = fields.find(price_key); price != nullptr && !price->is_null()) {
    if (price->get_int64().get(event.price) != simdjson::SUCCESS) return "price is not an int64";
    event.has_price = true;
  }
  return nullptr;
}

const char* decode_set_price(const EventFields& fields, Event& event) {
  if (const char* e = get_sku(fields.find(item_id_key), field_missing, event.item_id)) return e;
  return get_int64(fields, price_key, event.price);
}

const char* decode_order(const EventFields& fields, Event& event) {
  if (const char* e = get_int64(fields, user_id_key, event.user_id)) return e;
  simdjson::dom::array lines;
  const element* lines_value = fields.find(lines_key);
  if (lines_value == nullptr || lines_value->get(lines) != simdjson::SUCCESS)
    return "lines is missing or not an array";
  event.line_count = 0;
  for (element line : lines) {
    object line_obj;
    if (line.get_object().get(line_obj) != simdjson::SUCCESS)
      return "an order line is not an object";
    Fields<line_keys.size()> line_fields;
    if (!gather(line_obj, line_keys, line_fields)) return "an order line has a repeated key";
    Sku sku;
    if (const char* e =
            get_sku(line_fields.find(line_item_id_key), "an order line has no item_id", sku)) {
      return e;
    }
    std::int64_t quantity = 0;
    if (const char* e = get_int64(line_fields, line_quantity_key, quantity)) return e;
    event.add_line(sku, quantity);
  }
  return nullptr;
}

const char* decode_body(const EventFields& fields, EventType type, Event& event) {
  switch (type) {
    case EventType::topup:
      return decode_topup(fields, event);
    case EventType::add_item:
      return decode_add_item(fields, event);
    case EventType::order:
      return decode_order(fields, event);
    case EventType::set_price:
      return decode_set_price(fields, event);
    case EventType::malformed:
      break;
  }
  return "unknown type";
}

}  // namespace

Decoded<> JsonEventDecoder::decode(std::string_view line, Event& event) {
  event.reset();
  element root;
  const simdjson::error_code parsed = parser_->dom.parse(line.data(), line.size(), false).get(root);
  if (parsed == simdjson::NUMBER_ERROR) {
    return Decoded<>::failure("a number is out of range");
  }
  if (parsed != simdjson::SUCCESS) return Decoded<>::failure("not valid JSON");
  object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    return Decoded<>::failure("not a JSON object");
  }
  EventFields fields;
  if (!gather(obj, event_keys, fields)) return Decoded<>::failure("a key is repeated");
  std::string_view type;
  const element* type_value = fields.find(type_key);
  if (type_value == nullptr || type_value->get_string().get(type) != simdjson::SUCCESS) {
    return Decoded<>::failure("type is missing or not a string");
  }
  // "malformed" names no event an input may hold.
  const EventType decoded = event_type_from_name(type).value_or(EventType::malformed);
  const char* error = get_id(fields, event.id);
  if (error == nullptr) error = decode_body(fields, decoded, event);
  if (const char* e = error) {
    event.reset();
    return Decoded<>::failure(e);
  }
  event.type = decoded;
  assert_well_formed(event);
  return Decoded<>::success();
}

namespace {

void append_string(std::string_view text, std::string& out) {
  out += nlohmann::json(std::string(text))
             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void append_fields(const Event& event, std::string& out) {
  switch (event.type) {
    case EventType::topup:
      fmt::format_to(std::back_inserter(out), R"({{"type":"{}","user_id":{},"amount":{}}})",
                     event_type_name(event.type), event.user_id, event.amount);
      return;
    case EventType::add_item:
      fmt::format_to(std::back_inserter(out), R"({{"type":"{}","item_id":)",
                     event_type_name(event.type));
      append_string(event.item_id.written_form(), out);
      fmt::format_to(std::back_inserter(out), R"(,"count":{})", event.count);
      if (event.has_price) fmt::format_to(std::back_inserter(out), R"(,"price":{})", event.price);
      out += '}';
      return;
    case EventType::order:
      fmt::format_to(std::back_inserter(out), R"({{"type":"{}","user_id":{},"lines":[)",
                     event_type_name(event.type), event.user_id);
      // JSON carries every line, so an order keeping only order_lines_max of them cannot be
      // written.
      LMX_ASSERT(event.line_count <= order_lines_max);
      for (std::uint32_t i = 0; i < event.line_count; ++i) {
        out += i == 0 ? R"({"item_id":)" : R"(,{"item_id":)";
        append_string(event.lines[i].item_id.written_form(), out);
        fmt::format_to(std::back_inserter(out), R"(,"quantity":{}}})", event.lines[i].quantity);
      }
      out += "]}";
      assert(out.back() == '}');
      return;
    case EventType::set_price:
      fmt::format_to(std::back_inserter(out), R"({{"type":"{}","item_id":)",
                     event_type_name(event.type));
      append_string(event.item_id.written_form(), out);
      fmt::format_to(std::back_inserter(out), R"(,"price":{}}})", event.price);
      return;
    case EventType::malformed:
      break;
  }
  assert(false && "append_json takes well-formed events only");
}

}  // namespace

void append_json(const Event& event, std::string& out) {
  assert_well_formed(event);
  append_fields(event, out);
  if (!event.id.present) return;
  LMX_ASSERT(out.back() == '}');
  out.pop_back();
  out += R"(,"id":)";
  append_string(event.id.written_form(), out);
  out += '}';
}

}  // namespace lmx
