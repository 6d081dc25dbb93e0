#include "backend/file/journal_inspect.hpp"

#include <fcntl.h>
#include <fmt/format.h>

#include <cassert>

#include "backend/file/posix_file.hpp"
#include "backend/file/journal_segment.hpp"

namespace lmx {
namespace {

std::filesystem::path segments_dir(const std::filesystem::path& dir) {
  if (list_segments(dir).empty() && std::filesystem::is_directory(dir / "journal")) {
    return dir / "journal";
  }
  return dir;
}

SegmentReport inspect_segment(const SegmentFile& segment, bool newest, JournalReport& report) {
  const UniqueFd fd = open_file(segment.path, O_RDONLY);
  const SegmentScan scan = scan_segment(fd.get(), 0, segment.first_sequence);
  SegmentReport s{segment.path.filename().string(), segment.first_sequence, scan.record_count,
                  scan.file_size, ""};
  if (scan.ending != SegmentEnding::clean) {
    s.problem = describe_damage(segment.path, scan);
    if (newest && scan.ending == SegmentEnding::torn_tail) {
      report.torn_tail = s.problem;
    } else {
      report.damage.push_back(s.problem);
    }
  }
  if (scan.record_count > 0) {
    if (report.first_sequence == 0) report.first_sequence = segment.first_sequence;
    report.last_sequence = scan.next_sequence - 1;
  }
  report.record_count += scan.record_count;
  return s;
}

}  // namespace

JournalReport inspect_journal(const std::filesystem::path& dir) {
  JournalReport report;
  report.dir = segments_dir(dir);
  const std::vector<SegmentFile> segments = list_segments(report.dir);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::uint64_t expected = report.last_sequence + 1;
    if (i > 0 && segments[i].first_sequence != expected) {
      report.damage.push_back(fmt::format("gap: segment {} starts at sequence {}, expected {}",
                                          segments[i].path.filename().string(),
                                          segments[i].first_sequence, expected));
    }
    report.segments.push_back(inspect_segment(segments[i], i + 1 == segments.size(), report));
  }
  assert(report.segments.size() == segments.size());
  return report;
}

std::string format_journal_report(const JournalReport& report) {
  std::string text = fmt::format("journal {}\n", report.dir.string());
  for (const SegmentReport& s : report.segments) {
    text += fmt::format("  segment {}  records {}  bytes {}{}\n", s.name, s.record_count,
                        s.size_bytes, s.problem.empty() ? "" : "  " + s.problem);
  }
  text += fmt::format("segments {}  records {}  sequences {}..{}\n", report.segments.size(),
                      report.record_count, report.first_sequence, report.last_sequence);
  if (!report.torn_tail.empty()) {
    text += "torn tail (truncated by the next writer): " + report.torn_tail + "\n";
  }
  for (const std::string& d : report.damage) text += "DAMAGE: " + d + "\n";
  text += report.ok() ? "ok\n" : "damaged\n";
  return text;
}

}  // namespace lmx
