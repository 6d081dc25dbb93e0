#pragma once
// Reading the event log, whatever its backend (file journal, Redis Stream).
//
// The engine's reader thread calls fetch() for a batch, claims that many input ring slots,
// and decodes each fetched entry straight into its slot with decode(): no intermediate
// copy of events. A backend may prefetch the next batch while the current one is decoded.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "lmx/core/event.hpp"
#include "lmx/core/position.hpp"

namespace lmx {

// How far a position is behind the end of the log, in entries.
struct LogLag {
  std::uint64_t entries = 0;  // entries in the log after the position
  bool at_least = false;      // the backend stopped counting at `entries`: there are more

  // "42", or "1000+" when the backend stopped counting.
  [[nodiscard]] std::string to_string() const {
    return std::to_string(entries) + (at_least ? "+" : "");
  }
};

class LogReader {
 public:
  virtual ~LogReader() = default;

  // Fetches up to `count_max` entries strictly after the last entry fetched (or after the
  // position the reader was opened at). Waits up to `timeout` when none is available yet,
  // without burning a core; a zero timeout does not wait. Returns how many were fetched (0
  // on timeout). Entries of an earlier batch are invalid after this call. Operating errors
  // (I/O, corruption, lost connection the backend could not recover) throw
  // std::runtime_error with the location.
  [[nodiscard]] virtual std::size_t fetch(std::size_t count_max,
                                          std::chrono::milliseconds timeout) = 0;

  // Decodes entry `index` (< the last fetch's count) into `event`, position included.
  // An entry that cannot be decoded becomes an EventType::malformed event: never an
  // exception, never a skipped entry.
  virtual void decode(std::size_t index, Event& event) = 0;

  // Position of the last entry in the log right now (zero when empty).
  [[nodiscard]] virtual Position end_position() = 0;

  // How many entries the log holds after `position` right now: the lag of a consumer that
  // has applied everything through `position`. Only the backend can count them, because
  // only it knows its id space: journal sequences are dense (the count is a subtraction),
  // Redis ids are not (the backend counts entries; see redis_log_reader.hpp). For status
  // lines: called from the control thread, like end_position(), while fetch() runs.
  // Operating errors throw std::runtime_error, as fetch() does.
  [[nodiscard]] virtual LogLag lag_after(Position position) = 0;
};

}  // namespace lmx
