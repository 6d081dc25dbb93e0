#include "backend/file/journal_writer.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <future>
#include <system_error>

#include "backend/file/journal_segment.hpp"
#include "backend/file/posix_file.hpp"
#include "lmx/core/log_writer.hpp"

namespace lmx {
namespace {

// Holds the journal's flock() for one batch (or one open): the only thing that makes the
// tail this process sees the true tail.
class JournalLock {
 public:
  explicit JournalLock(int fd) : fd_(fd) {
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) throw_errno("flock of the journal lock file");
    }
  }
  ~JournalLock() { ::flock(fd_, LOCK_UN); }
  JournalLock(const JournalLock&) = delete;
  JournalLock& operator=(const JournalLock&) = delete;

 private:
  int fd_;
};

// Whether a sync handed to the sync thread is over (succeeded or failed), without waiting.
[[nodiscard]] bool finished(const std::future<void>& sync) {
  return sync.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

std::string read_payload_at(int fd, std::uint64_t offset, const std::filesystem::path& segment) {
  std::string record(journal_record_header_size + journal_payload_size_max, '\0');
  record.resize(pread_full(fd, record.data(), record.size(), offset));
  RecordView view;
  if (parse_record(record, view) != RecordStatus::complete) {
    throw std::runtime_error("the record at offset " + std::to_string(offset) + " of " +
                             segment.string() + " is no longer readable");
  }
  return std::string(view.payload);
}

}  // namespace

std::optional<FsyncPolicy> fsync_policy_from_name(std::string_view name) noexcept {
  if (name == "always") return FsyncPolicy::always;
  if (name == "interval") return FsyncPolicy::interval;
  if (name == "none") return FsyncPolicy::none;
  return std::nullopt;
}

std::string_view fsync_policy_name(FsyncPolicy policy) noexcept {
  switch (policy) {
    case FsyncPolicy::always:
      return "always";
    case FsyncPolicy::interval:
      return "interval";
    case FsyncPolicy::none:
      return "none";
  }
  return "unknown";
}

JournalWriter::JournalWriter(std::filesystem::path dir, JournalWriterOptions options)
    : dir_(std::move(dir)), options_(options) {
  if (options_.segment_size_max == 0) {
    throw std::invalid_argument("journal segment_size_max must be positive");
  }
  create_data_directories(dir_);
  lock_fd_ = open_file(dir_ / "lock", O_RDWR | O_CREAT).release();
  const JournalLock lock(lock_fd_);
  sync_tail();
}

JournalWriter::~JournalWriter() {
  if (pending_roll_) {
    try {
      finish_roll();
    } catch (const std::exception& e) {
      spdlog::error("{} at close", e.what());
    }
  }
  try {
    await_background_sync();
  } catch (const std::exception& e) {
    spdlog::error("{} at close", e.what());
  }
  if (segment_fd_ >= 0 && unsynced_ && ::fdatasync(segment_fd_) != 0) {
    spdlog::error("fdatasync of journal segment {} failed at close", segment_path().string());
  }
  if (segment_fd_ >= 0) ::close(segment_fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::filesystem::path JournalWriter::segment_path() const {
  return dir_ / segment_file_name(segment_first_);
}

void JournalWriter::open_segment(std::uint64_t first_sequence, bool create) {
  assert(first_sequence >= 1);
  await_background_sync();
  UniqueFd fd =
      open_file(dir_ / segment_file_name(first_sequence), O_RDWR | (create ? O_CREAT : 0));
  if (segment_fd_ >= 0) {
    // The old segment's unsynced batches must reach the disk before its descriptor goes.
    if (unsynced_) fdatasync_or_throw(segment_fd_, segment_path());
    ::close(segment_fd_);
  }
  segment_fd_ = fd.release();
  segment_first_ = first_sequence;
  tail_offset_ = 0;
  background_sync_offset_ = 0;
  next_sequence_ = first_sequence;
  last_record_offset_.reset();
  unsynced_ = false;
  if (create && options_.fsync != FsyncPolicy::none) fsync_directory(dir_);
}

// Verifies the open segment from `from_offset` and adopts what is there: new records of
// other writers, a torn tail (truncated here), or damage (thrown).
void JournalWriter::accept_scan(std::uint64_t from_offset) {
  assert(segment_fd_ >= 0);
  const SegmentScan scan = scan_segment(segment_fd_, from_offset, next_sequence_);
  if (scan.ending == SegmentEnding::damaged) {
    throw std::runtime_error(
        fmt::format("{} ({})", describe_damage(segment_path(), scan), damage_advice(dir_)));
  }
  if (scan.ending == SegmentEnding::torn_tail) {
    spdlog::warn("truncating the torn tail of journal segment {} at offset {} ({}, {} bytes)",
                 segment_path().string(), scan.end_offset, scan.problem,
                 scan.file_size - scan.end_offset);
    if (::ftruncate(segment_fd_, static_cast<off_t>(scan.end_offset)) != 0) {
      throw_errno("truncating the torn tail of " + segment_path().string());
    }
    fdatasync_or_throw(segment_fd_, segment_path());
  }
  if (scan.record_count > 0) last_record_offset_ = scan.last_record_offset;
  tail_offset_ = scan.end_offset;
  next_sequence_ = scan.next_sequence;
}

// Brings this writer's view up to the true tail. Called with the lock held.
void JournalWriter::sync_tail() {
  if (still_at_tail()) return;
  tail_trusted_ = false;
  rescan_tail();
  tail_trusted_ = true;
}

void JournalWriter::rescan_tail() {
  const std::vector<SegmentFile> segments = list_segments(dir_);
  if (segments.empty()) {
    if (segment_fd_ >= 0)
      throw std::runtime_error("journal segments vanished from " + dir_.string());
    open_segment(1, true);
    return;
  }
  const std::uint64_t newest = segments.back().first_sequence;
  if (newest < segment_first_) {
    throw std::runtime_error("the newest segment of " + dir_.string() + " went backward");
  }
  if (segment_fd_ < 0 || newest != segment_first_) {
    open_segment(newest, false);
    accept_scan(0);
    return;
  }
  accept_scan(tail_offset_);
}

// The cheap check done before every batch (two stats instead of a directory listing):
// nobody appended since this writer's last batch if its segment kept its size and no
// segment was rolled to from that end, since a rollover names the new segment after
// next_sequence_. An empty segment takes the slow path (its successor has its name). A
// sole writer's view is the tail as long as nothing it did failed part way.
bool JournalWriter::still_at_tail() const {
  if (segment_fd_ < 0) return false;
  if (options_.sole_writer && tail_trusted_) return true;
  if (next_sequence_ == segment_first_) return false;
  struct stat st {};
  if (::fstat(segment_fd_, &st) != 0) throw_errno("stat of " + segment_path().string());
  if (static_cast<std::uint64_t>(st.st_size) != tail_offset_) return false;
  const std::filesystem::path successor = dir_ / segment_file_name(next_sequence_);
  if (::access(successor.c_str(), F_OK) == 0) return false;
  if (errno != ENOENT) throw_errno("access to " + successor.string());
  return true;
}

void JournalWriter::roll_if_full(std::size_t batch_size) {
  if (tail_offset_ == 0 || tail_offset_ + batch_size <= options_.segment_size_max) return;
  if (!options_.roll_in_background || !unsynced_) {
    open_segment(next_sequence_, true);
    return;
  }
  // The old segment stays open (and untouched here) until its sync is done.
  pending_roll_.emplace(PendingRoll{
      .old_segment_synced = sync_thread_.sync(segment_fd_, segment_path()),
      .first_sequence = next_sequence_,
      .held = {},
      .held_last_record_offset = 0,
  });
}

// Whether the batch must wait for the pending roll: its sync is done (nothing to gain by
// holding more), or holding the batch would pass the memory bound or fill the new segment.
bool JournalWriter::must_finish_roll(std::size_t batch_size) const {
  const PendingRoll& roll = *pending_roll_;
  const std::size_t held_max =
      std::min<std::uint64_t>(journal_roll_held_bytes_max, options_.segment_size_max);
  return roll.held.size() + batch_size > held_max || finished(roll.old_segment_synced);
}

void JournalWriter::hold(const JournalBatch& batch) {
  PendingRoll& roll = *pending_roll_;
  roll.held_last_record_offset = roll.held.size() + batch.record_offsets_.back();
  roll.held += batch.bytes_;
  next_sequence_ += batch.record_count();
}

// Waits for the old segment's sync, then creates the new segment with the held batches.
// On failure the held batches are lost and the writer starts again from what is on disk.
void JournalWriter::finish_roll() {
  PendingRoll roll = std::move(*pending_roll_);
  pending_roll_.reset();
  const std::uint64_t next_sequence = next_sequence_;
  try {
    roll.old_segment_synced.get();
    unsynced_ = false;
    open_segment(roll.first_sequence, true);
    if (!roll.held.empty()) {
      pwrite_full(segment_fd_, roll.held.data(), roll.held.size(), 0, segment_path());
      tail_offset_ = roll.held.size();
      last_record_offset_ = roll.held_last_record_offset;
      next_sequence_ = next_sequence;
      unsynced_ = true;
    }
  } catch (const std::exception& e) {
    try {
      await_background_sync();
    } catch (const std::exception&) {  // the roll's own failure is the one to report
    }
    if (segment_fd_ >= 0) ::close(segment_fd_);
    segment_fd_ = -1;
    segment_first_ = 0;
    throw std::runtime_error(fmt::format(
        "{}: records {}..{}, held in memory while the journal rolled to a new segment, may "
        "not be in it",
        e.what(), roll.first_sequence, next_sequence - 1));
  }
}

void JournalWriter::finish_roll_if_synced() {
  if (!pending_roll_ || !finished(pending_roll_->old_segment_synced)) return;
  const JournalLock lock(lock_fd_);
  finish_roll();
}

void JournalWriter::sync() {
  if (pending_roll_) finish_roll();
  await_background_sync();
  if (segment_fd_ < 0) return;
  fdatasync_or_throw(segment_fd_, segment_path());
  last_sync_ = std::chrono::steady_clock::now();
  unsynced_ = false;
}

// Starts a sync of the open segment on the sync thread once background_sync_bytes
// (JournalWriterOptions) were appended since the last one began, unless that one is still
// running. A failed one throws here, on the next append: the kernel reports a writeback
// error to a descriptor only once, so the roll's own sync would not see it.
void JournalWriter::start_background_sync() {
  if (background_sync_.valid()) {
    if (!finished(background_sync_)) return;
    background_sync_.get();
  }
  if (tail_offset_ - background_sync_offset_ < options_.background_sync_bytes) return;
  background_sync_ = sync_thread_.sync(segment_fd_, segment_path());
  background_sync_offset_ = tail_offset_;
}

// Waits for the background sync, if one is running; throws if it failed. Before the
// descriptor it syncs is closed, and before a sync that must see every error.
void JournalWriter::await_background_sync() {
  if (background_sync_.valid()) background_sync_.get();
}

void JournalWriter::sync_after_write() {
  switch (options_.fsync) {
    case FsyncPolicy::always:
      fdatasync_or_throw(segment_fd_, segment_path());
      return;
    case FsyncPolicy::interval: {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_sync_ < options_.fsync_interval) {
        unsynced_ = true;
        start_background_sync();
        return;
      }
      fdatasync_or_throw(segment_fd_, segment_path());
      last_sync_ = now;
      unsynced_ = false;
      return;
    }
    case FsyncPolicy::none:
      // Left to the kernel, but a sync() or a segment roll still makes it durable.
      unsynced_ = true;
      start_background_sync();
      return;
  }
}

std::uint64_t JournalWriter::append(JournalBatch& batch) {
  const JournalLock lock(lock_fd_);
  if (pending_roll_ && must_finish_roll(batch.byte_count())) {
    try {
      finish_roll();
    } catch (const std::exception& e) {
      throw AppendError(e.what(), 0, 0);  // none of this batch is in the journal
    }
  }
  // With a roll pending this writer is the journal's only one: its view is the tail.
  if (!pending_roll_) sync_tail();
  if (batch.record_count() == 0) return next_sequence_ - 1;
  tail_trusted_ = false;  // until the batch is in the file (a roll or the write may fail)
  if (!pending_roll_) roll_if_full(batch.byte_count());
  const std::uint64_t first = next_sequence_;
  for (std::size_t i = 0; i < batch.record_count(); ++i) {
    seal_record(batch.bytes_.data() + batch.record_offsets_[i], first + i);
  }
  if (pending_roll_) {
    hold(batch);
    return next_sequence_ - 1;
  }
  try {
    pwrite_full(segment_fd_, batch.bytes_.data(), batch.bytes_.size(), tail_offset_,
                segment_path());
  } catch (const std::exception& e) {
    // Leave no partial batch behind (disk full, file size limit): the journal stays as it
    // was. If even that fails, the next writer keeps the whole records that reached the
    // file and truncates the rest, so any of the batch may be in the journal.
    const bool cut = ::ftruncate(segment_fd_, static_cast<off_t>(tail_offset_)) == 0;
    const int cut_errno = errno;
    throw AppendError(fmt::format("{}{}", e.what(),
                                  cut ? ""
                                      : "; cutting the partial batch off failed too: " +
                                            std::generic_category().message(cut_errno)),
                      0, cut ? 0 : batch.record_count());
  }
  last_record_offset_ = tail_offset_ + batch.record_offsets_.back();
  tail_offset_ += batch.bytes_.size();
  next_sequence_ += batch.record_count();
  tail_trusted_ = true;
  try {
    sync_after_write();
  } catch (const std::exception& e) {
    // The records are in the file, where readers see them, but may not survive a crash.
    throw AppendError(fmt::format("{}: the {} records just written are in the journal, but "
                                  "may not survive a crash",
                                  e.what(), batch.record_count()),
                      0, batch.record_count());
  }
  assert(next_sequence_ - 1 == first + batch.record_count() - 1);
  return next_sequence_ - 1;
}

void JournalWriter::truncate_after(std::uint64_t sequence) {
  const JournalLock lock(lock_fd_);
  if (pending_roll_) finish_roll();
  await_background_sync();
  sync_tail();
  if (sequence + 1 >= next_sequence_) return;
  tail_trusted_ = false;  // re-read below, once the cut is made
  std::vector<SegmentFile> segments = list_segments(dir_);
  // The segment the next record after `sequence` belongs in: it stays, cut, as the newest.
  while (segments.size() > 1 && segments.back().first_sequence > sequence + 1) {
    std::filesystem::remove(segments.back().path);
    segments.pop_back();
  }
  const SegmentFile& kept = segments.back();
  const UniqueFd fd = open_file(kept.path, O_RDWR);
  std::uint64_t end = 0;
  if (kept.first_sequence <= sequence) {
    const SegmentScan scan = scan_segment(fd.get(), 0, kept.first_sequence, sequence);
    if (scan.next_sequence != sequence + 1) {
      throw std::runtime_error(
          fmt::format("{} ({})", describe_damage(kept.path, scan), damage_advice(dir_)));
    }
    end = scan.end_offset;
  }
  if (::ftruncate(fd.get(), static_cast<off_t>(end)) != 0)
    throw_errno("truncating " + kept.path.string());
  fdatasync_or_throw(fd.get(), kept.path);
  fsync_directory(dir_);
  // Start again from what is on disk, as a writer that has just opened the journal.
  ::close(segment_fd_);
  segment_fd_ = -1;
  segment_first_ = 0;
  sync_tail();
}

std::optional<std::string> JournalWriter::read_last_payload() {
  const JournalLock lock(lock_fd_);
  if (pending_roll_) finish_roll();
  sync_tail();
  if (next_sequence_ == 1) return std::nullopt;
  if (last_record_offset_)
    return read_payload_at(segment_fd_, *last_record_offset_, segment_path());
  // The newest segment was just rolled to and is empty: the newest record ends the one
  // before it, which no writer touches any more.
  const std::vector<SegmentFile> segments = list_segments(dir_);
  assert(segments.size() >= 2);
  const SegmentFile& previous = segments[segments.size() - 2];
  const UniqueFd fd = open_file(previous.path, O_RDONLY);
  const SegmentScan scan = scan_segment(fd.get(), 0, previous.first_sequence);
  if (scan.ending != SegmentEnding::clean || scan.record_count == 0) {
    throw std::runtime_error(
        fmt::format("{} ({})", describe_damage(previous.path, scan), damage_advice(dir_)));
  }
  return read_payload_at(fd.get(), scan.last_record_offset, previous.path);
}

}  // namespace lmx
