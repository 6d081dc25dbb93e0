#include "pipeline/snapshotter.hpp"

#include <spdlog/spdlog.h>

#include <cassert>
#include <chrono>
#include <functional>

namespace lmx {

Snapshotter::Snapshotter(SnapshotStore& store,
                         std::function<bool(std::int64_t)> results_durable_through)
    : store_(store),
      results_durable_through_(std::move(results_durable_through)),
      thread_([this](const std::stop_token& stop) { loop(stop); }) {}

Snapshotter::~Snapshotter() {
  thread_.request_stop();
  changed_.notify_all();
}

bool Snapshotter::idle() const noexcept {
  const std::lock_guard lock(mutex_);
  return !busy_;
}

void Snapshotter::submit(std::unique_ptr<Snapshot> snapshot, std::int64_t output_sequence) {
  assert(snapshot != nullptr);
  {
    const std::lock_guard lock(mutex_);
    assert(!busy_ && "one snapshot in flight at a time");
    pending_ = std::move(snapshot);
    pending_sequence_ = output_sequence;
    busy_ = true;
  }
  changed_.notify_all();
}

void Snapshotter::flush() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !busy_; });
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

Position Snapshotter::last_saved() const noexcept {
  const std::lock_guard lock(mutex_);
  return last_saved_;
}

void Snapshotter::loop(const std::stop_token& stop) {
  for (;;) {
    std::unique_ptr<Snapshot> snapshot;
    std::int64_t after = -1;
    {
      std::unique_lock lock(mutex_);
      if (!changed_.wait(lock, stop, [&] { return pending_ != nullptr; })) return;
      snapshot = std::move(pending_);
      after = pending_sequence_;
    }
    // The results this snapshot covers must be durable first. The result writer syncs at
    // its next batch end or idle timeout; poll briefly rather than couple the two threads.
    while (!results_durable_through_(after)) {
      if (stop.stop_requested()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::exception_ptr failure;
    try {
      store_.save(*snapshot);
      spdlog::info("snapshot saved at position {} ({} users, {} items)",
                   snapshot->position.to_string(), snapshot->users.size(), snapshot->items.size());
    } catch (const std::exception& e) {
      spdlog::error("snapshot at position {} not saved: {}", snapshot->position.to_string(),
                    e.what());
      failure = std::current_exception();
    }
    {
      const std::lock_guard lock(mutex_);
      if (!failure) last_saved_ = snapshot->position;
      failure_ = failure;
      busy_ = false;
    }
    changed_.notify_all();
  }
}

}  // namespace lmx
