#include "pipeline/snapshotter.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lmx/assert.hpp"
#include "lmx/core/lease.hpp"
#include "pipeline/log_trim.hpp"

namespace lmx {

Snapshotter::Snapshotter(SnapshotStore& store, LogTrimmer* trimmer)
    : store_(store),
      trimmer_(trimmer),
      thread_([this](const std::stop_token& stop) { loop(stop); }) {}

Snapshotter::~Snapshotter() {
  thread_.request_stop();
  changed_.notify_all();
}

bool Snapshotter::request() noexcept {
  Token expected = Token::idle;
  // release: pairs with the acquire in take_request(); the token carries no other data.
  return token_.compare_exchange_strong(expected, Token::requested, std::memory_order_release,
                                        std::memory_order_relaxed);
}

bool Snapshotter::take_request() noexcept {
  Token expected = Token::requested;
  // acquire: pairs with the release in request().
  return token_.compare_exchange_strong(expected, Token::taken, std::memory_order_acquire,
                                        std::memory_order_relaxed);
}

void Snapshotter::release_request() noexcept {
  // relaxed: only the logic stage holds a taken token, and nothing was written for it.
  const Token previous = token_.exchange(Token::idle, std::memory_order_relaxed);
  LMX_ASSERT(previous == Token::taken);
}

void Snapshotter::save(std::unique_ptr<Snapshot> snapshot) {
  LMX_ASSERT(snapshot != nullptr);
  LMX_ASSERT(!snapshot->position.is_zero());
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !busy_; });
    pending_ = std::move(snapshot);
    busy_ = true;
  }
  changed_.notify_all();
}

void Snapshotter::flush() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !busy_; });
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

SavedSnapshot Snapshotter::last_saved() const {
  const std::lock_guard lock(mutex_);
  return last_saved_;
}

void Snapshotter::loop(const std::stop_token& stop) {
  for (;;) {
    std::unique_ptr<Snapshot> snapshot;
    {
      std::unique_lock lock(mutex_);
      if (!changed_.wait(lock, stop, [&] { return pending_ != nullptr; })) return;
      snapshot = std::move(pending_);
    }
    if (save_now(*snapshot) && trimmer_ != nullptr) trim_now();
    // release: a control thread that sees `idle` may request the next snapshot; the
    // state it copies is the logic stage's, not this one's, so nothing else is published.
    token_.store(Token::idle, std::memory_order_release);
    {
      const std::lock_guard lock(mutex_);
      busy_ = false;
    }
    changed_.notify_all();
  }
}

bool Snapshotter::save_now(const Snapshot& snapshot) {
  std::exception_ptr failure;
  SavedSnapshot saved;
  try {
    const auto start = std::chrono::steady_clock::now();
    saved = store_.save(snapshot);
    saved.save_time = std::chrono::steady_clock::now() - start;
    spdlog::info(
        "snapshot saved at position {} ({} users, {} items, {} bytes in {:.3f} s, "
        "digest {:016x})",
        snapshot.position.to_string(), snapshot.users.size(), snapshot.items.size(), saved.bytes,
        std::chrono::duration<double>(saved.save_time).count(), saved.digest);
  } catch (const Fenced& e) {
    // Not a failure of this engine: another one is the primary, and saves the snapshots. A
    // standby is fenced at every snapshot, so this is only news (a primary that loses its
    // lease reports that as an error where its results are refused: leadership.cpp).
    spdlog::info("snapshot at position {} not saved: {}", snapshot.position.to_string(), e.what());
    return false;
  } catch (const std::exception& e) {
    spdlog::error("snapshot at position {} not saved: {}", snapshot.position.to_string(), e.what());
    failure = std::current_exception();
  }
  const std::lock_guard lock(mutex_);
  // A later snapshot that saves clears an earlier failure: the engine goes on through a
  // passing outage, and only a failure that is still the latest stops it at flush().
  failure_ = failure;
  if (!failure) {
    LMX_ASSERT(last_saved_.position < snapshot.position);
    last_saved_ = saved;
  }
  return !failure;
}

void Snapshotter::trim_now() {
  try {
    std::vector<std::string> problems;
    const std::optional<TrimReport> report = trim_to_oldest_snapshot(store_, *trimmer_, problems);
    for (const std::string& problem : problems) spdlog::warn("snapshot skipped: {}", problem);
    if (report) spdlog::info("trimmed the log {}", describe_trim(*report));
  } catch (const std::exception& e) {
    spdlog::error("trimming the log failed: {}; it keeps those entries until the next trim",
                  e.what());
  }
}

}  // namespace lmx
