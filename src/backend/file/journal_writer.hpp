#pragma once
// Appending to a file journal (see journal_segment.hpp and journal_record.hpp).
//
// Each append is one batch: under an exclusive flock() on DIR/lock the writer re-reads the
// true tail (another process may have appended, rolled to a new segment, or died mid-write),
// assigns the next dense sequences, writes all records with one pwrite() and syncs according
// to the fsync policy before unlocking. So several processes may append at once: records
// never interleave and sequences stay dense. A sole writer (JournalWriterOptions) re-reads
// the tail only when it opens, and after an append or a truncation that failed part way.
//
// With roll_in_background (JournalWriterOptions), a segment roll hands the old segment's
// sync to the writer's sync thread (sync_thread.hpp) and holds the batches appended
// meanwhile in memory; the new segment is created and they are written to it once the old
// one is durable.
//
// Opening (and every batch) repairs a torn tail of the newest segment by truncating it,
// with a warning naming the segment and offset; damage before the tail throws
// std::runtime_error ("checksum mismatch in segment X at offset N") and is never skipped.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "backend/file/journal_record.hpp"
#include "backend/file/sync_thread.hpp"
#include "lmx/constants.hpp"
#include "lmx/core/backend_options.hpp"

namespace lmx {

// Records built in place, header room included, so that append() writes them with no copy.
class JournalBatch {
 public:
  // Appends one record whose payload `encode_payload(std::string&)` appends.
  template <class EncodePayload>
  void add(EncodePayload&& encode_payload) {
    const std::size_t start = bytes_.size();
    bytes_.resize(start + journal_record_header_size);
    encode_payload(bytes_);
    const std::size_t payload_size = bytes_.size() - start - journal_record_header_size;
    if (payload_size > journal_payload_size_max) {
      bytes_.resize(start);
      throw std::length_error("lmx: journal payload larger than journal_payload_size_max");
    }
    stamp_record_header(bytes_.data() + start, static_cast<std::uint32_t>(payload_size));
    record_offsets_.push_back(start);
  }

  void add_payload(std::string_view payload) {
    add([payload](std::string& out) { out.append(payload); });
  }

  [[nodiscard]] std::size_t record_count() const noexcept { return record_offsets_.size(); }
  [[nodiscard]] std::size_t byte_count() const noexcept { return bytes_.size(); }
  void clear() noexcept {
    bytes_.clear();
    record_offsets_.clear();
  }

 private:
  friend class JournalWriter;
  std::string bytes_;
  std::vector<std::size_t> record_offsets_;
};

class JournalWriter {
 public:
  // Creates `dir` if needed, then repairs or verifies the tail under the lock.
  explicit JournalWriter(std::filesystem::path dir, JournalWriterOptions options = {});
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  // Appends the batch with the next sequences and returns the last one (the journal's
  // last sequence, 0 when empty, if the batch is empty). The batch is left as it was.
  // Throws AppendError (lmx/core/log_writer.hpp) once the write has begun, saying whether
  // records of the batch may be in the journal; any other exception means none is.
  std::uint64_t append(JournalBatch& batch);

  // Makes every record appended so far durable, whatever the policy: the engine calls it
  // on the results journal before a snapshot that covers those results is saved.
  void sync();

  // Removes every record after `sequence` (all of them for 0): later segments are deleted,
  // the one holding `sequence` is cut just after it, and both are made durable.
  void truncate_after(std::uint64_t sequence);

  // Finishes a roll in progress whose old segment is durable, without waiting for the sync:
  // for a writer with nothing more to append for a while, whose held records would
  // otherwise wait for its next append. Throws as a failed roll does in append().
  void finish_roll_if_synced();

  // The payload of the newest record in the journal, nullopt when it is empty.
  [[nodiscard]] std::optional<std::string> read_last_payload();

  [[nodiscard]] const std::filesystem::path& dir() const noexcept { return dir_; }

 private:
  void sync_tail();
  void rescan_tail();
  [[nodiscard]] bool still_at_tail() const;
  void open_segment(std::uint64_t first_sequence, bool create);
  void accept_scan(std::uint64_t from_offset);
  void roll_if_full(std::size_t batch_size);
  [[nodiscard]] bool must_finish_roll(std::size_t batch_size) const;
  void hold(const JournalBatch& batch);
  void finish_roll();
  void sync_after_write();
  void start_background_sync();
  void await_background_sync();
  [[nodiscard]] std::filesystem::path segment_path() const;

  std::filesystem::path dir_;
  JournalWriterOptions options_;
  int lock_fd_ = -1;
  int segment_fd_ = -1;
  std::uint64_t segment_first_ = 0;  // first sequence (name) of the open segment
  std::uint64_t tail_offset_ = 0;    // end of the last good record in the open segment
  std::uint64_t next_sequence_ = 1;
  std::optional<std::uint64_t> last_record_offset_;  // in the open segment
  std::chrono::steady_clock::time_point last_sync_{};
  bool unsynced_ = false;
  // A sole writer's view of the tail (segment_fd_, tail_offset_, next_sequence_) is what
  // the journal holds: set by a full re-read, cleared while an append or a truncation is
  // under way, so that one that fails part way is followed by a re-read.
  bool tail_trusted_ = false;

  // A roll whose old segment (still segment_fd_) the sync thread is syncing: the batches
  // appended since are held, sealed, for the new segment, which does not exist yet.
  struct PendingRoll {
    std::future<void> old_segment_synced;
    std::uint64_t first_sequence = 0;  // of the new segment
    std::string held;
    std::uint64_t held_last_record_offset = 0;
  };
  std::optional<PendingRoll> pending_roll_;

  // A sync of the open segment on the sync thread (start_background_sync), and where the
  // segment ended when it started.
  std::future<void> background_sync_;
  std::uint64_t background_sync_offset_ = 0;

  // Runs the two syncs above. Every sync it is given is waited for before the descriptor
  // it syncs is closed: neither future blocks when destroyed.
  SyncThread sync_thread_;
};

}  // namespace lmx
