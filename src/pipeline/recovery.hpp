#pragma once
// Rebuilding state from a backend without the pipeline: the newest valid snapshot, then a
// synchronous replay of the log after it. `lmx export` and `lmx query` use it read-only,
// whether or not an engine is running; tests use it as the reference for the engine.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lmx/core/backend.hpp"
#include "lmx/core/entry_ref.hpp"
#include "lmx/core/log_reader.hpp"
#include "lmx/core/state.hpp"

namespace lmx {

struct Recovered {
  State state;
  Position snapshot_position;  // zero when no snapshot was usable
  std::uint32_t snapshot_entry_checksum = 0;  // of the entry at snapshot_position
  Position position;           // last entry applied (snapshot or replay)
  std::uint64_t replayed_count = 0;
  std::vector<std::string> problems;  // invalid snapshots skipped on the way
};

// The state of the newest valid snapshot at or before `at_most` (or an empty state), not
// yet replayed. The id record's horizon is the snapshot's; `id_horizon`, when given, must
// agree with it (throws std::runtime_error otherwise) and sets the horizon of an empty
// state.
[[nodiscard]] Recovered restore_snapshot(SnapshotStore& store,
                                         Position at_most = Position::last(),
                                         std::optional<std::uint64_t> id_horizon = {});

// Applies every entry after `recovered.position` that is in the log now. Throws, like
// check_snapshot_within_log(), when the log no longer holds the snapshot's entry.
void replay_to_end(Backend& backend, Recovered& recovered);

// Throws std::runtime_error when the log does not hold the entry a snapshot covers
// through: the log lost entries the snapshot has applied (a tail lost in a power failure
// after the engine had read it), whether it ends before the snapshot's position or was
// appended to again since, and replaying after the snapshot would silently skip or
// misplace the entries now at those positions. Damage in the log that ends it early is
// reported as such (the reader's error), not as a lost tail.
void check_snapshot_within_log(EntryRef snapshot, LogReader& reader, Backend& backend);

}  // namespace lmx
