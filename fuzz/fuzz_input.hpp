#pragma once
// How a fuzz target whose decoder takes more than one byte string reads them from the one
// input libFuzzer gives it. The corpus writer (write_corpus.cpp) writes the same framing.
//
// Stream entry fields (redis_entry_fuzz), a run of:
//
//   +-----------+------------+----------------+-------------+
//   | name size | name bytes | value size     | value bytes |
//   | u8        |            | u16            |             |
//   +-----------+------------+----------------+-------------+
//
// A field cut short by the end of the input is dropped.
//
// Seed data (seed_entry_fuzz): one byte choosing the type (seed_type_of), then the `data`
// value's bytes.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "format/bytes.hpp"
#include "format/seed_codec.hpp"
#include "lmx/core/event.hpp"

namespace lmx::fuzz {

inline std::string_view bytes_of(const std::uint8_t* data, std::size_t size) noexcept {
  return {reinterpret_cast<const char*>(data), size};
}

inline std::vector<EntryField> split_entry_fields(std::string_view bytes) {
  std::vector<EntryField> fields;
  ByteCursor in(bytes);
  std::uint8_t name_size = 0;
  std::uint16_t value_size = 0;
  EntryField field;
  while (in.read(name_size) && in.read_bytes(name_size, field.name) && in.read(value_size) &&
         in.read_bytes(value_size, field.value)) {
    fields.push_back(field);
  }
  return fields;
}

inline void append_entry_field(std::string& out, std::string_view name, std::string_view value) {
  LMX_ASSERT(name.size() <= UINT8_MAX);
  LMX_ASSERT(value.size() <= UINT16_MAX);
  put_le(out, static_cast<std::uint8_t>(name.size()));
  out += name;
  put_le(out, static_cast<std::uint16_t>(value.size()));
  out += value;
}

// Every byte names one of the seed's three event types.
inline EventType seed_type_of(std::uint8_t selector) noexcept {
  return static_cast<EventType>(1 + selector % 3);
}

inline std::uint8_t seed_selector_of(EventType type) noexcept {
  LMX_ASSERT(type != EventType::malformed);
  return static_cast<std::uint8_t>(static_cast<std::uint8_t>(type) - 1);
}

}  // namespace lmx::fuzz
