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

void encode_result(const Result& result, std::string& out) {
  assert_well_formed(result);
  const std::size_t start = out.size();
  put_le<std::uint8_t>(out, native_result_version);
  put_le<std::uint8_t>(out, static_cast<std::uint8_t>(result.type));
  put_le<std::uint8_t>(out, static_cast<std::uint8_t>(result.reason));
  put_le(out, result.position.major);
  put_le(out, result.position.minor);
  put_le(out, result.user_id);
  put_le(out, result.balance);
  put_le(out, result.remain);
  put_le(out, result.entry_checksum);
  put_le(out, result.original_position.major);
  put_le(out, result.original_position.minor);
  put_le<std::uint8_t>(out, static_cast<std::uint8_t>(result.original_reason));
  LMX_ASSERT(out.size() - start == native_result_size);
}

Decoded<Result> decode_result(std::string_view bytes) noexcept {
  using Failure = Decoded<Result>;
  // Each version has its own size, so the size says which version the bytes must claim.
  std::uint8_t size_version = 0;
  if (bytes.size() == native_result_size) {
    size_version = native_result_version;
  } else if (bytes.size() == native_result_v2_size) {
    size_version = 2;
  } else if (bytes.size() == native_result_v1_size) {
    size_version = 1;
  } else {
    return Failure::failure("a result is 64 bytes (47 in version 2, 43 in version 1)");
  }
  ByteCursor in(bytes);
  std::uint8_t version = 0;
  std::uint8_t type = 0;
  std::uint8_t reason = 0;
  const bool head = in.read(version) && in.read(type) && in.read(reason);
  LMX_ASSERT(head);  // the size was checked
  if (version != size_version) {
    static constexpr std::array<const char*, 3> wrong = {"not a native result of version 1",
                                                         "not a native result of version 2",
                                                         "not a native result of version 3"};
    return Failure::failure(wrong[size_version - 1]);
  }
  const std::optional<EventType> known_type = event_type_from_code(type);
  if (!known_type) return Failure::failure("unknown event type");
  const std::optional<Reason> known = reason_from_code(reason);
  if (!known) return Failure::failure("unknown reason code");
  Result decoded;
  decoded.type = *known_type;
  decoded.reason = *known;
  const bool body = in.read(decoded.position.major) && in.read(decoded.position.minor) &&
                    in.read(decoded.user_id) && in.read(decoded.balance) &&
                    in.read(decoded.remain) && (version == 1 || in.read(decoded.entry_checksum));
  LMX_ASSERT(body);
  if (version >= 3) {
    std::uint8_t original = 0;
    const bool tail = in.read(decoded.original_position.major) &&
                      in.read(decoded.original_position.minor) && in.read(original);
    LMX_ASSERT(tail);
    const std::optional<Reason> original_reason = reason_from_code(original);
    if (!original_reason) return Failure::failure("unknown original reason code");
    decoded.original_reason = *original_reason;
    // Only a duplicate tells a first outcome, and that outcome is one the id record keeps.
    const bool told =
        decoded.original_reason != Reason::accepted || !decoded.original_position.is_zero();
    if (told != (decoded.reason == Reason::duplicate) ||
        decoded.original_reason == Reason::duplicate ||
        decoded.original_reason == Reason::invalid_id ||
        decoded.original_reason == Reason::malformed) {
      return Failure::failure("the original outcome does not fit the reason");
    }
  }
  LMX_ASSERT(in.remaining() == 0);
  assert_well_formed(decoded);
  return decoded;
}

}  // namespace lmx
