#include "service/event_batch.hpp"

#include <fmt/format.h>

#include "lmx/assert.hpp"
#include "lmx/constants.hpp"

namespace lmx::service {
namespace {

bool blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// The decoder reads up to JsonEventDecoder::padding bytes past a line's end.
Decoded<> decode_padded(std::string_view text, JsonEventDecoder& decoder, std::string& buffer,
                        Event& event) {
  buffer.assign(text);
  buffer.append(JsonEventDecoder::padding, '\0');
  event.reset();
  return decoder.decode(std::string_view(buffer.data(), text.size()), event);
}

}  // namespace

std::optional<BatchError> parse_event_batch(std::string_view body, JsonEventDecoder& decoder,
                                            std::vector<Event>& events) {
  events.clear();
  std::string buffer;
  // A single event may span lines (pretty-printed): the whole body as one value first.
  if (body.find('\n') != std::string_view::npos && !blank(body)) {
    Event event;
    if (decode_padded(body, decoder, buffer, event)) {
      events.push_back(event);
      return std::nullopt;
    }
  }
  std::uint64_t number = 0;
  while (!body.empty()) {
    const std::size_t end = body.find('\n');
    const std::string_view line = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view{} : body.substr(end + 1);
    ++number;
    if (blank(line)) continue;
    if (events.size() == http_events_per_request_max) {
      return BatchError{BatchError::Kind::too_many_events, 0,
                        fmt::format("more than {} events in one request: send fewer at a time",
                                    http_events_per_request_max)};
    }
    Event& event = events.emplace_back();
    const Decoded<> decoded = decode_padded(line, decoder, buffer, event);
    if (!decoded) {
      events.clear();
      return BatchError{BatchError::Kind::malformed, number,
                        fmt::format("line {}: {}", number, decoded.error())};
    }
    LMX_ASSERT(event.type != EventType::malformed);
  }
  if (events.empty()) return BatchError{BatchError::Kind::malformed, 0, "no event in the body"};
  return std::nullopt;
}

}  // namespace lmx::service
