#pragma once
// Appending events to the log, whatever its backend.

#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>

#include "lmx/core/event.hpp"
#include "lmx/core/position.hpp"

namespace lmx {

// How far a failed append got, so that a producer can say exactly what is in the log and
// where to resume: the first `appended()` events of the batch are in the log (confirmed
// as the backend confirms an append: written and synced per the journal's --fsync, or
// acknowledged by Redis), the `in_doubt()` events after them may or may not be (sent, but
// the reply was lost with the connection; written, but the fsync failed), and the rest of
// the batch is not.
class AppendError : public std::runtime_error {
 public:
  AppendError(const std::string& what, std::size_t appended, std::size_t in_doubt,
              Position last_appended = {})
      : std::runtime_error(what),
        appended_(appended),
        in_doubt_(in_doubt),
        last_appended_(last_appended) {}

  [[nodiscard]] std::size_t appended() const noexcept { return appended_; }
  [[nodiscard]] std::size_t in_doubt() const noexcept { return in_doubt_; }
  // The position of the last appended event; zero when appended() is zero.
  [[nodiscard]] Position last_appended() const noexcept { return last_appended_; }

 private:
  std::size_t appended_;
  std::size_t in_doubt_;
  Position last_appended_;
};

class LogWriter {
 public:
  virtual ~LogWriter() = default;

  // Appends well-formed events in order as one batch and returns the position of the last
  // one. Durability follows the backend's policy (the file journal's --fsync). Events'
  // own `position` fields are ignored: the log assigns positions. Throws AppendError on an
  // operating error, saying which of the batch are in the log; the log itself stays
  // consistent. (A writer of another kind may throw another std::exception: then none,
  // some or all of the batch may be in the log.)
  //
  // `positions` is empty, or has one slot per event: each appended event's position is
  // written into its slot (on AppendError, the first appended() slots), so that a client can
  // find each event's result even where positions are not dense (Redis ids).
  virtual Position append(std::span<const Event> events, std::span<Position> positions) = 0;
  Position append(std::span<const Event> events) { return append(events, {}); }
};

}  // namespace lmx
