#pragma once
// Where the log may be cut: before the oldest kept snapshot that loads. Every snapshot a
// restart may recover from (the newest valid one, or an older one when the newest does not
// load or the results log ends before it) is at or after it, and recovery reads only
// after the snapshot it restored, so no entry before it is needed again. An invalid
// snapshot does not count: it will never be restored. With no valid snapshot, nothing
// may go: the state can then only be rebuilt from the first entry.
//
// `lmx trim` calls it once; `lmx run --trim-after-snapshot`, on the snapshotter thread
// after each save.

#include <optional>
#include <string>
#include <vector>

#include "lmx/core/log_trimmer.hpp"
#include "lmx/core/snapshot_store.hpp"

namespace lmx {

// Trims the log behind `trimmer` to the oldest valid snapshot in `store`; nullopt, with
// nothing removed, when no snapshot is valid. Snapshots skipped as invalid are described
// in `problems`. Operating errors throw std::runtime_error.
[[nodiscard]] std::optional<TrimReport> trim_to_oldest_snapshot(SnapshotStore& store,
                                                                LogTrimmer& trimmer,
                                                                std::vector<std::string>& problems);

// One line for people: "before the snapshot at 0-30000, removed 20480 entries (5 segments,
// 1.3 MB) and 20480 results (2 segments, 0.7 MB); the log now starts at 0-20481, the
// results at 0-20481".
[[nodiscard]] std::string describe_trim(const TrimReport& report);

}  // namespace lmx
