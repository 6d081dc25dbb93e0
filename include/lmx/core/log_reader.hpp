#pragma once
// Reading the event log, whatever its backend (file journal, Redis Stream).
//
// The engine's reader thread calls fetch() for a batch, claims that many input ring slots,
// and decodes each fetched entry straight into its slot with decode(): no intermediate
// copy of events. A backend may prefetch the next batch while the current one is decoded.

#include <chrono>
#include <cstddef>

#include "lmx/core/event.hpp"
#include "lmx/core/position.hpp"

namespace lmx {

class LogReader {
 public:
  virtual ~LogReader() = default;

  // Fetches up to `count_max` entries strictly after the last entry fetched (or after the
  // position the reader was opened at). Waits up to `timeout` when none is available yet,
  // without burning a core. Returns how many were fetched (0 on timeout). Entries of an
  // earlier batch are invalid after this call. Operating errors (I/O, corruption, lost
  // connection the backend could not recover) throw std::runtime_error with the location.
  [[nodiscard]] virtual std::size_t fetch(std::size_t count_max,
                                          std::chrono::milliseconds timeout) = 0;

  // Decodes entry `index` (< the last fetch's count) into `event`, position included.
  // An entry that cannot be decoded becomes an EventType::malformed event: never an
  // exception, never a skipped entry.
  virtual void decode(std::size_t index, Event& event) = 0;

  // Position of the last entry in the log right now (zero when empty), for lag reporting.
  [[nodiscard]] virtual Position end_position() = 0;
};

}  // namespace lmx
