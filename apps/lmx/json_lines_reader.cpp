#include "json_lines_reader.hpp"

#include <cassert>
#include <cstring>

#include "lmx/constants.hpp"

namespace lmx {

JsonLinesReader::JsonLinesReader(std::FILE* file, std::size_t padding)
    : file_(file), padding_(padding), buffer_(json_chunk_size + padding) {
  assert(file != nullptr);
}

// Moves the unread tail to the front and reads more. False when nothing more can come.
bool JsonLinesReader::fill() {
  if (eof_) return false;
  std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
  end_ -= begin_;
  begin_ = 0;
  const std::size_t room = json_chunk_size - end_;
  assert(room > 0);
  const std::size_t got = std::fread(buffer_.data() + end_, 1, room, file_);
  end_ += got;
  if (got < room) {
    eof_ = true;
    read_error_ = std::ferror(file_) != 0;
  }
  return got > 0;
}

// Discards input up to and including the next newline (or to the end of input).
bool JsonLinesReader::skip_rest_of_line() {
  for (;;) {
    const void* nl = std::memchr(buffer_.data() + begin_, '\n', end_ - begin_);
    if (nl != nullptr) {
      begin_ = static_cast<std::size_t>(static_cast<const char*>(nl) - buffer_.data()) + 1;
      return true;
    }
    begin_ = end_;
    if (!fill()) return false;
  }
}

JsonLinesReader::Status JsonLinesReader::next(std::string_view& line) {
  for (;;) {
    const char* start = buffer_.data() + begin_;
    const void* nl = std::memchr(start, '\n', end_ - begin_);
    std::size_t size = 0;
    if (nl != nullptr) {
      size = static_cast<std::size_t>(static_cast<const char*>(nl) - start);
    } else if (!eof_ && end_ - begin_ <= json_line_size_max) {
      fill();
      continue;
    } else if (end_ - begin_ > json_line_size_max) {
      ++line_number_;
      line = {};
      skip_rest_of_line();
      return Status::too_long;
    } else if (begin_ == end_) {
      return read_error_ ? Status::error : Status::end;
    } else {
      size = end_ - begin_;  // last line without a newline
    }
    ++line_number_;
    begin_ += size + (nl != nullptr ? 1 : 0);
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
    // The decoder may read `padding_` bytes past the line: they are inside the buffer.
    assert(static_cast<std::size_t>(start + trimmed - buffer_.data()) + padding_ <= buffer_.size());
    return Status::line;
  }
}

}  // namespace lmx
