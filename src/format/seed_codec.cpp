#include "format/seed_codec.hpp"

#include <simdjson.h>

#include <cassert>
#include <cstdint>
#include <limits>
#include <msgpack.hpp>

namespace lmx {

namespace {

enum class Key : std::uint8_t {
  unknown,
  type,
  user_id,
  amount,
  item_id,
  count,
  price,
  item_ids,
  item_quantities,
  id
};

// The keys each event type reads; any other key is ignored.
Key key_for(EventType type, std::string_view name) noexcept {
  if (name == "Type") return Key::type;
  if (name == "ID") return Key::id;
  switch (type) {
    case EventType::topup:
      if (name == "UserID") return Key::user_id;
      if (name == "Amount") return Key::amount;
      break;
    case EventType::add_item:
      if (name == "ItemID") return Key::item_id;
      if (name == "Count") return Key::count;
      if (name == "Price") return Key::price;
      break;
    case EventType::order:
      if (name == "UserID") return Key::user_id;
      if (name == "ItemIDs") return Key::item_ids;
      if (name == "ItemQuantities") return Key::item_quantities;
      break;
    case EventType::set_price:
      if (name == "ItemID") return Key::item_id;
      if (name == "Price") return Key::price;
      break;
    case EventType::malformed:
      break;
  }
  return Key::unknown;
}

// The type a seed `type` value names; malformed for an unknown (or empty) name.
EventType event_type_for(std::string_view seed_type) noexcept {
  if (seed_type.empty()) return EventType::malformed;
  for (std::size_t i = 0; i < event_type_count; ++i) {
    if (seed_type_names[i] == seed_type) return static_cast<EventType>(i);
  }
  return EventType::malformed;
}

constexpr std::uint32_t bit(Key key) noexcept {
  return 1u << static_cast<unsigned>(key);
}

// Walks the msgpack `data` map as the parser reports it (no allocation, no object tree) and
// stores each known key's value straight into the event. Every callback returns false to
// stop the parse at the first error, whose message is kept in `error`.
//
// Where a scalar lands depends on `depth_` (containers open) and on whether a key of the
// top map is being read: a key, a value of the top map, an element of ItemIDs or
// ItemQuantities, or something nested under an ignored key.
class SeedVisitor : public msgpack::null_visitor {
 public:
  SeedVisitor(EventType type, Event& event) : type_(type), event_(event) {}

  const char* error = nullptr;
  std::uint32_t seen = 0;  // bit(key) for each known key met
  std::string_view type_value;
  std::uint32_t id_count = 0;
  std::uint32_t quantity_count = 0;

  bool visit_nil() {
    if (slot() != Slot::value) return scalar_of_other_type();
    // nil Price means "no price", as JSON null does; a nil ItemIDs or ItemQuantities is how
    // Go writes an empty (nil) slice.
    if (key_ == Key::price) {
      seen &= ~bit(Key::price);
      return true;
    }
    if (key_ == Key::id) return set_id({});
    if (key_ == Key::item_ids || key_ == Key::item_quantities) return start_list();
    return scalar_of_other_type();
  }
  bool visit_boolean(bool) { return scalar_of_other_type(); }
  bool visit_float32(float) { return scalar_of_other_type(); }
  bool visit_float64(double) { return scalar_of_other_type(); }
  bool visit_bin(const char*, std::uint32_t) { return scalar_of_other_type(); }
  bool visit_ext(const char*, std::uint32_t) { return scalar_of_other_type(); }

  bool visit_positive_integer(std::uint64_t v) {
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return is_ignored() || fail("an integer is above INT64_MAX");
    }
    return integer(static_cast<std::int64_t>(v));
  }
  // The parser reports every signed encoding here (int 8..64), whatever the sign.
  bool visit_negative_integer(std::int64_t v) { return integer(v); }

  bool visit_str(const char* data, std::uint32_t size) {
    const std::string_view text(data, size);
    switch (slot()) {
      case Slot::key:
        key_ = key_for(type_, text);
        return true;
      case Slot::value:
        if (key_ == Key::type)
          type_value = text;
        else if (key_ == Key::item_id)
          return set_sku(text, event_.item_id) && mark_seen();
        else if (key_ == Key::id)
          return set_id(text);
        else if (key_ != Key::unknown)
          return fail("a field holds a string where another type belongs");
        return mark_seen();
      case Slot::element:
        if (array_key_ != Key::item_ids) return fail("ItemQuantities holds a string");
        if (id_count < order_lines_max && !set_sku(text, event_.lines[id_count].item_id)) {
          return false;
        }
        ++id_count;
        return true;
      case Slot::ignored:
        return true;
      case Slot::top:
        break;
    }
    return fail("data is not a map");
  }

  bool start_array(std::uint32_t) {
    const Slot where = slot();
    if (where == Slot::value && (key_ == Key::item_ids || key_ == Key::item_quantities)) {
      array_key_ = key_;
      start_list();
    } else if (where == Slot::top) {
      return fail("data is not a map");
    } else if (!is_ignored()) {
      return fail("a field holds an array where a scalar belongs");
    }
    return open();
  }
  bool end_array() {
    close();
    if (depth_ == 1) array_key_ = Key::unknown;
    return true;
  }

  bool start_map(std::uint32_t) {
    if (slot() != Slot::top && !is_ignored()) return fail("a field holds a map");
    return open();
  }
  bool end_map() {
    close();
    return true;
  }

  bool start_map_key() {
    if (depth_ == 1) {
      in_key_ = true;
      key_ = Key::unknown;
    }
    return true;
  }
  bool start_map_value() {
    if (depth_ == 1) in_key_ = false;
    return true;
  }

  void parse_error(std::size_t, std::size_t) { error = error ? error : "data is not msgpack"; }
  void insufficient_bytes(std::size_t, std::size_t) {
    error = error ? error : "data ends inside a msgpack value";
  }

 private:
  enum class Slot { top, key, value, element, ignored };

  Slot slot() const noexcept {
    if (depth_ == 0) return Slot::top;
    if (depth_ == 1) return in_key_ ? Slot::key : Slot::value;
    if (depth_ == 2 && array_key_ != Key::unknown) return Slot::element;
    return Slot::ignored;
  }

  // True where any value is acceptable: under a key this event type does not use.
  bool is_ignored() const noexcept {
    const Slot where = slot();
    return where == Slot::ignored || where == Slot::key ||
           (where == Slot::value && key_ == Key::unknown);
  }

  bool integer(std::int64_t v) {
    const Slot where = slot();
    if (where == Slot::element) {
      if (array_key_ != Key::item_quantities) return fail("ItemIDs holds a number");
      if (quantity_count < order_lines_max) event_.lines[quantity_count].quantity = v;
      ++quantity_count;
      return true;
    }
    if (where != Slot::value) return is_ignored() || fail("data is not a map");
    switch (key_) {
      case Key::user_id:
        event_.user_id = v;
        break;
      case Key::amount:
        event_.amount = v;
        break;
      case Key::count:
        event_.count = v;
        break;
      case Key::price:
        event_.price = v;
        break;
      case Key::unknown:
        return true;
      default:
        return fail("a string field holds a number");
    }
    return mark_seen();
  }

  bool scalar_of_other_type() {
    if (slot() == Slot::top) return fail("data is not a map");
    return is_ignored() || fail("a field holds a value of the wrong msgpack type");
  }

  bool mark_seen() {
    seen |= bit(key_);
    return true;
  }

  // A repeated key replaces the earlier value, lists included, as Go's decoder does.
  bool start_list() {
    (key_ == Key::item_ids ? id_count : quantity_count) = 0;
    return mark_seen();
  }

  bool open() {
    ++depth_;
    return depth_ <= seed_depth_max || fail("data nests deeper than seed_depth_max");
  }
  void close() noexcept {
    assert(depth_ > 0);
    --depth_;
  }

  // SKUs are UTF-8 (as JSON's are): two different byte strings that are not would print
  // as one key in an export.
  bool set_sku(std::string_view text, Sku& sku) {
    if (!simdjson::validate_utf8(text.data(), text.size())) {
      return fail("an item id is not valid UTF-8");
    }
    sku = Sku::from(text);
    return true;
  }

  // ID: nil or "" (what the Go producer always writes) is no id, as a repeated key's
  // last value says; any other string is the command id, UTF-8 like a SKU.
  bool set_id(std::string_view text) {
    if (text.empty()) {
      event_.id.present = false;
      event_.id.size = 0;
      return true;
    }
    if (!simdjson::validate_utf8(text.data(), text.size())) {
      return fail("the command id is not valid UTF-8");
    }
    event_.id = CommandId::from(text);
    return true;
  }

  bool fail(const char* why) {
    error = why;
    return false;
  }

  EventType type_;
  Event& event_;
  std::size_t depth_ = 0;
  bool in_key_ = false;
  Key key_ = Key::unknown;        // the top map's key being read or whose value is read
  Key array_key_ = Key::unknown;  // ItemIDs or ItemQuantities while inside that array
};

// The keys each type requires (`Type` is optional, and so is `Price` of an AddItem).
std::uint32_t required_keys(EventType type) noexcept {
  switch (type) {
    case EventType::topup:
      return bit(Key::user_id) | bit(Key::amount);
    case EventType::add_item:
      return bit(Key::item_id) | bit(Key::count);
    case EventType::order:
      return bit(Key::user_id) | bit(Key::item_ids) | bit(Key::item_quantities);
    case EventType::set_price:
      return bit(Key::item_id) | bit(Key::price);
    case EventType::malformed:
      break;
  }
  assert(false && "required_keys of a malformed type");
  return 0;
}

const char* check_complete(const SeedVisitor& v, EventType type, std::string_view seed_type,
                           Event& event) {
  LMX_ASSERT(type != EventType::malformed);
  const std::uint32_t required = required_keys(type);
  if ((v.seen & required) != required) return "a required key is missing";
  if ((v.seen & bit(Key::type)) != 0 && v.type_value != seed_type) {
    return "the payload's Type differs from the type field";
  }
  if (v.id_count != v.quantity_count) return "ItemIDs and ItemQuantities differ in length";
  event.has_price = type == EventType::add_item && (v.seen & bit(Key::price)) != 0;
  event.line_count = v.id_count;
  return nullptr;
}

}  // namespace

Decoded<> decode_seed(std::string_view type, std::string_view data, Event& event) {
  event.reset();
  const EventType event_type = event_type_for(type);
  if (event_type == EventType::malformed) return Decoded<>::failure("unknown type");
  SeedVisitor visitor(event_type, event);
  std::size_t offset = 0;
  const bool parsed = msgpack::parse(data.data(), data.size(), offset, visitor);
  const char* error = visitor.error;
  if (error == nullptr && !parsed) error = "data is not msgpack";
  if (error == nullptr && offset != data.size()) error = "data has bytes after its msgpack value";
  if (error == nullptr) error = check_complete(visitor, event_type, type, event);
  if (error != nullptr) {
    event.reset();
    return Decoded<>::failure(error);
  }
  event.type = event_type;
  assert_well_formed(event);
  return Decoded<>::success();
}

Decoded<> decode_seed_entry(std::span<const EntryField> fields, Event& event) {
  const EntryField* type = nullptr;
  const EntryField* data = nullptr;
  for (const EntryField& field : fields) {
    if (field.name == "type") type = &field;
    if (field.name == "data") data = &field;
  }
  if (type == nullptr || data == nullptr) {
    event.reset();
    return Decoded<>::failure(type == nullptr ? "no type field" : "no data field");
  }
  return decode_seed(type->value, data->value, event);
}

namespace {

struct StringSink {
  std::string& out;
  void write(const char* data, std::size_t size) { out.append(data, size); }
};

class SeedPacker {
 public:
  explicit SeedPacker(std::string& out) : sink_{out}, packer_(sink_) {}

  void map(std::uint32_t size) { packer_.pack_map(size); }
  void str(std::string_view text) {
    packer_.pack_str(static_cast<std::uint32_t>(text.size()));
    packer_.pack_str_body(text.data(), static_cast<std::uint32_t>(text.size()));
  }
  void int64(std::int64_t v) { packer_.pack_fix_int64(v); }
  // Go's uint: 0xcf, unless negative (not a Go uint), which only int 64 carries unchanged.
  void uint(std::int64_t v) {
    if (v < 0)
      packer_.pack_fix_int64(v);
    else
      packer_.pack_fix_uint64(static_cast<std::uint64_t>(v));
  }
  void array(std::uint32_t size) { packer_.pack_array(size); }

 private:
  StringSink sink_;
  msgpack::packer<StringSink> packer_;
};

}  // namespace

void append_seed_data(const Event& event, std::string& out) {
  assert_well_formed(event);
  LMX_ASSERT(event.type != EventType::malformed);
  // The seed's parallel arrays carry every line, so an order keeping only order_lines_max
  // of its lines cannot be written.
  LMX_ASSERT(event.line_count <= order_lines_max);
  SeedPacker pack(out);
  const bool price = event.type == EventType::add_item && event.has_price;
  pack.map(event.type == EventType::order || price ? 5 : 4);  // set_price: 4
  pack.str("ID");
  // An empty id cannot be written as "" (no id, here): it is written as one too long to
  // keep, which the business logic rejects as invalid_id just the same.
  const CommandId& id = event.id;
  pack.str(!id.present    ? std::string_view{}
           : id.size == 0 ? CommandId::too_long_text()
                          : id.written_form());
  pack.str("Type");
  pack.str(seed_type_name(event.type));
  if (event.type == EventType::topup) {
    pack.str("UserID");
    pack.int64(event.user_id);
    pack.str("Amount");
    pack.uint(event.amount);
  } else if (event.type == EventType::add_item) {
    pack.str("ItemID");
    pack.str(event.item_id.written_form());
    pack.str("Count");
    pack.uint(event.count);
    if (price) {
      pack.str("Price");
      pack.uint(event.price);
    }
  } else if (event.type == EventType::set_price) {
    pack.str("ItemID");
    pack.str(event.item_id.written_form());
    pack.str("Price");
    pack.int64(event.price);
  } else {
    pack.str("UserID");
    pack.int64(event.user_id);
    pack.str("ItemIDs");
    pack.array(event.line_count);
    for (std::uint32_t i = 0; i < event.line_count; ++i)
      pack.str(event.lines[i].item_id.written_form());
    pack.str("ItemQuantities");
    pack.array(event.line_count);
    for (std::uint32_t i = 0; i < event.line_count; ++i) pack.uint(event.lines[i].quantity);
  }
}

}  // namespace lmx
