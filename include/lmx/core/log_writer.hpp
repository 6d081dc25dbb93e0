#pragma once
// Appending events to the log, whatever its backend.

#include <span>

#include "lmx/core/event.hpp"
#include "lmx/core/position.hpp"

namespace lmx {

class LogWriter {
 public:
  virtual ~LogWriter() = default;

  // Appends well-formed events in order as one batch and returns the position of the last
  // one. Durability follows the backend's policy (the file journal's --fsync). Events'
  // own `position` fields are ignored: the log assigns positions. Throws
  // std::runtime_error on an operating error; then none, some or all of the batch may be
  // in the log, and the log itself stays consistent.
  virtual Position append(std::span<const Event> events) = 0;
};

}  // namespace lmx
