#pragma once
// The segments of a file journal: a directory of files, each a run of records (see
// journal_record.hpp) with dense sequences. A segment is named by the sequence of its
// first record, zero-padded to 20 digits so that names sort like sequences:
//
//   DIR/journal/00000000000000000001.seg      records 1 .. 41234
//   DIR/journal/00000000000000041235.seg      records 41235 .. (the newest: appends go here)
//   DIR/journal/lock                          flock()ed by each append batch
//
// `lmx trim` removes whole segments from the front (journal_trim.hpp), so the oldest
// segment may start after 1; sequences stay dense from there on.
//
// A segment has no file header (each record carries its magic and version) and may be
// empty (created by a rollover just before a crash). Appends start a new segment once the
// newest reaches journal_segment_size_max; a batch never spans two segments.

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lmx {

struct SegmentFile {
  std::uint64_t first_sequence = 0;
  std::filesystem::path path;
};

[[nodiscard]] std::string segment_file_name(std::uint64_t first_sequence);
[[nodiscard]] std::optional<std::uint64_t> parse_segment_file_name(std::string_view name);

// The segments in `dir`, oldest first. Other files are ignored. Throws on an I/O error.
[[nodiscard]] std::vector<SegmentFile> list_segments(const std::filesystem::path& dir);

// The sequence the journal in `dir` starts at: its oldest segment's name, 1 when it has no
// segment (or no directory) yet. Later than 1 once `lmx trim` removed segments.
[[nodiscard]] std::uint64_t journal_first_sequence(const std::filesystem::path& dir);

// How the verified part of a segment ends.
enum class SegmentEnding : std::uint8_t {
  clean,      // the last record ends at the end of the file
  torn_tail,  // what follows the last good record is an interrupted append
  damaged,    // a bad record with data after it, or a sequence out of order
};

struct SegmentScan {
  std::uint64_t end_offset = 0;          // just after the last good record
  std::uint64_t next_sequence = 0;       // the sequence the next record must carry
  std::uint64_t record_count = 0;        // good records found by this scan
  std::uint64_t last_record_offset = 0;  // start of the last good record, when record_count > 0
  std::uint64_t file_size = 0;
  SegmentEnding ending = SegmentEnding::clean;
  std::string problem;  // for torn_tail and damaged: what was found at end_offset
};

// Verifies the records of the open segment `fd` from `offset` (a record boundary, where a
// record with `sequence` is expected) to the end of the file, or only through record
// `sequence_max`. Never throws on bad bytes:
// the caller decides whether a torn tail or damage is an error. Throws on an I/O error.
[[nodiscard]] SegmentScan scan_segment(
    int fd, std::uint64_t offset, std::uint64_t sequence,
    std::uint64_t sequence_max = std::numeric_limits<std::uint64_t>::max());

// What an operator can do about damage before the tail of the journal in `dir`: the
// results log (a directory named "results") is derived from the events and can be
// rewritten; the events journal is the source of truth.
[[nodiscard]] std::string damage_advice(const std::filesystem::path& dir);

// "checksum mismatch in segment 00000000000000000001.seg at offset 4096".
[[nodiscard]] std::string describe_damage(const std::filesystem::path& segment,
                                          const SegmentScan& scan);

}  // namespace lmx
