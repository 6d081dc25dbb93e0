#pragma once
// JSON-line events from a file or stdin, one decoded event per non-blank line: the input of
// `lmx apply` and `lmx produce --input`. Memory stays bounded by the lines reader's chunk.

#include <fmt/format.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>

#include "format/json_codec.hpp"
#include "input_file.hpp"
#include "json_lines_reader.hpp"

namespace lmx::cli {

class JsonEventInput {
 public:
  using Clock = JsonLinesReader::Clock;
  enum class Next { event, end, timeout };

  explicit JsonEventInput(const std::string& path)
      : input_(path), reader_(input_.fd(), JsonEventDecoder::padding) {}

  // Decodes the next line into `event`; false at the end of the input. A malformed line
  // (or one longer than json_line_size_max) leaves `event` malformed, and error() says
  // why. Throws std::runtime_error on a read error.
  bool next(Event& event) { return next(event, Clock::time_point::max()) == Next::event; }

  // The same, but waiting for a slow pipe only until `deadline` (JsonLinesReader::next):
  // `timeout` then, with `event` untouched, and the next call carries on.
  Next next(Event& event, Clock::time_point deadline) {
    std::string_view line;
    switch (reader_.next(line, deadline)) {
      case JsonLinesReader::Status::end:
        return Next::end;
      case JsonLinesReader::Status::timeout:
        return Next::timeout;
      case JsonLinesReader::Status::error:
        throw std::runtime_error(fmt::format("read error on {} after line {}: {}", name(),
                                             line_number(), std::generic_category().message(reader_.error_number())));
      case JsonLinesReader::Status::too_long:
        event.reset();
        too_long_ = fmt::format("line longer than {} bytes", json_line_size_max);
        error_ = too_long_;
        return Next::event;
      case JsonLinesReader::Status::line:
        const Decoded<> decoded = decoder_.decode(line, event);
        error_ = decoded ? std::string_view{} : std::string_view(decoded.error());
        return Next::event;
    }
    return Next::end;
  }

  // Passes over the next `count` lines (JsonLinesReader::skip_lines).
  void skip_lines(std::uint64_t count) noexcept { reader_.skip_lines(count); }

  [[nodiscard]] std::string_view error() const noexcept { return error_; }
  [[nodiscard]] std::uint64_t line_number() const noexcept { return reader_.line_number(); }
  [[nodiscard]] const std::string& name() const noexcept { return input_.name(); }

 private:
  InputFile input_;
  JsonLinesReader reader_;
  JsonEventDecoder decoder_;
  std::string too_long_;
  std::string_view error_;
};

}  // namespace lmx::cli
