#pragma once
// Thrown by a backend call that was waiting for its storage to come back (a Redis server
// that stopped answering) when the engine was asked to stop: waiting on would keep a
// stopping engine alive for as long as the outage lasts. Whatever was not yet written (the
// last results, the final snapshot) is written by the next run, which replays the log from
// the newest snapshot. `lmx run` exits with exit_code_interrupted on it.

#include <stdexcept>

namespace lmx {

class Interrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `lmx run`'s exit status when it stopped without its final writes (0: clean, 1: error).
inline constexpr int exit_code_interrupted = 3;

}  // namespace lmx
