#pragma once
// Writes snapshots on a thread of its own, so the business logic thread pays only for the
// flat copy of its state. A snapshot taken after output sequence S is saved only once the
// result writer has passed S: every result up to the snapshot's position is then in the
// results log, so recovery from that snapshot can never leave a result missing.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "lmx/snapshot/snapshot_store.hpp"

namespace lmx {

class Snapshotter {
 public:
  // `results_done` reads the output sequence the result writer has finished with.
  Snapshotter(SnapshotStore& store, std::function<std::int64_t()> results_done);
  ~Snapshotter();
  Snapshotter(const Snapshotter&) = delete;
  Snapshotter& operator=(const Snapshotter&) = delete;

  // True when no snapshot is waiting or being written: a new one may be taken.
  [[nodiscard]] bool idle() const noexcept;

  // Hands over a snapshot taken after output sequence `output_sequence`. Never blocks on
  // I/O. The caller checked idle() (only one snapshot is in flight at a time).
  void submit(std::unique_ptr<Snapshot> snapshot, std::int64_t output_sequence);

  // Waits until the submitted snapshot (if any) is saved. Rethrows a save failure.
  void flush();

  // Position of the newest snapshot saved by this snapshotter (zero when none yet).
  [[nodiscard]] Position last_saved() const noexcept;

 private:
  void loop(const std::stop_token& stop);

  SnapshotStore& store_;
  std::function<std::int64_t()> results_done_;
  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  std::unique_ptr<Snapshot> pending_;   // guarded by mutex_
  std::int64_t pending_sequence_ = -1;  // guarded by mutex_
  bool busy_ = false;                   // guarded by mutex_
  Position last_saved_;                 // guarded by mutex_
  std::exception_ptr failure_;          // guarded by mutex_
  std::jthread thread_;
};

}  // namespace lmx
