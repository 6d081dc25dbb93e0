#pragma once
// Reads JSON lines from a file in bounded chunks and hands out each line as a view that
// is followed by readable padding, as the JSON decoder requires. Memory stays bounded by
// json_chunk_size, whatever the input size.

#include <cstdint>
#include <cstdio>
#include <string_view>
#include <vector>

namespace lmx {

class JsonLinesReader {
 public:
  enum class Status { line, too_long, end, error };

  // `file` stays owned by the caller. `padding` bytes after each returned line are readable.
  JsonLinesReader(std::FILE* file, std::size_t padding);

  // The next non-blank line (a trailing '\r' is dropped). `too_long` means the line had more
  // than json_line_size_max bytes; it was skipped and `line` is empty. `error` is a read error.
  [[nodiscard]] Status next(std::string_view& line);

  // 1-based number of the line last returned.
  [[nodiscard]] std::uint64_t line_number() const noexcept { return line_number_; }

 private:
  bool fill();
  bool skip_rest_of_line();

  std::FILE* file_;
  std::size_t padding_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // first unread byte
  std::size_t end_ = 0;    // one past the last byte read
  bool eof_ = false;
  bool read_error_ = false;
  std::uint64_t line_number_ = 0;
};

}  // namespace lmx
