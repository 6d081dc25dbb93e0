#include "format/native_codec.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>

#include "format/bytes.hpp"

namespace lmx {
namespace {

constexpr std::uint8_t flag_has_price = 1;
static_assert(sku_size_max <= 32, "copy_small copies SKUs of at most 32 bytes");

// Copies exactly `size` (at most 32) bytes with at most two fixed-size moves of 16, 8, 4,
// 2 or 1 bytes that overlap in the middle: inline code in place of a memmove call, which
// cost about a fifth of decoding an order line.
void copy_small(char* to, const char* from, std::size_t size) noexcept {
  assert(size <= 32);
  const auto two_moves = [&]<std::size_t width>() {
    char head[width];
    char tail[width];
    std::memcpy(head, from, width);
    std::memcpy(tail, from + size - width, width);
    std::memcpy(to, head, width);
    std::memcpy(to + size - width, tail, width);
  };
  if (size >= 16) {
    two_moves.template operator()<16>();
  } else if (size >= 8) {
    two_moves.template operator()<8>();
  } else if (size >= 4) {
    two_moves.template operator()<4>();
  } else if (size >= 2) {
    two_moves.template operator()<2>();
  } else if (size == 1) {
    *to = *from;
  }
}

void encode_sku(const Sku& sku, std::string& out) {
  assert(sku.size <= Sku::size_too_long);
  put_le<std::uint8_t>(out, sku.size);
  if (sku.size <= sku_size_max) out.append(sku.bytes.data(), sku.size);
}

[[nodiscard]] bool decode_sku(ByteCursor& in, Sku& sku) noexcept {
  std::uint8_t size = 0;
  if (!in.read(size) || size > Sku::size_too_long) return false;
  sku.size = size;
  if (size == Sku::size_too_long) return true;
  std::string_view bytes;
  if (!in.read_bytes(size, bytes)) return false;
  LMX_ASSERT(bytes.size() <= sku_size_max);
  copy_small(sku.bytes.data(), bytes.data(), bytes.size());
  return true;
}

constexpr std::uint8_t id_size_none = 0xFF;

void encode_id(const CommandId& id, std::string& out) {
  if (!id.present) {
    put_le<std::uint8_t>(out, id_size_none);
    return;
  }
  put_le<std::uint8_t>(out, id.size);
  if (id.size <= command_id_size_max) out.append(id.bytes.data(), id.size);
}

[[nodiscard]] bool decode_id(ByteCursor& in, CommandId& id) noexcept {
  std::uint8_t size = 0;
  if (!in.read(size)) return false;
  if (size == id_size_none) return true;  // reset() left the event without an id
  if (size > CommandId::size_too_long) return false;
  id.present = true;
  id.size = size;
  if (size == CommandId::size_too_long) return true;
  std::string_view bytes;
  if (!in.read_bytes(size, bytes)) return false;
  std::memcpy(id.bytes.data(), bytes.data(), bytes.size());
  return true;
}

[[nodiscard]] bool decode_add_item(ByteCursor& in, Event& event) noexcept {
  std::uint8_t flags = 0;
  if (!in.read(flags) || (flags & ~flag_has_price) != 0) return false;
  event.has_price = (flags & flag_has_price) != 0;
  if (!decode_sku(in, event.item_id) || !in.read(event.count) || !in.read(event.price)) {
    return false;
  }
  // The encoder writes 0 when there is no price: any other value would be a second
  // encoding of the same event, which nothing lmx writes.
  return event.has_price || event.price == 0;
}

[[nodiscard]] bool decode_order(ByteCursor& in, Event& event) noexcept {
  std::uint32_t line_count = 0;
  if (!in.read(event.user_id) || !in.read(line_count)) return false;
  const std::size_t stored = std::min<std::size_t>(line_count, order_lines_max);
  LMX_ASSERT(stored <= event.lines.size());
  for (std::size_t i = 0; i < stored; ++i) {
    if (!decode_sku(in, event.lines[i].item_id) || !in.read(event.lines[i].quantity)) return false;
  }
  event.line_count = line_count;
  return true;
}

[[nodiscard]] bool decode_body(ByteCursor& in, EventType type, Event& event) noexcept {
  switch (type) {
    case EventType::topup:
      return in.read(event.user_id) && in.read(event.amount);
    case EventType::add_item:
      return decode_add_item(in, event);
    case EventType::order:
      return decode_order(in, event);
    case EventType::set_price:
      return decode_sku(in, event.item_id) && in.read(event.price);
    case EventType::malformed:
      return false;
  }
  return false;
}

}  // namespace

void encode_event(const Event& event, std::string& out) {
  assert_well_formed(event);
  LMX_ASSERT(event.type != EventType::malformed);
  const std::size_t start = out.size();
  put_le<std::uint8_t>(out, native_codec_version);
  put_le<std::uint8_t>(out, static_cast<std::uint8_t>(event.type));
  encode_id(event.id, out);
  switch (event.type) {
    case EventType::topup:
      put_le(out, event.user_id);
      put_le(out, event.amount);
      break;
    case EventType::add_item:
      put_le<std::uint8_t>(out, event.has_price ? flag_has_price : 0);
      encode_sku(event.item_id, out);
      put_le(out, event.count);
      put_le(out, event.has_price ? event.price : std::int64_t{0});
      break;
    case EventType::order:
      put_le(out, event.user_id);
      put_le(out, event.line_count);
      for (std::size_t i = 0; i < std::min<std::size_t>(event.line_count, order_lines_max); ++i) {
        encode_sku(event.lines[i].item_id, out);
        put_le(out, event.lines[i].quantity);
      }
      break;
    case EventType::set_price:
      encode_sku(event.item_id, out);
      put_le(out, event.price);
      break;
    case EventType::malformed:
      break;
  }
  LMX_ASSERT(out.size() - start <= native_event_size_max);
}

Decoded<> decode_event(std::string_view bytes, Event& event) noexcept {
  event.reset();
  ByteCursor in(bytes);
  std::uint8_t version = 0;
  std::uint8_t type = 0;
  if (!in.read(version) || version == 0 || version > native_codec_version) {
    return Decoded<>::failure("not a native event of version 1 or 2");
  }
  if (!in.read(type)) return Decoded<>::failure("the event ends before its type");
  const std::optional<EventType> known = event_type_from_code(type);
  // A malformed event is never written, so its code is refused like an unknown one.
  if (!known || *known == EventType::malformed) return Decoded<>::failure("unknown event type");
  const char* error = nullptr;
  if (version >= 2 && !decode_id(in, event.id)) error = "the command id is truncated or bad";
  if (error == nullptr && !decode_body(in, *known, event)) {
    error = "the body is truncated or holds a bad field";
  }
  if (error == nullptr && in.remaining() != 0) error = "bytes after the end of the event";
  if (error != nullptr) {
    event.reset();
    return Decoded<>::failure(error);
  }
  event.type = *known;
  assert_well_formed(event);
  return Decoded<>::success();
}

namespace {

// Version 4 writes the fields of a result that are not zero, and says which in one byte.
constexpr std::uint8_t result_has_user_id = 1;
constexpr std::uint8_t result_has_balance = 2;
constexpr std::uint8_t result_has_remain = 4;
constexpr std::uint8_t result_has_entry_checksum = 8;
constexpr std::uint8_t result_has_original = 16;  // a duplicate's first outcome
constexpr std::uint8_t result_fields_known = 31;

// The fixed-size layouts of versions 1 to 3, each the one before with fields added.
constexpr std::array<std::size_t, 3> fixed_result_size = {native_result_v1_size,
                                                          native_result_v2_size,
                                                          native_result_v3_size};

// Reads a version 4 field: a zigzag varint, present only when `present` has `bit`, and then
// never zero (a zero field is left out, so that a result has one encoding).
[[nodiscard]] bool read_result_field(ByteCursor& in, std::uint8_t present, std::uint8_t bit,
                                     std::int64_t& value) noexcept {
  if ((present & bit) == 0) return true;
  std::uint64_t encoded = 0;
  if (!in.read_varint(encoded) || encoded == 0) return false;
  value = zigzag_decode(encoded);
  return true;
}

// Whether `result` tells a first outcome: only a duplicate does (and not one read from a
// results log older than version 3, which did not record it).
[[nodiscard]] bool told_original(const Result& result) noexcept {
  return result.original_reason != Reason::accepted || !result.original_position.is_zero();
}

[[nodiscard]] bool read_position(ByteCursor& in, Position& position) noexcept {
  return in.read_varint(position.major) && in.read_varint(position.minor);
}

// The fields after type and reason in version 4; false when they are cut short or not in
// their one encoding.
[[nodiscard]] bool read_result_v4(ByteCursor& in, Result& result) noexcept {
  std::uint8_t present = 0;
  if (!in.read(present) || (present & ~result_fields_known) != 0) return false;
  if (!read_position(in, result.position) ||
      !read_result_field(in, present, result_has_user_id, result.user_id) ||
      !read_result_field(in, present, result_has_balance, result.balance) ||
      !read_result_field(in, present, result_has_remain, result.remain)) {
    return false;
  }
  if ((present & result_has_entry_checksum) != 0 &&
      (!in.read(result.entry_checksum) || result.entry_checksum == 0)) {
    return false;
  }
  if ((present & result_has_original) == 0) return true;
  std::uint8_t original = 0;
  if (!read_position(in, result.original_position) || !in.read(original)) return false;
  // A code outside the reasons is refused by the caller, as an unknown original reason.
  result.original_reason = static_cast<Reason>(original);
  return told_original(result);
}

// The fields after type and reason in versions 1 to 3, whose size the caller checked.
void read_result_fixed(ByteCursor& in, std::uint8_t version, Result& result) noexcept {
  const bool body = in.read(result.position.major) && in.read(result.position.minor) &&
                    in.read(result.user_id) && in.read(result.balance) &&
                    in.read(result.remain) && (version == 1 || in.read(result.entry_checksum));
  LMX_ASSERT(body);
  if (version < 3) return;
  std::uint8_t original = 0;
  const bool tail = in.read(result.original_position.major) &&
                    in.read(result.original_position.minor) && in.read(original);
  LMX_ASSERT(tail);
  result.original_reason = static_cast<Reason>(original);
}

}  // namespace

void encode_result(const Result& result, std::string& out) {
  assert_well_formed(result);
  const bool told = told_original(result);
  LMX_ASSERT(!told || result.reason == Reason::duplicate);  // only a duplicate has one
  std::array<char, native_result_size_max> bytes;
  char* at = bytes.data();
  const std::uint8_t present = (result.user_id != 0 ? result_has_user_id : 0) |
                               (result.balance != 0 ? result_has_balance : 0) |
                               (result.remain != 0 ? result_has_remain : 0) |
                               (result.entry_checksum != 0 ? result_has_entry_checksum : 0) |
                               (told ? result_has_original : 0);
  *at++ = static_cast<char>(native_result_version);
  *at++ = static_cast<char>(result.type);
  *at++ = static_cast<char>(result.reason);
  *at++ = static_cast<char>(present);
  at = store_varint(at, result.position.major);
  at = store_varint(at, result.position.minor);
  if ((present & result_has_user_id) != 0) at = store_varint(at, zigzag_encode(result.user_id));
  if ((present & result_has_balance) != 0) at = store_varint(at, zigzag_encode(result.balance));
  if ((present & result_has_remain) != 0) at = store_varint(at, zigzag_encode(result.remain));
  if ((present & result_has_entry_checksum) != 0) {
    store_le(at, result.entry_checksum);
    at += sizeof result.entry_checksum;
  }
  if ((present & result_has_original) != 0) {
    at = store_varint(at, result.original_position.major);
    at = store_varint(at, result.original_position.minor);
    *at++ = static_cast<char>(result.original_reason);
  }
  LMX_ASSERT(at <= bytes.data() + bytes.size());
  out.append(bytes.data(), at);
}

Decoded<Result> decode_result(std::string_view bytes) noexcept {
  using Failure = Decoded<Result>;
  ByteCursor in(bytes);
  std::uint8_t version = 0;
  std::uint8_t type = 0;
  std::uint8_t reason = 0;
  if (!in.read(version) || version == 0 || version > native_result_version) {
    return Failure::failure("not a native result of version 1 to 4");
  }
  if (version < native_result_version && bytes.size() != fixed_result_size[version - 1]) {
    static constexpr std::array<const char*, 3> wrong_size = {
        "a result of version 1 is 43 bytes", "a result of version 2 is 47 bytes",
        "a result of version 3 is 64 bytes"};
    return Failure::failure(wrong_size[version - 1]);
  }
  if (!in.read(type) || !in.read(reason)) return Failure::failure("the result ends early");
  const std::optional<EventType> known_type = event_type_from_code(type);
  if (!known_type) return Failure::failure("unknown event type");
  const std::optional<Reason> known = reason_from_code(reason);
  if (!known) return Failure::failure("unknown reason code");
  Result decoded;
  decoded.type = *known_type;
  decoded.reason = *known;
  if (version < native_result_version) {
    read_result_fixed(in, version, decoded);
  } else if (!read_result_v4(in, decoded)) {
    return Failure::failure("the result is cut short or holds a field in a longer encoding");
  }
  if (in.remaining() != 0) return Failure::failure("bytes after the end of the result");
  if (version >= 3) {
    if (!reason_from_code(static_cast<std::uint8_t>(decoded.original_reason))) {
      return Failure::failure("unknown original reason code");
    }
    // Only a duplicate tells a first outcome (in version 3, every duplicate does), and that
    // outcome is one the id record keeps.
    const bool told = told_original(decoded);
    const bool duplicate = decoded.reason == Reason::duplicate;
    if ((told && !duplicate) || (version == 3 && duplicate && !told) ||
        decoded.original_reason == Reason::duplicate ||
        decoded.original_reason == Reason::invalid_id ||
        decoded.original_reason == Reason::malformed) {
      return Failure::failure("the original outcome does not fit the reason");
    }
  }
  assert_well_formed(decoded);
  return decoded;
}

}  // namespace lmx
