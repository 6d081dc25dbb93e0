#pragma once
// Where snapshots live (a directory, or Redis keys). Saving never blocks the business logic
// thread: the engine calls save() from its snapshotter thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lmx/core/snapshot.hpp"

namespace lmx {

// Why load_newest() passed over a valid snapshot after its `at_most`.
[[nodiscard]] inline std::string after_limit(Position at_most) {
  return "after the end of the results log (" + at_most.to_string() +
         "): recovering from an older state so that the missing results are written";
}

class SnapshotStore {
 public:
  virtual ~SnapshotStore() = default;

  // Writes `snapshot` atomically (a reader sees all of it or none of it), then drops the
  // oldest so that the newest `snapshot_keep_count` remain. Returns its position, the
  // digest stored with it (state_digest(), computed as it is encoded) and its size. Throws
  // std::runtime_error on an operating error; the snapshots saved before stay valid.
  virtual SavedSnapshot save(const Snapshot& snapshot) = 0;

  // The newest snapshot at or before `at_most` that passes its checksum and digest, or
  // nullopt when there is none. Each snapshot skipped on the way is described in `problems`
  // (name and why): invalid ones, and valid ones after `at_most`.
  [[nodiscard]] virtual std::optional<Snapshot> load_newest(std::vector<std::string>& problems,
                                                            Position at_most) = 0;

  // The position of the oldest snapshot kept that passes its checksum, or nullopt when
  // none does: the log before it is what `lmx trim` may remove. Each snapshot skipped on
  // the way is described in `problems`.
  [[nodiscard]] virtual std::optional<Position> oldest_valid(
      std::vector<std::string>& problems) = 0;
};

}  // namespace lmx
