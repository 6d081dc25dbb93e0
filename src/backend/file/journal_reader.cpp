#include "backend/file/journal_reader.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "backend/file/journal_record.hpp"
#include "backend/file/journal_segment.hpp"
#include "backend/file/posix_file.hpp"
#include "lmx/constants.hpp"
#include "lmx/core/position.hpp"

namespace lmx {

JournalReader::JournalReader(std::filesystem::path dir, std::uint64_t after_sequence)
    : dir_(std::move(dir)),
      after_sequence_(after_sequence),
      expected_sequence_(after_sequence + 1),
      buffer_(journal_read_chunk_size) {
  create_data_directories(dir_);
  inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ >= 0 &&
      ::inotify_add_watch(inotify_fd_, dir_.c_str(), IN_MODIFY | IN_CREATE | IN_MOVED_TO) < 0) {
    ::close(inotify_fd_);
    inotify_fd_ = -1;
  }
  if (inotify_fd_ < 0) {
    spdlog::warn("no inotify on {} ({}); polling for appends every {} ms", dir_.string(),
                 std::generic_category().message(errno), journal_poll_interval_ms);
  }
}

JournalReader::~JournalReader() {
  if (segment_fd_ >= 0) ::close(segment_fd_);
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
}

std::span<const JournalEntry> JournalReader::fetch(std::size_t count_max,
                                                   std::chrono::milliseconds timeout) {
  assert(count_max > 0);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // Drained before reading: a change after this point wakes the wait below.
    drain_notifications();
    if (read_available(count_max) > 0) break;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    wait_for_change(std::chrono::ceil<std::chrono::milliseconds>(deadline - now));
  }
  assert(entries_.size() <= count_max);
  return entries_;
}

std::size_t JournalReader::read_available(std::size_t count_max) {
  entries_.clear();
  if (segment_fd_ < 0 && !open_segment_for(expected_sequence_)) return 0;
  bool refilled = false;
  while (entries_.size() < count_max) {
    const Parsed parsed = parse_next(refilled);
    if (parsed == Parsed::stop) break;
    if (parsed == Parsed::end_of_segment) {
      // Switching drops the buffer the batch points into: the batch ends here.
      if (!entries_.empty() || !switch_to_next_segment()) break;
      refilled = false;
    }
  }
  return entries_.size();
}

JournalReader::Parsed JournalReader::parse_next(bool& refilled) {
  const std::string_view rest(buffer_.data() + begin_, end_ - begin_);
  RecordView view;
  const RecordStatus status = parse_record(rest, view);
  if (status != RecordStatus::complete) return handle_failed_parse(status, view, rest, refilled);
  if (view.sequence != expected_sequence_) {
    throw_damage(
        fmt::format("sequence {} where {} was expected", view.sequence, expected_sequence_));
  }
  if (view.sequence > after_sequence_)
    entries_.push_back(JournalEntry{view.sequence, view.crc, view.payload});
  begin_ += view.size;
  ++expected_sequence_;
  // Progress since the last refill: a record cut by the end of the buffer is refilled
  // again, even while skipping records at or before the start position.
  refilled = false;
  return Parsed::record;
}

JournalReader::Parsed JournalReader::handle_failed_parse(RecordStatus status,
                                                         const RecordView& view,
                                                         std::string_view rest, bool& refilled) {
  // Refilling moves the bytes the current batch points into: return the batch first.
  if (!entries_.empty()) return Parsed::stop;
  if (!refilled) {
    refill();
    refilled = true;
    return Parsed::record;
  }
  if (at_eof_ && rest.empty()) return Parsed::end_of_segment;
  // A full buffer that is not a record can only be a tail if it is all zeros.
  const bool torn =
      is_torn_tail(status, view, rest) && (at_eof_ || status == RecordStatus::bad_header);
  if (!torn) throw_damage(record_status_name(status));
  // An append in progress, or a crashed one: forget these bytes and read them again later,
  // since a writer may truncate them and write a good record in their place.
  end_ = begin_;
  at_eof_ = false;
  if (!std::filesystem::exists(dir_ / segment_file_name(expected_sequence_))) return Parsed::stop;
  // A later segment exists, so writers are done with this one and truncated any torn tail
  // before rolling over: read once more; still no record means damage.
  refill();
  RecordView again;
  const std::string_view fresh(buffer_.data() + begin_, end_ - begin_);
  const RecordStatus again_status = parse_record(fresh, again);
  if (again_status == RecordStatus::complete) return Parsed::record;
  if (at_eof_ && fresh.empty()) return Parsed::end_of_segment;
  throw_damage(fmt::format("{} (a later segment exists)", record_status_name(again_status)));
}

bool JournalReader::open_segment_for(std::uint64_t sequence) {
  const std::vector<SegmentFile> segments = list_segments(dir_);
  if (segments.empty()) return false;
  const auto after = std::upper_bound(
      segments.begin(), segments.end(), sequence,
      [](std::uint64_t s, const SegmentFile& segment) { return s < segment.first_sequence; });
  if (after == segments.begin()) {
    // Never a silent skip: the state built from what follows would lack those entries.
    const std::uint64_t first = segments.front().first_sequence;
    throw std::runtime_error(fmt::format(
        "the journal {} starts at {}: entries before it were trimmed, and reading from {} "
        "needs them; start from a snapshot at or after {} (lmx trim keeps the log from the "
        "oldest snapshot on), or restore the removed segments",
        dir_.string(), Position{0, first}.to_string(), Position{0, sequence}.to_string(),
        Position{0, first}.to_string()));
  }
  open_segment(std::prev(after)->first_sequence);
  return true;
}

bool JournalReader::switch_to_next_segment() {
  // An empty segment's successor would carry its own name: nothing to switch to.
  if (expected_sequence_ == segment_first_) return false;
  if (!std::filesystem::exists(dir_ / segment_file_name(expected_sequence_))) return false;
  open_segment(expected_sequence_);
  return true;
}

void JournalReader::open_segment(std::uint64_t first_sequence) {
  assert(first_sequence >= 1);
  UniqueFd fd = open_file(dir_ / segment_file_name(first_sequence), O_RDONLY);
  if (segment_fd_ >= 0) ::close(segment_fd_);
  segment_fd_ = fd.release();
  segment_first_ = first_sequence;
  expected_sequence_ = first_sequence;
  buffer_file_offset_ = 0;
  begin_ = 0;
  end_ = 0;
  at_eof_ = false;
}

void JournalReader::refill() {
  assert(segment_fd_ >= 0);
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    buffer_file_offset_ += begin_;
    end_ -= begin_;
    begin_ = 0;
  }
  const std::size_t want = buffer_.size() - end_;
  const std::size_t got =
      pread_full(segment_fd_, buffer_.data() + end_, want, buffer_file_offset_ + end_);
  end_ += got;
  at_eof_ = got < want;
  assert(end_ <= buffer_.size());
}

void JournalReader::drain_notifications() noexcept {
  if (inotify_fd_ < 0) return;
  alignas(inotify_event) char events[4096];
  while (::read(inotify_fd_, events, sizeof events) > 0) {
  }
}

void JournalReader::wait_for_change(std::chrono::milliseconds timeout) {
  assert(timeout.count() >= 0);
  if (inotify_fd_ < 0) {
    std::this_thread::sleep_for(
        std::min(timeout, std::chrono::milliseconds(journal_poll_interval_ms)));
    return;
  }
  pollfd p{inotify_fd_, POLLIN, 0};
  // EINTR just ends the wait early: the caller reads again and waits for the rest.
  (void)::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(timeout.count(), INT32_MAX)));
}

void JournalReader::throw_damage(std::string_view problem) const {
  throw std::runtime_error(fmt::format("{} in segment {} at offset {} ({})", problem,
                                       segment_file_name(segment_first_),
                                       buffer_file_offset_ + begin_, damage_advice(dir_)));
}

std::uint64_t JournalReader::last_sequence() {
  const std::vector<SegmentFile> segments = list_segments(dir_);
  if (segments.empty()) return 0;
  const SegmentFile& newest = segments.back();
  if (newest.first_sequence != tail_segment_first_) {
    tail_segment_first_ = newest.first_sequence;
    tail_offset_ = 0;
    tail_next_sequence_ = newest.first_sequence;
  }
  const UniqueFd fd = open_file(newest.path, O_RDONLY);
  // Only whole, verified records count; a tail being written is simply not there yet.
  const SegmentScan scan = scan_segment(fd.get(), tail_offset_, tail_next_sequence_);
  tail_offset_ = scan.end_offset;
  tail_next_sequence_ = scan.next_sequence;
  return tail_next_sequence_ - 1;
}

void JournalReader::skip_to_end() {
  assert(segment_fd_ < 0 && expected_sequence_ == after_sequence_ + 1);
  after_sequence_ = std::max(after_sequence_, last_sequence());
  expected_sequence_ = after_sequence_ + 1;
}

}  // namespace lmx
