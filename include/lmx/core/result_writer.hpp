#pragma once
// Publishing results (one per input entry) to the results log of a backend: the results
// journal of the file backend, or the `<stream>:results` stream in Redis.

#include <span>

#include "lmx/core/entry_ref.hpp"
#include "lmx/core/result.hpp"

namespace lmx {

class ResultWriter {
 public:
  virtual ~ResultWriter() = default;

  // Publishes a batch of results in order (one write per batch). Results are derived and
  // may be published again after a crash: consumers deduplicate by input position.
  // Throws std::runtime_error on an operating error.
  virtual void write(std::span<const Result> results) = 0;

  // Lets results the log held back in, if what they wait for is done, without waiting:
  // the file backend holds back those written while its results journal rolls to a new
  // segment, until the old one is durable (docs/FORMATS.md), and lets them in at the next
  // write or sync otherwise. For an engine with no results to write for a while. Throws
  // like write().
  virtual void release_held() {}

  // Makes every result written so far durable. The engine calls it before saving a
  // snapshot, so a snapshot never covers results a power loss could take back.
  virtual void sync() = 0;

  // The entry the newest result in the results log answers (a zero position when there is
  // none), so that a restarted engine knows from where results are still missing, and can
  // check that they still answer the entries the log holds.
  [[nodiscard]] virtual EntryRef last_answered() = 0;

  // Removes every result for a position after `position`: they answer entries the log no
  // longer holds, and the engine writes them anew. Throws std::runtime_error where the
  // backend cannot (a Redis stream never gives an id twice, so its results never need it).
  virtual void discard_after(Position position) = 0;
};

}  // namespace lmx
