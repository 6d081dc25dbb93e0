#include "format/json_codec.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <cassert>
#include <nlohmann/json.hpp>

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

// Each helper returns an error message, or nullptr on success.
const char* get_int64(const object& obj, std::string_view key, std::int64_t& out) {
  element value;
  if (obj.at_key(key).get(value) != simdjson::SUCCESS) return "a required field is missing";
  if (value.get_int64().get(out) != simdjson::SUCCESS) return "a number field is not an int64";
  return nullptr;
}

const char* get_sku(const element& value, Sku& out) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return "item_id is not a string";
  out = Sku::from(text);
  return nullptr;
}

const char* decode_topup(const object& obj, Event& event) {
  if (const char* e = get_int64(obj, "user_id", event.user_id)) return e;
  return get_int64(obj, "amount", event.amount);
}

const char* decode_add_item(const object& obj, Event& event) {
  element value;
  if (obj.at_key("item_id").get(value) != simdjson::SUCCESS) return "a required field is missing";
  if (const char* e = get_sku(value, event.item_id)) return e;
  if (const char* e = get_int64(obj, "count", event.count)) return e;
  event.has_price = false;
  if (obj.at_key("price").get(value) == simdjson::SUCCESS && !value.is_null()) {
    if (value.get_int64().get(event.price) != simdjson::SUCCESS) return "price is not an int64";
    event.has_price = true;
  }
  return nullptr;
}

const char* decode_order(const object& obj, Event& event) {
  if (const char* e = get_int64(obj, "user_id", event.user_id)) return e;
  simdjson::dom::array lines;
  if (obj.at_key("lines").get(lines) != simdjson::SUCCESS)
    return "lines is missing or not an array";
  event.line_count = 0;
  for (element line : lines) {
    object line_obj;
    if (line.get_object().get(line_obj) != simdjson::SUCCESS)
      return "an order line is not an object";
    element id;
    if (line_obj.at_key("item_id").get(id) != simdjson::SUCCESS)
      return "an order line has no item_id";
    Sku sku;
    if (const char* e = get_sku(id, sku)) return e;
    std::int64_t quantity = 0;
    if (const char* e = get_int64(line_obj, "quantity", quantity)) return e;
    event.add_line(sku, quantity);
  }
  return nullptr;
}

}  // namespace

bool JsonEventDecoder::decode(std::string_view line, Event& event) {
  event.reset();
  element root;
  if (parser_->dom.parse(line.data(), line.size(), false).get(root) != simdjson::SUCCESS) {
    error_ = "not valid JSON";
    return false;
  }
  object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    error_ = "not a JSON object";
    return false;
  }
  std::string_view type;
  if (obj.at_key("type").get_string().get(type) != simdjson::SUCCESS) {
    error_ = "type is missing or not a string";
    return false;
  }
  const char* e = nullptr;
  EventType decoded = EventType::malformed;
  if (type == "topup") {
    decoded = EventType::topup;
    e = decode_topup(obj, event);
  } else if (type == "add_item") {
    decoded = EventType::add_item;
    e = decode_add_item(obj, event);
  } else if (type == "order") {
    decoded = EventType::order;
    e = decode_order(obj, event);
  } else {
    e = "unknown type";
  }
  if (e != nullptr) {
    event.reset();
    error_ = e;
    return false;
  }
  event.type = decoded;
  error_ = {};
  return true;
}

namespace {

void append_string(std::string_view text, std::string& out) {
  out += nlohmann::json(std::string(text))
             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void append_json(const Event& event, std::string& out) {
  switch (event.type) {
    case EventType::topup:
      fmt::format_to(std::back_inserter(out), R"({{"type":"topup","user_id":{},"amount":{}}})",
                     event.user_id, event.amount);
      return;
    case EventType::add_item:
      out += R"({"type":"add_item","item_id":)";
      append_string(event.item_id.view(), out);
      fmt::format_to(std::back_inserter(out), R"(,"count":{})", event.count);
      if (event.has_price) fmt::format_to(std::back_inserter(out), R"(,"price":{})", event.price);
      out += '}';
      return;
    case EventType::order:
      fmt::format_to(std::back_inserter(out), R"({{"type":"order","user_id":{},"lines":[)",
                     event.user_id);
      assert(event.line_count <= order_lines_max);
      for (std::uint32_t i = 0; i < event.line_count; ++i) {
        out += i == 0 ? R"({"item_id":)" : R"(,{"item_id":)";
        append_string(event.lines[i].item_id.view(), out);
        fmt::format_to(std::back_inserter(out), R"(,"quantity":{}}})", event.lines[i].quantity);
      }
      out += "]}";
      return;
    case EventType::malformed:
      break;
  }
  assert(false && "append_json takes well-formed events only");
}

}  // namespace lmx
