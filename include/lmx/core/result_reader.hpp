#pragma once
// Following the results log of a backend, as a client waiting for the outcome of the events
// it appended does: the results journal of the file backend, or the `<stream>:results`
// stream in Redis.

#include <chrono>
#include <cstddef>
#include <vector>

#include "lmx/core/result.hpp"

namespace lmx {

class ResultReader {
 public:
  virtual ~ResultReader() = default;

  // Appends to `out` the results published after the ones already fetched (at first: after
  // the newest one when the reader was opened), in the order they were published, waiting
  // up to `timeout` when there is none yet. Returns how many were appended (0 on timeout).
  // A result is whatever the engine wrote for one input position: a restarted engine may
  // write a result again, so callers match results to their events by position. Operating
  // errors (I/O, a record that is not a result, a connection the backend could not
  // recover) throw std::runtime_error naming the log.
  [[nodiscard]] virtual std::size_t fetch(std::vector<Result>& out,
                                          std::chrono::milliseconds timeout) = 0;
};

}  // namespace lmx
