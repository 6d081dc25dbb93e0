#pragma once
// One record of the file journal: a fixed header, then the payload (a native-encoded event
// or result). Version 1, little-endian, 24-byte header:
//
//   offset 0        4          8         10         12             16             24
//          +--------+----------+---------+----------+--------------+--------------+---------+
//          | magic  | crc32c   | version | reserved | payload_size | sequence     | payload |
//          | "LMXR" | u32      | u16 = 1 | u16 = 0  | u32          | u64          | bytes   |
//          +--------+----------+---------+----------+--------------+--------------+---------+
//
//   crc32c covers every byte after it (offset 8 to the end of the payload): one pass over
//   contiguous bytes, and a flipped bit in the sequence or the size is caught as surely as
//   one in the payload. payload_size is at most journal_payload_size_max; a larger value is
//   damage, not a reason to wait for more bytes.
//
// A journal is a directory of segments (see journal_segment.hpp); records never span two.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lmx/constants.hpp"

namespace lmx {

inline constexpr std::uint32_t journal_record_magic = 0x52584D4Cu;  // "LMXR" in file order
inline constexpr std::uint16_t journal_record_version = 1;
inline constexpr std::size_t journal_record_header_size = 24;
inline constexpr std::size_t journal_record_crc_offset = 4;
inline constexpr std::size_t journal_record_checked_offset = 8;  // where the crc32c starts

// What a parse of the bytes at a record boundary found.
enum class RecordStatus : std::uint8_t {
  complete,    // a whole record with a good checksum
  incomplete,  // the bytes end inside the header or the payload (a short read)
  bad_header,  // wrong magic, version or reserved bits, or an impossible payload size
  bad_crc,     // a whole record whose checksum does not match
};

struct RecordView {
  std::uint64_t sequence = 0;
  std::uint32_t crc = 0;  // the record's checksum, when complete
  std::string_view payload;
  std::size_t size = 0;  // header + payload: how far the next record starts
};

// Parses the record at the start of `bytes`. `view.size` is set whenever the header was
// readable (complete, bad_crc and incomplete-payload), 0 otherwise.
[[nodiscard]] RecordStatus parse_record(std::string_view bytes, RecordView& view) noexcept;

// Writes magic, version and payload size into the header at `record` (payload follows).
void stamp_record_header(char* record, std::uint32_t payload_size) noexcept;

// Writes the sequence and the checksum into a header already stamped, payload in place.
void seal_record(char* record, std::uint64_t sequence) noexcept;

// True when the bytes at a failed parse can only be the remains of an interrupted append
// (torn tail) rather than damage: the record runs to or past the end of the data, or the
// rest is zeros (some file systems extend a file with zeros before the data lands).
[[nodiscard]] bool is_torn_tail(RecordStatus status, const RecordView& view,
                                std::string_view rest) noexcept;

[[nodiscard]] const char* record_status_name(RecordStatus status) noexcept;

}  // namespace lmx
