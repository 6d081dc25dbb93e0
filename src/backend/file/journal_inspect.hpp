#pragma once
// Offline verification of a file journal (`lmx inspect journal DIR`), in the spirit of
// redis-check-aof: every record of every segment is read and checked, and the report says
// what is there and where any damage is. It never modifies the journal.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lmx {

struct SegmentReport {
  std::string name;
  std::uint64_t first_sequence = 0;
  std::uint64_t record_count = 0;  // good records
  std::uint64_t size_bytes = 0;
  std::string problem;  // empty when the segment is clean; else "<what> at offset N"
};

struct JournalReport {
  std::filesystem::path dir;
  std::vector<SegmentReport> segments;
  std::uint64_t record_count = 0;
  std::uint64_t first_sequence = 0;  // 0 when there is no record
  std::uint64_t last_sequence = 0;
  // A torn tail on the newest segment: the next writer truncates it, so it is not damage.
  std::string torn_tail;
  std::vector<std::string> damage;  // bad records before the tail, gaps between segments

  [[nodiscard]] bool ok() const noexcept { return damage.empty(); }
};

// Inspects the segments in `dir`, or in `dir/journal` when `dir` is a data directory.
// Throws only on I/O errors (a missing directory included).
[[nodiscard]] JournalReport inspect_journal(const std::filesystem::path& dir);

[[nodiscard]] std::string format_journal_report(const JournalReport& report);

}  // namespace lmx
