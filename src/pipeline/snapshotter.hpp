#pragma once
// Writes snapshots on a thread of its own, so the business logic thread pays only for the
// flat copy of its state. A snapshot taken after output sequence S is saved only once the
// results up to S are durable in the results log, so recovery from that snapshot can never
// leave a result missing.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "lmx/core/snapshot_store.hpp"

namespace lmx {

class Snapshotter {
 public:
  // `results_durable_through(S)` asks for the results up to output sequence S to be made
  // durable and says whether they are; the snapshotter polls it before saving.
  Snapshotter(SnapshotStore& store, std::function<bool(std::int64_t)> results_durable_through);
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
  std::function<bool(std::int64_t)> results_durable_through_;
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
