#pragma once
// The body of POST /events: one JSON event (pretty-printed or not), or JSON lines, one
// event per line (blank lines skipped). All or nothing: when any line is malformed, none
// of the body is appended and the answer names the first bad line, so that a client can
// fix and resend the whole batch without wondering which part went in.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "format/json_codec.hpp"
#include "lmx/core/event.hpp"

namespace lmx::service {

struct BatchError {
  enum class Kind : std::uint8_t { malformed, too_many_events };
  Kind kind = Kind::malformed;
  std::uint64_t line = 0;  // 1-based; 0 when the body as a whole is refused
  std::string message;
};

// Decodes `body` into `events` (cleared first). nullopt when every event is well formed.
[[nodiscard]] std::optional<BatchError> parse_event_batch(std::string_view body,
                                                          JsonEventDecoder& decoder,
                                                          std::vector<Event>& events);

}  // namespace lmx::service
