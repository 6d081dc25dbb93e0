#include "backend/file/journal_record.hpp"

#include <algorithm>
#include <cassert>

#include "format/bytes.hpp"
#include "format/crc32c.hpp"

namespace lmx {

RecordStatus parse_record(std::string_view bytes, RecordView& view) noexcept {
  view = RecordView{};
  if (bytes.size() < journal_record_header_size) return RecordStatus::incomplete;
  const char* h = bytes.data();
  const auto payload_size = load_le<std::uint32_t>(h + 12);
  if (load_le<std::uint32_t>(h) != journal_record_magic ||
      load_le<std::uint16_t>(h + 8) != journal_record_version ||
      load_le<std::uint16_t>(h + 10) != 0 || payload_size > journal_payload_size_max) {
    return RecordStatus::bad_header;
  }
  view.size = journal_record_header_size + payload_size;
  view.sequence = load_le<std::uint64_t>(h + 16);
  if (bytes.size() < view.size) return RecordStatus::incomplete;
  view.payload = bytes.substr(journal_record_header_size, payload_size);
  const std::uint32_t crc = crc32c_extend(0, h + journal_record_checked_offset,
                                          view.size - journal_record_checked_offset);
  if (crc != load_le<std::uint32_t>(h + journal_record_crc_offset)) return RecordStatus::bad_crc;
  view.crc = crc;
  return RecordStatus::complete;
}

void stamp_record_header(char* record, std::uint32_t payload_size) noexcept {
  assert(payload_size <= journal_payload_size_max);
  store_le(record, journal_record_magic);
  store_le(record + 8, journal_record_version);
  store_le(record + 10, std::uint16_t{0});
  store_le(record + 12, payload_size);
}

void seal_record(char* record, std::uint64_t sequence) noexcept {
  assert(sequence >= 1);
  assert(load_le<std::uint32_t>(record) == journal_record_magic);
  const auto payload_size = load_le<std::uint32_t>(record + 12);
  store_le(record + 16, sequence);
  const std::uint32_t crc =
      crc32c_extend(0, record + journal_record_checked_offset,
                    journal_record_header_size + payload_size - journal_record_checked_offset);
  store_le(record + journal_record_crc_offset, crc);
}

bool is_torn_tail(RecordStatus status, const RecordView& view, std::string_view rest) noexcept {
  assert(status != RecordStatus::complete);
  switch (status) {
    case RecordStatus::incomplete:
      return true;
    case RecordStatus::bad_crc:
      return view.size == rest.size();
    case RecordStatus::bad_header:
      return std::all_of(rest.begin(), rest.end(), [](char c) { return c == 0; });
    case RecordStatus::complete:
      break;
  }
  return false;
}

const char* record_status_name(RecordStatus status) noexcept {
  switch (status) {
    case RecordStatus::complete:
      return "complete";
    case RecordStatus::incomplete:
      return "file ends mid-record";
    case RecordStatus::bad_header:
      return "bad record header";
    case RecordStatus::bad_crc:
      return "checksum mismatch";
  }
  return "unknown";
}

}  // namespace lmx
