#include "backend/file/journal_segment.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cassert>
#include <stdexcept>

#include "backend/file/journal_record.hpp"
#include "backend/file/posix_file.hpp"
#include "lmx/constants.hpp"
#include "lmx/core/decimal.hpp"

namespace lmx {
namespace {

constexpr std::string_view segment_suffix = ".seg";
constexpr std::size_t segment_digits = 20;

bool zeros_to_end(int fd, std::uint64_t offset, std::uint64_t file_size, std::string& buffer) {
  while (offset < file_size) {
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), file_size - offset));
    const std::size_t got = pread_full(fd, buffer.data(), want, offset);
    if (got == 0) return true;
    if (std::any_of(buffer.data(), buffer.data() + got, [](char c) { return c != 0; })) {
      return false;
    }
    offset += got;
  }
  return true;
}

// Classifies a failed parse at `scan.end_offset`; `rest` runs to the end of the buffer.
void classify_failure(int fd, RecordStatus status, const RecordView& view, std::string_view rest,
                      SegmentScan& scan, std::string& buffer) {
  const bool buffer_reaches_end = scan.end_offset + rest.size() == scan.file_size;
  bool torn = false;
  if (buffer_reaches_end) {
    torn = is_torn_tail(status, view, rest);
  } else if (status == RecordStatus::bad_header) {
    torn = zeros_to_end(fd, scan.end_offset, scan.file_size, buffer);
  }
  scan.ending = torn ? SegmentEnding::torn_tail : SegmentEnding::damaged;
  scan.problem = record_status_name(status);
}

}  // namespace

std::string segment_file_name(std::uint64_t first_sequence) {
  assert(first_sequence >= 1);
  return fmt::format("{:020}{}", first_sequence, segment_suffix);
}

std::optional<std::uint64_t> parse_segment_file_name(std::string_view name) {
  if (name.size() != segment_digits + segment_suffix.size()) return std::nullopt;
  if (name.substr(segment_digits) != segment_suffix) return std::nullopt;
  std::uint64_t sequence = 0;
  if (!parse_decimal(name.substr(0, segment_digits), sequence) || sequence == 0) {
    return std::nullopt;
  }
  return sequence;
}

std::vector<SegmentFile> list_segments(const std::filesystem::path& dir) {
  std::vector<SegmentFile> segments;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto first = parse_segment_file_name(entry.path().filename().string());
    if (first) segments.push_back(SegmentFile{*first, entry.path()});
  }
  std::sort(segments.begin(), segments.end(),
            [](const auto& a, const auto& b) { return a.first_sequence < b.first_sequence; });
  return segments;
}

std::uint64_t journal_first_sequence(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir)) return 1;
  const std::vector<SegmentFile> segments = list_segments(dir);
  return segments.empty() ? 1 : segments.front().first_sequence;
}

SegmentScan scan_segment(int fd, std::uint64_t offset, std::uint64_t sequence,
                         std::uint64_t sequence_max) {
  assert(fd >= 0);
  assert(sequence >= 1);
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw_errno("stat of a journal segment");
  SegmentScan scan;
  scan.file_size = static_cast<std::uint64_t>(st.st_size);
  scan.end_offset = offset;
  scan.next_sequence = sequence;
  // Writers re-scan the few records other processes appended before each of their batches:
  // a buffer sized to what is there keeps that cheap. Either size holds a whole record.
  const std::uint64_t unread = scan.file_size - std::min(offset, scan.file_size);
  std::string buffer(static_cast<std::size_t>(std::min<std::uint64_t>(
                         journal_read_chunk_size, std::max<std::uint64_t>(unread, 1))),
                     '\0');
  while (scan.end_offset < scan.file_size) {
    // Never past the size seen at the start: a file growing under a reader's scan is read
    // up to that size, so the scan ends where it said it would.
    const auto want = static_cast<std::size_t>(
        std::min<std::uint64_t>(buffer.size(), scan.file_size - scan.end_offset));
    const std::size_t got = pread_full(fd, buffer.data(), want, scan.end_offset);
    if (got == 0) {
      // The file shrank under us (a writer truncated a torn tail): its end is here.
      scan.file_size = scan.end_offset;
      break;
    }
    std::string_view rest(buffer.data(), got);
    RecordView view;
    RecordStatus status = parse_record(rest, view);
    for (; status == RecordStatus::complete; status = parse_record(rest, view)) {
      if (scan.next_sequence > sequence_max) return scan;
      if (view.sequence != scan.next_sequence) {
        scan.ending = SegmentEnding::damaged;
        scan.problem =
            fmt::format("sequence {} where {} was expected", view.sequence, scan.next_sequence);
        return scan;
      }
      scan.last_record_offset = scan.end_offset;
      scan.end_offset += view.size;
      ++scan.next_sequence;
      ++scan.record_count;
      rest.remove_prefix(view.size);
    }
    // A record cut by the end of this chunk (not of the file) is read again from its start.
    if (status == RecordStatus::incomplete && scan.end_offset + rest.size() < scan.file_size) {
      continue;
    }
    if (rest.empty() && scan.end_offset == scan.file_size) break;
    classify_failure(fd, status, view, rest, scan, buffer);
    return scan;
  }
  assert(scan.end_offset == scan.file_size);
  return scan;
}

std::string damage_advice(const std::filesystem::path& dir) {
  if (dir.filename() == "results" ||
      (dir.filename().empty() && dir.parent_path().filename() == "results")) {
    return fmt::format(
        "in the results log {}: results are derived from the events; move that directory "
        "away and the next lmx run writes every result again",
        dir.string());
  }
  return fmt::format(
      "in the event journal {}: the events are the source of truth, so lmx stops rather than "
      "skip them; `lmx inspect journal` lists every damaged record; restore the segment from "
      "a copy",
      dir.string());
}

std::string describe_damage(const std::filesystem::path& segment, const SegmentScan& scan) {
  assert(scan.ending != SegmentEnding::clean);
  return fmt::format("{} in segment {} at offset {}", scan.problem, segment.filename().string(),
                     scan.end_offset);
}

}  // namespace lmx
