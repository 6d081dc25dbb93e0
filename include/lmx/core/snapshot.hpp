#pragma once
// The state at exactly one log position: what a snapshot holds and what recovery restores.
// The business logic thread builds one with a flat copy of its entity vectors at a batch
// boundary; serialization and I/O happen on another thread.

#include <chrono>
#include <vector>

#include "lmx/constants.hpp"
#include "lmx/core/id_record.hpp"
#include "lmx/core/position.hpp"
#include "lmx/core/state.hpp"

namespace lmx {

struct Snapshot {
  Position position;                 // every log entry up to and including this one is applied
  std::uint32_t entry_checksum = 0;  // Event::entry_checksum of that entry (0: not recorded)
  LargeVector<User> users;           // in the state's own (log) order
  LargeVector<Item> items;
  std::uint64_t id_horizon = id_horizon_default;  // the id record's horizon
  std::vector<RecordedId> ids;                    // the id record, oldest first
};

// What is known of a snapshot once it is saved: where it is, and the digest of the state it
// holds (state_digest.hpp), as stored with it.
struct SavedSnapshot {
  Position position;  // zero: none
  std::uint64_t digest = 0;
  std::uint64_t bytes = 0;  // its encoded size
  // How long saving it took (encode, write, sync): set by the engine, 0 from a store.
  std::chrono::nanoseconds save_time{0};

  friend bool operator==(const SavedSnapshot&, const SavedSnapshot&) noexcept = default;
};

// A flat copy of `state` as at `position` (the entry checksum left 0 for the caller).
[[nodiscard]] Snapshot snapshot_of(const State& state, Position position);

}  // namespace lmx
