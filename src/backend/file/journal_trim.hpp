#pragma once
// Trimming a file journal: removing its oldest segments, whole, once every record in them
// is before the sequence to keep from. A segment holding that record or any later one
// stays, and so does the segment holding the journal's newest record, which writers resume
// from. So trimming never cuts a record out of a segment, and never needs to read one
// (a segment's records run up to its successor's name).
//
// Segments go oldest first, each removal made durable (an fsync of the directory) before
// the next, so a crash mid-trim (a power loss included) leaves the journal starting at a
// later segment, never with a gap. No lock is taken: writers append only to the newest
// segment, which is never removed, and readers only open segments at or after their
// position; a reader that has a removed segment open goes on reading it (POSIX unlink).
//
//   FileLogTrimmer(data_dir).trim(Position{0, 41235});   // DIR/journal and DIR/results

#include <cstdint>
#include <filesystem>

#include "lmx/core/log_trimmer.hpp"

namespace lmx {

// Removes the segments of the journal in `dir` whose records are all before `keep_from`.
[[nodiscard]] TrimmedLog trim_journal(const std::filesystem::path& dir, std::uint64_t keep_from);

// The file backend's LogTrimmer: DIR/journal, then DIR/results, by the same sequence
// (result k answers event k).
class FileLogTrimmer final : public LogTrimmer {
 public:
  explicit FileLogTrimmer(std::filesystem::path data_dir) : data_dir_(std::move(data_dir)) {}

  TrimReport trim(Position keep_from) override;

 private:
  std::filesystem::path data_dir_;
};

}  // namespace lmx
