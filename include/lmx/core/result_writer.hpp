#pragma once
// Publishing results (one per input entry) to the results log of a backend: the results
// journal of the file backend, or the `<stream>:results` stream in Redis.

#include <span>

#include "lmx/core/result.hpp"

namespace lmx {

class ResultWriter {
 public:
  virtual ~ResultWriter() = default;

  // Publishes a batch of results in order (one write per batch). Results are derived and
  // may be published again after a crash: consumers deduplicate by input position.
  // Throws std::runtime_error on an operating error.
  virtual void write(std::span<const Result> results) = 0;

  // Makes every result written so far durable. The engine calls it before saving a
  // snapshot, so a snapshot never covers results a power loss could take back.
  virtual void sync() = 0;

  // Position of the newest result already in the results log (zero when none), so that a
  // restarted engine knows from where results are still missing.
  [[nodiscard]] virtual Position last_position() = 0;
};

}  // namespace lmx
