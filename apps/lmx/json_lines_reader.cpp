#include "json_lines_reader.hpp"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <climits>
#include <cstring>

#include "lmx/assert.hpp"
#include "lmx/constants.hpp"

namespace lmx {

JsonLinesReader::JsonLinesReader(int fd, std::size_t padding)
    : fd_(fd), may_wait_(true), padding_(padding), buffer_(json_chunk_size + padding) {
  assert(fd >= 0);
  struct stat st {};
  if (::fstat(fd, &st) == 0) may_wait_ = !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode);
}

// Waits until the input has something to read (data, its end or an error). False when
// `deadline` passed first.
bool JsonLinesReader::wait_readable(Clock::time_point deadline) {
  for (;;) {
    int timeout_ms = -1;
    if (deadline != Clock::time_point::max()) {
      const Clock::time_point now = Clock::now();
      if (now >= deadline) return false;
      // Rounded up, so that a wait never ends just before the deadline and spins.
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
      timeout_ms = static_cast<int>(std::min<decltype(left)>(left, INT_MAX));
    }
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, timeout_ms);
    if (ready > 0) return true;  // POLLIN, or POLLHUP/POLLERR: the read says which
    if (ready < 0 && errno != EINTR) return true;  // let the read report it
  }
}

// Moves the unread tail to the front and reads more.
JsonLinesReader::Fill JsonLinesReader::fill(Clock::time_point deadline) {
  if (eof_) return Fill::end;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  const std::size_t room = json_chunk_size - end_;
  assert(room > 0);
  // Only an input that can keep us waiting, for a caller that will not wait for ever, pays
  // a poll() per read: a file, and a reader with nothing held back, just read.
  if (may_wait_ && deadline != Clock::time_point::max() && !wait_readable(deadline)) {
    return Fill::timeout;
  }
  for (;;) {
    const ssize_t got = ::read(fd_, buffer_.data() + end_, room);
    if (got > 0) {
      end_ += static_cast<std::size_t>(got);
      return Fill::data;
    }
    if (got == 0) {
      eof_ = true;
      return Fill::end;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {  // a descriptor left non-blocking
      if (!wait_readable(deadline)) return Fill::timeout;
      continue;
    }
    read_errno_ = errno;
    eof_ = true;
    return Fill::end;
  }
}

JsonLinesReader::Status JsonLinesReader::next(std::string_view& line, Clock::time_point deadline) {
  for (;;) {
    if (skipping_) {  // the rest of a line already reported too long, up to its newline
      const void* nl = std::memchr(buffer_.data() + begin_, '\n', end_ - begin_);
      if (nl != nullptr) {
        begin_ = static_cast<std::size_t>(static_cast<const char*>(nl) - buffer_.data()) + 1;
        skipping_ = false;
        continue;
      }
      begin_ = end_;
      const Fill filled = fill(deadline);
      if (filled == Fill::timeout) return Status::timeout;
      if (filled == Fill::end) skipping_ = false;
      continue;
    }
    const char* start = buffer_.data() + begin_;
    const void* nl = std::memchr(start, '\n', end_ - begin_);
    std::size_t size = 0;
    if (nl != nullptr) {
      size = static_cast<std::size_t>(static_cast<const char*>(nl) - start);
    } else if (end_ - begin_ > json_line_size_max) {
      ++line_number_;
      line = {};
      begin_ = end_;
      skipping_ = true;
      if (line_number_ <= skip_through_) continue;
      return Status::too_long;
    } else if (!eof_) {
      if (fill(deadline) == Fill::timeout) return Status::timeout;
      continue;
    } else if (begin_ == end_) {
      return read_errno_ != 0 ? Status::error : Status::end;
    } else {
      size = end_ - begin_;  // last line without a newline
    }
    ++line_number_;
    begin_ += size + (nl != nullptr ? 1 : 0);
    if (line_number_ <= skip_through_) continue;
    if (size > json_line_size_max) {
      line = {};
      return Status::too_long;
    }
    std::size_t trimmed = size;
    if (trimmed > 0 && start[trimmed - 1] == '\r') --trimmed;
    bool blank = true;
    for (std::size_t i = 0; i < trimmed && blank; ++i) {
      blank = start[i] == ' ' || start[i] == '\t';
    }
    if (blank) continue;
    line = {start, trimmed};
    // The decoder may read `padding_` bytes past the line: they must be inside the buffer,
    // in every build (a read past it would be out of bounds), and one compare a line is cheap.
    LMX_ASSERT(static_cast<std::size_t>(start + trimmed - buffer_.data()) + padding_ <=
               buffer_.size());
    return Status::line;
  }
}

}  // namespace lmx
