#pragma once
// Removing what no kept snapshot needs from the front of the log and of the results log,
// so that they stop growing forever (`lmx trim`, `lmx run --trim-after-snapshot`).
//
// A role of its own, opened through Backend like the readers and writers, rather than a
// call on Backend or on SnapshotStore: the snapshot store decides *where* the log may be
// cut (its oldest valid snapshot, pipeline/log_trim.hpp), the backend only *how* (whole
// journal segments, XTRIM MINID), and the engine's snapshotter thread holds a trimmer of
// its own (a Redis connection) as it holds its store.
//
// trim(keep_from) removes entries strictly before `keep_from` and never the entry at it:
// a restarting engine asks Backend::holds() of its snapshot's entry, then reads after it.
// Results go by the same position: a result is removed only when the entry it answers is
// before `keep_from`. What goes is removed oldest first, so an interrupted trim leaves a
// log that starts later, never one with a gap. It is safe while an engine runs: an engine
// reads only after its own position, which is never before the oldest kept snapshot.

#include <cstdint>

#include "lmx/core/position.hpp"

namespace lmx {

// What trimming did to one log (the events, or the results).
struct TrimmedLog {
  std::uint64_t entry_count = 0;    // entries removed
  std::uint64_t segment_count = 0;  // file journal: whole segments removed (0 on Redis)
  std::uint64_t byte_count = 0;     // file journal: their size in bytes (0 on Redis)
  Position start;                   // the first entry held now (zero: none)
};

struct TrimReport {
  Position keep_from;
  TrimmedLog events;
  TrimmedLog results;
};

class LogTrimmer {
 public:
  virtual ~LogTrimmer() = default;

  // Removes the entries (and results) before `keep_from`, which must not be zero.
  // Operating errors throw std::runtime_error; what was removed before stays removed.
  virtual TrimReport trim(Position keep_from) = 0;
};

}  // namespace lmx
