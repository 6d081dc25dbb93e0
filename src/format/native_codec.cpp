#include "format/native_codec.hpp"

#include <algorithm>
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
  copy_small(sku.bytes.data(), bytes.data(), bytes.size());
  return true;
}

[[nodiscard]] bool decode_add_item(ByteCursor& in, Event& event) noexcept {
  std::uint8_t flags = 0;
  if (!in.read(flags) || (flags & ~flag_has_price) != 0) return false;
  event.has_price = (flags & flag_has_price) != 0;
  return decode_sku(in, event.item_id) && in.read(event.count) && in.read(event.price);
}

[[nodiscard]] bool decode_order(ByteCursor& in, Event& event) noexcept {
  std::uint32_t line_count = 0;
  if (!in.read(event.user_id) || !in.read(line_count)) return false;
  const std::size_t stored = std::min<std::size_t>(line_count, order_lines_max);
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
    case EventType::malformed:
      return false;
  }
  return false;
}

}  // namespace

void encode_event(const Event& event, std::string& out) {
  assert(event.type != EventType::malformed);
  assert(event.type <= EventType::order);
  [[maybe_unused]] const std::size_t start = out.size();
  put_le<std::uint8_t>(out, native_codec_version);
  put_le<std::uint8_t>(out, static_cast<std::uint8_t>(event.type));
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
    case EventType::malformed:
      break;
  }
  assert(out.size() - start <= native_event_size_max);
}

bool decode_event(std::string_view bytes, Event& event) noexcept {
  event.reset();
  ByteCursor in(bytes);
  std::uint8_t version = 0;
  std::uint8_t type = 0;
  if (!in.read(version) || version != native_codec_version) return false;
  if (!in.read(type) || type == 0 || type > static_cast<std::uint8_t>(EventType::order)) {
    return false;
  }
  if (!decode_body(in, static_cast<EventType>(type), event) || in.remaining() != 0) {
    event.reset();
    return false;
  }
  event.type = static_cast<EventType>(type);
  assert(event.type != EventType::malformed);
  assert(in.remaining() == 0);
  return true;
}

void encode_result(const Result& result, std::string& out) {
  assert(result.type <= EventType::order);
  assert(static_cast<std::size_t>(result.reason) < reason_count);
  [[maybe_unused]] const std::size_t start = out.size();
  put_le<std::uint8_t>(out, native_codec_version);
  put_le<std::uint8_t>(out, static_cast<std::uint8_t>(result.type));
  put_le<std::uint8_t>(out, static_cast<std::uint8_t>(result.reason));
  put_le(out, result.position.major);
  put_le(out, result.position.minor);
  put_le(out, result.user_id);
  put_le(out, result.balance);
  put_le(out, result.remain);
  assert(out.size() - start == native_result_size);
}

bool decode_result(std::string_view bytes, Result& result) noexcept {
  if (bytes.size() != native_result_size) return false;
  ByteCursor in(bytes);
  std::uint8_t version = 0;
  std::uint8_t type = 0;
  std::uint8_t reason = 0;
  if (!in.read(version) || !in.read(type) || !in.read(reason)) return false;
  if (version != native_codec_version) return false;
  if (type > static_cast<std::uint8_t>(EventType::order)) return false;
  const std::optional<Reason> known = reason_from_code(reason);
  if (!known) return false;
  Result decoded;
  decoded.type = static_cast<EventType>(type);
  decoded.reason = *known;
  if (!in.read(decoded.position.major) || !in.read(decoded.position.minor) ||
      !in.read(decoded.user_id) || !in.read(decoded.balance) || !in.read(decoded.remain)) {
    return false;
  }
  assert(in.remaining() == 0);
  result = decoded;
  return true;
}

}  // namespace lmx
