#pragma once
// Saves snapshots on a thread of its own, so that neither the business logic nor the
// result stage waits for serialization or I/O.
//
// One snapshot is in flight at a time, passed along the pipeline as a token:
//
//   control thread   request()         idle -> requested
//   logic stage      take_request()    requested -> taken, at a batch boundary; it copies
//                                      the state into a checkpoint on the output ring
//                    (release_request() taken -> idle when nothing changed since the last)
//   result stage     save()            on reaching the checkpoint, after syncing the
//                                      results before it: hands the snapshot over
//   snapshotter      (saved)           taken -> idle
//
// So a snapshot is saved only once every result it covers is durable, by the ring's order
// alone. Given a trimmer, the snapshotter then trims the log to the oldest snapshot kept
// (log_trim.hpp), on its own thread: the business logic never waits for it, and a failed
// trim is logged, not fatal (the log keeps those entries until the next one).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "lmx/core/log_trimmer.hpp"
#include "lmx/core/snapshot_store.hpp"

namespace lmx {

class Snapshotter {
 public:
  // `trimmer` (null: never trim) trims the log after each snapshot saved.
  explicit Snapshotter(SnapshotStore& store, LogTrimmer* trimmer = nullptr);
  ~Snapshotter();
  Snapshotter(const Snapshotter&) = delete;
  Snapshotter& operator=(const Snapshotter&) = delete;

  // Control thread: asks for a snapshot; false when one is already in flight.
  [[nodiscard]] bool request() noexcept;

  // Logic stage: true when a snapshot was requested; it is then taken (in flight).
  [[nodiscard]] bool take_request() noexcept;

  // Logic stage: the taken request needs no snapshot (the state has not moved).
  void release_request() noexcept;

  // Result stage: saves `snapshot` in the background; its results are durable. Waits only
  // while an earlier snapshot is still being saved, which happens only when a shutdown's
  // final snapshot follows a requested one.
  void save(std::unique_ptr<Snapshot> snapshot);

  // Waits until every handed-over snapshot is saved. Rethrows a save failure.
  void flush();

  // The newest snapshot saved here (position zero when none yet).
  [[nodiscard]] SavedSnapshot last_saved() const;

 private:
  enum class Token : std::uint8_t { idle, requested, taken };

  void loop(const std::stop_token& stop);
  bool save_now(const Snapshot& snapshot);  // false: failed (logged, kept for flush())
  void trim_now();

  SnapshotStore& store_;
  LogTrimmer* trimmer_;
  std::atomic<Token> token_{Token::idle};
  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  std::unique_ptr<Snapshot> pending_;  // guarded by mutex_
  bool busy_ = false;                  // guarded by mutex_: pending or being saved
  SavedSnapshot last_saved_;           // guarded by mutex_
  std::exception_ptr failure_;         // guarded by mutex_
  std::jthread thread_;
};

}  // namespace lmx
