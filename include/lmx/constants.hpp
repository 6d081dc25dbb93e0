#pragma once
// Every limit in lmx, in one place. Each is a named constant with what it costs, so a
// change is a decision made once, not a number found in three files.

#include <cstddef>
#include <cstdint>

namespace lmx {

// Longest item id (SKU), in UTF-8 bytes. Ids are stored inline in events and in state, so
// each byte here costs one byte per order line in every ring slot and per item in state.
inline constexpr std::size_t sku_size_max = 32;

// Most lines one order may carry. Ring slots hold the lines inline (no allocation on the
// hot path), so a slot is about `order_lines_max * 48` bytes.
inline constexpr std::size_t order_lines_max = 64;

// Cache line size assumed for padding hot atomics apart (x86-64 and most ARM64 cores).
inline constexpr std::size_t cache_line_size = 64;

// Bytes of JSON-lines input read per chunk by `lmx apply` and `lmx produce --input`.
// Memory use is bounded by this plus the longest line; a line longer than
// `json_line_size_max` is rejected as malformed without being buffered whole.
inline constexpr std::size_t json_chunk_size = 16u << 20;
inline constexpr std::size_t json_line_size_max = 1u << 20;

static_assert(sku_size_max < 255, "Sku stores its size in one byte, with one value for 'too long'");
static_assert(json_line_size_max < json_chunk_size, "a whole line must fit in one chunk");

}  // namespace lmx

namespace lmx {

// Snapshots kept by a store; older ones are deleted after a new one is durable.
inline constexpr std::size_t snapshot_keep_count = 3;

}  // namespace lmx

namespace lmx {

// Deepest msgpack nesting a seed `data` payload may have (the seed's own payloads are two
// deep: a map holding arrays). Deeper input is malformed; the bound keeps the parser's
// stack small whatever bytes an entry holds.
inline constexpr std::size_t seed_depth_max = 8;

}  // namespace lmx
