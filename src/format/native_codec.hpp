#pragma once
// The native binary encoding of events (journal payloads) and results (results journal
// payloads, Redis result entries). Fixed-width little-endian fields, versioned by the first
// byte. Positions are not in an event's bytes: the log assigns them. A result carries the
// position of the input entry it answers.
//
// Event, version 2:
//
//   +---------+---------+------------+---------------------------------+
//   | version | type    | command id | body, by type                   |
//   | u8 = 2  | u8      |            |                                 |
//   +---------+---------+------------+---------------------------------+
//
//   command id        +---------+----------------+
//                     | size u8 | bytes[size]    |   size 0xFF: the event has no id (no
//                     +---------+----------------+   bytes); 0..command_id_size_max: an
//                     id of that many bytes (0 is an empty id, kept so that the business
//                     logic rejects it as invalid_id); command_id_size_max + 1: the source
//                     id was too long (no bytes).
//
// Version 1 (no command id field) is still read, as events without ids.
//
//   type 1 topup      +-------------+-------------+
//                     | user_id i64 | amount i64  |        (19 bytes with no id)
//                     +-------------+-------------+
//   type 2 add_item   +-------+-----+-----------+-----------+
//                     | flags | sku | count i64 | price i64 |   flags bit 0: has_price,
//                     | u8    |     |           |           |   other bits zero; price is
//                     +-------+-----+-----------+-----------+   0 when there is none
//   type 3 order      +-------------+----------------+---------------------------+
//                     | user_id i64 | line_count u32 | stored lines, each:       |
//                     |             |                |   sku | quantity i64      |
//                     +-------------+----------------+---------------------------+
//                     stored = min(line_count, order_lines_max): an order with too many
//                     lines keeps its true count so that the business logic rejects it.
//   type 4 set_price  +-----+-----------+
//                     | sku | price i64 |
//                     +-----+-----------+
//
//   sku               +---------+----------------+
//                     | size u8 | bytes[size]    |   size 0..sku_size_max; the value
//                     +---------+----------------+   sku_size_max + 1 means "the source
//                                                    id was too long" and has no bytes.
//
// Result, version 3 (64 bytes):
//
//   +---------+------+--------+-----------+-----------+---------+---------+--------+----------+
//   | version | type | reason | position  | position  | user_id | balance | remain | entry    |
//   | u8 = 3  | u8   | u8     | major u64 | minor u64 | i64     | i64     | i64    | checksum |
//   |         |      |        |           |           |         |         |        | u32      |
//   +---------+------+--------+-----------+-----------+---------+---------+--------+----------+
//   offset 47
//   +--------------------+--------------------+-----------------+
//   | original position  | original position  | original reason |
//   | major u64          | minor u64          | u8              |
//   +--------------------+--------------------+-----------------+
//
// `entry checksum` is the answered entry's Event::entry_checksum. `original position` and
// `original reason` tell a duplicate's first outcome (zero for any other reason). Version 2
// (47 bytes, without the original) and version 1 (43 bytes, nor the checksum) are still
// read, with those fields zero.
//
// Decoding refuses, with a reason, an unknown version or type, a reason code out of range,
// a bad size, non-zero reserved flag bits, a non-zero price without has_price, truncation
// and trailing bytes: every event and result has exactly one encoding.

#include <cstdint>
#include <string>
#include <string_view>

#include "lmx/core/decoded.hpp"
#include "lmx/core/event.hpp"
#include "lmx/core/result.hpp"

namespace lmx {

inline constexpr std::uint8_t native_codec_version = 2;

// Largest encoded event: an order with the longest command id, storing order_lines_max
// lines of the longest SKU.
inline constexpr std::size_t native_event_size_max =
    2 + 1 + command_id_size_max + 8 + 4 + order_lines_max * (1 + sku_size_max + 8);
inline constexpr std::uint8_t native_result_version = 4;
// Version 4 is as long as its fields need: version, type, reason and which fields are
// present, then varints and the entry checksum (docs/FORMATS.md). The longest, a duplicate
// with every field present:
inline constexpr std::size_t native_result_size_max = 4 + 7 * 10 + 4 + 1;
// Versions 1 to 3, still read, had one size each.
inline constexpr std::size_t native_result_v3_size = 3 + 5 * 8 + 4 + 2 * 8 + 1;
inline constexpr std::size_t native_result_v2_size = 3 + 5 * 8 + 4;
inline constexpr std::size_t native_result_v1_size = 3 + 5 * 8;

// Appends the encoding of `event` (not malformed: a malformed entry is never written).
void encode_event(const Event& event, std::string& out);

// Decodes `bytes` into `event` (all fields but `position`), in place: `event` is a ring
// slot. On anything undecodable leaves `event.type == EventType::malformed` and says why;
// never reads out of bounds.
Decoded<> decode_event(std::string_view bytes, Event& event) noexcept;

// Appends the encoding of `result`.
void encode_result(const Result& result, std::string& out);

// Decodes `bytes` into a result, or says why it cannot.
Decoded<Result> decode_result(std::string_view bytes) noexcept;

}  // namespace lmx
