#pragma once
// Where snapshots live (a directory, or Redis keys). Saving never blocks the business logic
// thread: the engine calls save() from its snapshotter thread.

#include <optional>
#include <string>
#include <vector>

#include "lmx/core/snapshot.hpp"

namespace lmx {

class SnapshotStore {
 public:
  virtual ~SnapshotStore() = default;

  // Writes `snapshot` atomically (a reader sees all of it or none of it), then drops the
  // oldest so that the newest `snapshot_keep_count` remain. Throws std::runtime_error on
  // an operating error; the snapshots saved before stay valid.
  virtual void save(const Snapshot& snapshot) = 0;

  // The newest snapshot that passes its checksum, or nullopt when there is none. Each
  // invalid snapshot skipped on the way is described in `problems` (name and why).
  [[nodiscard]] virtual std::optional<Snapshot> load_newest(std::vector<std::string>& problems) = 0;
};

}  // namespace lmx
