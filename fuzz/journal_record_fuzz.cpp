// Fuzzes the journal record parser as a reader scans a segment: record after record until
// one is not complete. The checksum is repaired in a copy of the input before each record
// is parsed, so that mutations reach the fields behind it; the untouched input is parsed
// too, for the checksum path. Each complete record, rebuilt with the writer's own
// functions, must be the very bytes it was parsed from.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "backend/file/journal_record.hpp"
#include "format/bytes.hpp"
#include "format/crc32c.hpp"
#include "fuzz_input.hpp"
#include "lmx/assert.hpp"

namespace {

// What holds of any parse, whatever its status.
void check_view(lmx::RecordStatus status, const lmx::RecordView& view, std::string_view rest) {
  if (status == lmx::RecordStatus::complete) {
    LMX_ASSERT(view.size == lmx::journal_record_header_size + view.payload.size());
    LMX_ASSERT(view.size <= rest.size());
    LMX_ASSERT(view.payload.data() == rest.data() + lmx::journal_record_header_size);
    return;
  }
  if (status == lmx::RecordStatus::bad_crc) LMX_ASSERT(view.size <= rest.size());
  if (status == lmx::RecordStatus::incomplete) {
    LMX_ASSERT(view.size == 0 || view.size > rest.size());
    LMX_ASSERT(lmx::is_torn_tail(status, view, rest));  // an append not yet finished
  }
}

// The record a writer makes of the same payload and sequence.
void check_rebuilt(const lmx::RecordView& view, std::string_view record) {
  if (view.sequence == 0) return;  // sequences start at 1: no writer seals a 0
  std::string rebuilt(lmx::journal_record_header_size, '\0');
  rebuilt += view.payload;
  lmx::stamp_record_header(rebuilt.data(), static_cast<std::uint32_t>(view.payload.size()));
  lmx::seal_record(rebuilt.data(), view.sequence);
  LMX_ASSERT(rebuilt == record);
}

// Writes the checksum the record at the start of `rest` would need, when its size is known.
void repair_checksum(char* rest, std::size_t rest_size) {
  lmx::RecordView view;
  const std::string_view bytes(rest, rest_size);
  if (lmx::parse_record(bytes, view) != lmx::RecordStatus::bad_crc) return;
  const std::uint32_t crc = lmx::crc32c(bytes.substr(
      lmx::journal_record_checked_offset, view.size - lmx::journal_record_checked_offset));
  lmx::store_le(rest + lmx::journal_record_crc_offset, crc);
}

void scan(std::string& segment, bool repair) {
  std::size_t offset = 0;
  for (;;) {
    if (repair) repair_checksum(segment.data() + offset, segment.size() - offset);
    const std::string_view rest = std::string_view(segment).substr(offset);
    lmx::RecordView view;
    const lmx::RecordStatus status = lmx::parse_record(rest, view);
    check_view(status, view, rest);
    if (status != lmx::RecordStatus::complete) {
      LMX_ASSERT(!repair || status != lmx::RecordStatus::bad_crc);
      return;
    }
    check_rebuilt(view, rest.substr(0, view.size));
    offset += view.size;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string segment(lmx::fuzz::bytes_of(data, size));
  scan(segment, false);
  scan(segment, true);
  return 0;
}
