#pragma once
// Reading a file journal from a sequence on, live: records strictly after the sequence the
// reader was opened at, in batches, following into new segments as appends roll over.
//
// Waiting for appends uses inotify on the journal directory: the kernel wakes the reader on
// any write or new segment, from this process or another, so a caught-up reader costs no
// CPU and sees an append within microseconds. Where inotify is unavailable (exhausted
// watches, some network file systems) it falls back to sleeping journal_poll_interval_ms.
//
// At the tail, an incomplete record (or a last record with a bad checksum, or zeros) is an
// append still being written, or a crashed one the next writer will truncate: "not yet",
// never an error. A bad record with data after it is damage and throws std::runtime_error
// naming the segment and offset. A journal trimmed past the reader's position (its oldest
// segment starts after the first record wanted) throws too, saying so: never a silent skip.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "backend/file/journal_record.hpp"

namespace lmx {

struct JournalEntry {
  std::uint64_t sequence = 0;
  std::uint32_t crc = 0;     // the record's checksum: tells this entry from another one
                             // appended at the same sequence after a lost tail
  std::string_view payload;  // valid until the next fetch()
};

class JournalReader {
 public:
  // Creates `dir` if needed so that the reader can wait for the first append.
  JournalReader(std::filesystem::path dir, std::uint64_t after_sequence);
  ~JournalReader();
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;

  // Up to `count_max` records after the last one fetched; waits up to `timeout` when there
  // is none yet. Entries of the previous batch become invalid.
  [[nodiscard]] std::span<const JournalEntry> fetch(std::size_t count_max,
                                                    std::chrono::milliseconds timeout);

  // Sequence of the newest whole record in the journal right now (0 when empty).
  [[nodiscard]] std::uint64_t last_sequence();

  // Makes the reader skip every record in the journal right now: fetch() returns only
  // records appended later. Only before the first fetch().
  void skip_to_end();

 private:
  // What one step of parsing did: took a record (or may try again), reached the clean end
  // of the segment, or must stop this batch (tail not yet written, or bytes to keep).
  enum class Parsed : std::uint8_t { record, end_of_segment, stop };
  std::size_t read_available(std::size_t count_max);
  [[nodiscard]] Parsed parse_next(bool& refilled);
  [[nodiscard]] Parsed handle_failed_parse(RecordStatus status, const RecordView& view,
                                           std::string_view rest, bool& refilled);
  [[nodiscard]] bool open_segment_for(std::uint64_t sequence);
  [[nodiscard]] bool switch_to_next_segment();
  void open_segment(std::uint64_t first_sequence);
  void refill();
  void drain_notifications() noexcept;
  void wait_for_change(std::chrono::milliseconds timeout);
  [[noreturn]] void throw_damage(std::string_view problem) const;

  std::filesystem::path dir_;
  std::uint64_t after_sequence_;     // records up to here are skipped, not returned
  std::uint64_t expected_sequence_;  // the sequence the next record read must carry
  int segment_fd_ = -1;
  std::uint64_t segment_first_ = 0;
  std::vector<char> buffer_;
  std::uint64_t buffer_file_offset_ = 0;  // file offset of buffer_[0]
  std::size_t begin_ = 0;                 // next unparsed byte in buffer_
  std::size_t end_ = 0;                   // end of bytes read into buffer_
  bool at_eof_ = false;                   // the last refill reached the end of the file
  std::vector<JournalEntry> entries_;
  int inotify_fd_ = -1;
  // last_sequence() resumes its scan of the newest segment where the previous call ended.
  std::uint64_t tail_segment_first_ = 0;
  std::uint64_t tail_offset_ = 0;
  std::uint64_t tail_next_sequence_ = 0;
};

}  // namespace lmx
