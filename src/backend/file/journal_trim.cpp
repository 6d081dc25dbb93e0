#include "backend/file/journal_trim.hpp"

#include <fcntl.h>

#include <cassert>
#include <stdexcept>
#include <vector>

#include "backend/file/file_log.hpp"
#include "backend/file/journal_segment.hpp"
#include "backend/file/posix_file.hpp"

namespace lmx {
namespace {

// Whether the newest segment holds a whole record. It may not (a rollover just before a
// crash): the newest record is then in the segment before it, which must stay.
bool holds_a_record(const SegmentFile& segment) {
  const UniqueFd fd = open_file(segment.path, O_RDONLY);
  return scan_segment(fd.get(), 0, segment.first_sequence, segment.first_sequence).record_count > 0;
}

// Whether `segment`, followed by `next`, holds only records before `keep_from`.
bool removable(const SegmentFile& next, bool next_is_newest, std::uint64_t keep_from) {
  return next.first_sequence <= keep_from && (!next_is_newest || holds_a_record(next));
}

}  // namespace

TrimmedLog trim_journal(const std::filesystem::path& dir, std::uint64_t keep_from) {
  assert(keep_from >= 1);
  TrimmedLog trimmed;
  if (!std::filesystem::is_directory(dir)) return trimmed;
  const std::vector<SegmentFile> segments = list_segments(dir);
  std::size_t index = 0;
  for (; index + 1 < segments.size(); ++index) {
    const SegmentFile& segment = segments[index];
    const SegmentFile& next = segments[index + 1];
    if (!removable(next, index + 2 == segments.size(), keep_from)) break;
    const std::uint64_t size = std::filesystem::file_size(segment.path);
    std::filesystem::remove(segment.path);
    fsync_directory(dir);
    trimmed.entry_count += next.first_sequence - segment.first_sequence;
    trimmed.byte_count += size;
    ++trimmed.segment_count;
  }
  assert(trimmed.segment_count == index);
  if (index < segments.size()) trimmed.start = Position{0, segments[index].first_sequence};
  return trimmed;
}

TrimReport FileLogTrimmer::trim(Position keep_from) {
  if (keep_from.major != 0 || keep_from.is_zero()) {
    throw std::invalid_argument("position " + keep_from.to_string() +
                                " is not a file journal sequence to trim to");
  }
  // Each journal is trimmed on its own: a crash between the two leaves results that
  // answer removed events, harmless, and removed by the next trim.
  return TrimReport{.keep_from = keep_from,
                    .events = trim_journal(events_journal_dir(data_dir_), keep_from.minor),
                    .results = trim_journal(results_journal_dir(data_dir_), keep_from.minor)};
}

}  // namespace lmx
