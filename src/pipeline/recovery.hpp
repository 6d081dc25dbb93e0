#pragma once
// Rebuilding state from a backend without the pipeline: the newest valid snapshot, then a
// synchronous replay of the log after it. `lmx export` and `lmx query` use it read-only,
// whether or not an engine is running; tests use it as the reference for the engine.

#include <cstdint>
#include <string>
#include <vector>

#include "lmx/core/backend.hpp"
#include "lmx/core/log_reader.hpp"
#include "lmx/core/state.hpp"

namespace lmx {

struct Recovered {
  State state;
  Position snapshot_position;  // zero when no snapshot was usable
  Position position;           // last entry applied (snapshot or replay)
  std::uint64_t replayed_count = 0;
  std::vector<std::string> problems;  // invalid snapshots skipped on the way
};

// The state of the newest valid snapshot at or before `at_most` (or an empty state), not
// yet replayed.
[[nodiscard]] Recovered restore_snapshot(SnapshotStore& store,
                                         Position at_most = Position::last());

// Applies every entry after `recovered.position` that is in the log now. Throws, like
// check_snapshot_within_log(), when the snapshot is ahead of the log.
void replay_to_end(Backend& backend, Recovered& recovered);

// Throws std::runtime_error when the restored snapshot's position is past the end of the
// log: the log lost entries the snapshot has applied (a tail lost in a power failure after
// the engine had read it), and replaying after the snapshot would silently skip the
// entries appended next at those positions. Damage in the log that ends it early is
// reported as such (the reader's error), not as a lost tail.
void check_snapshot_within_log(Position snapshot_position, LogReader& reader);

// Throws std::runtime_error when the results log goes past the end of the log: the log
// lost entries that have results, and the entries appended next at those positions would
// keep the lost entries' results (the engine writes no result a position already has).
void check_results_within_log(Position results_through, LogReader& reader);

}  // namespace lmx
