#pragma once
// Reads JSON lines from a file descriptor in bounded chunks and hands out each line as a
// view that is followed by readable padding, as the JSON decoder requires. Memory stays
// bounded by json_chunk_size, whatever the input size.
//
// A regular file is read a chunk per read(). A pipe, FIFO, socket or terminal is read as
// its data arrives (one read() per delivery, never waiting for a full chunk), and a caller
// holding lines back (lmx produce batching them) can give a deadline after which next()
// stops waiting for more input and returns `timeout`, so that a slow pipe's lines are not
// held for ever: `tail -f events | lmx produce --input -`.

#include <chrono>
#include <cstdint>
#include <string_view>
#include <vector>

namespace lmx {

class JsonLinesReader {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Status { line, too_long, end, error, timeout };

  // `fd` stays owned by the caller. `padding` bytes after each returned line are readable.
  JsonLinesReader(int fd, std::size_t padding);

  // The next non-blank line (a trailing '\r' is dropped). `too_long` means the line had more
  // than json_line_size_max bytes; it is skipped and `line` is empty. `error` is a read
  // error (error_number() says which). `timeout`: no whole line was buffered, the input can
  // keep a reader waiting (not a regular file), and `deadline` passed before the rest
  // arrived; nothing was consumed, and the next call carries on.
  [[nodiscard]] Status next(std::string_view& line,
                            Clock::time_point deadline = Clock::time_point::max());

  // Makes next() pass over the following `count` lines (blank, malformed or too long alike)
  // without returning them: resuming an input after the lines already handled.
  void skip_lines(std::uint64_t count) noexcept { skip_through_ = line_number_ + count; }

  // 1-based number of the line last returned (blank lines count).
  [[nodiscard]] std::uint64_t line_number() const noexcept { return line_number_; }
  // The errno of the read error, once next() returned `error`.
  [[nodiscard]] int error_number() const noexcept { return read_errno_; }

 private:
  enum class Fill { data, end, timeout };
  Fill fill(Clock::time_point deadline);
  bool wait_readable(Clock::time_point deadline);

  int fd_;
  bool may_wait_;  // not a regular file: reads may block until a writer delivers
  std::size_t padding_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // first unread byte
  std::size_t end_ = 0;    // one past the last byte read
  bool eof_ = false;
  int read_errno_ = 0;
  bool skipping_ = false;  // discarding the rest of a line found too long
  std::uint64_t line_number_ = 0;
  std::uint64_t skip_through_ = 0;  // lines numbered up to this are passed over
};

}  // namespace lmx
