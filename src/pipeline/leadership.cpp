#include "pipeline/leadership.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "lmx/core/engine_observer.hpp"

namespace lmx {
namespace {

// How far a standby's business logic may run ahead of the primary's results, in results.
constexpr std::size_t standby_kept_max = 65536;
// How often a waiting standby asks for the primary's newest result.
constexpr std::chrono::milliseconds primary_poll{2};

}  // namespace

std::string_view role_name(Role role) noexcept {
  return role == Role::primary ? role_primary : role_standby;
}

Leadership::Leadership(Lease& lease, Fence& fence, ResultWriter& results, bool standby,
                       const std::atomic<bool>& stop, Clock::time_point start)
    : lease_(lease),
      fence_(fence),
      results_(results),
      stop_(stop),
      next_attempt_(standby ? start + lease.ttl() : start),
      role_(Role::standby) {
  fence_.set(0);
}

void Leadership::tick(Clock::time_point now) {
  if (now < next_attempt_) return;
  // Only this thread makes a standby a primary; a demotion it has not seen yet set the
  // epoch to zero, and an epoch of zero is not renewed.
  const Role role = this->role();
  try {
    if (role == Role::primary) {
      next_attempt_ = now + lease_.ttl() / 3;
      const std::uint64_t epoch = fence_.epoch();
      if (epoch != 0 && !lease_.renew(epoch)) {
        const std::lock_guard lock(mutex_);
        demote("the lease was taken by another engine");
      }
      return;
    }
    next_attempt_ = now + std::max(lease_.ttl() / 10, std::chrono::milliseconds{10});
    if (const std::optional<std::uint64_t> epoch = lease_.try_acquire()) {
      const std::lock_guard lock(mutex_);
      promote(*epoch);
    }
  } catch (const Fenced& e) {
    const std::lock_guard lock(mutex_);
    demote(e.what());
  } catch (const std::exception& e) {
    // Redis unreachable: the lease lapses if this goes on, and the fence keeps the writes
    // right whoever holds it.
    spdlog::warn("lease of the log: {}; trying again", e.what());
  }
}

void Leadership::release() {
  const std::uint64_t epoch = fence_.epoch();
  if (role() != Role::primary || epoch == 0) return;
  try {
    lease_.release(epoch);
    spdlog::info("released the lease (epoch {})", epoch);
  } catch (const std::exception& e) {
    spdlog::warn("releasing the lease: {}; it lapses in {} ms", e.what(), lease_.ttl().count());
  }
}

void Leadership::announce(std::string_view owner, Position position, const LogLag& lag,
                          std::uint64_t applied) {
  try {
    lease_.announce(fmt::format(
        R"({{"owner":"{}","role":"{}","epoch":{},"position":"{}","lag":"{}","applied":{},)"
        R"("kept_results":{}}})",
        owner, role_name(role()), epoch(), position.to_string(), lag.to_string(), applied, kept()));
  } catch (const std::exception& e) {
    spdlog::warn("announcing this engine's status: {}", e.what());
  }
}

void Leadership::promote(std::uint64_t epoch) {
  fence_.set(epoch);
  // No result can be added behind this read: the new epoch fences the old primary.
  const Position written = results_.last_answered().position;
  skip_through_ = std::max(skip_through_, written);
  drop_written(written);
  const std::size_t count = kept_.size();
  if (!kept_.empty()) {
    const std::vector<Result> batch(kept_.begin(), kept_.end());
    try {
      results_.write(batch);
    } catch (const Fenced& e) {
      demote(e.what());
      return;
    }
    kept_.clear();
    kept_view_.store(0, std::memory_order_relaxed);  // display only
  }
  role_.store(Role::primary, std::memory_order_relaxed);
  spdlog::info(
      "took the lease with epoch {}: primary; results through {} were written before, "
      "{} more written now",
      epoch, written.to_string(), count);
}

void Leadership::demote(std::string_view why) {
  if (role() == Role::standby) return;
  spdlog::error(
      "no longer the primary (epoch {}): {}; writing nothing more, carrying on as a "
      "standby",
      fence_.epoch(), why);
  fence_.set(0);
  role_.store(Role::standby, std::memory_order_relaxed);
}

void Leadership::keep(std::span<const Result> results) {
  kept_.insert(kept_.end(), results.begin(), results.end());
  kept_view_.store(kept_.size(), std::memory_order_relaxed);  // display only
}

void Leadership::drop_written(Position written_through) {
  while (!kept_.empty() && !(written_through < kept_.front().position)) kept_.pop_front();
  kept_view_.store(kept_.size(), std::memory_order_relaxed);  // display only
}

void Leadership::write(std::span<const Result> results) {
  std::unique_lock lock(mutex_);
  if (role() == Role::primary) {
    const auto first = std::find_if(results.begin(), results.end(),
                                    [&](const Result& r) { return skip_through_ < r.position; });
    const std::span<const Result> pending =
        results.subspan(static_cast<std::size_t>(first - results.begin()));
    if (pending.empty()) return;
    try {
      results_.write(pending);
      return;
    } catch (const Fenced& e) {
      demote(e.what());
    }
    keep(pending);
  } else {
    keep(results);
  }
  if (kept_.size() > standby_kept_max / 2) wait_for_primary(lock);
}

// Drops what the primary has written; while more than standby_kept_max remain, waits for it
// to write more (or for a promotion, or a shutdown: the primary writes them, not this one).
void Leadership::wait_for_primary(std::unique_lock<std::mutex>& lock) {
  for (;;) {
    drop_written(results_.last_answered().position);
    // relaxed: the flag carries no data; a late look only delays the stop by one poll.
    if (kept_.size() <= standby_kept_max || role() == Role::primary ||
        stop_.load(std::memory_order_relaxed)) {
      return;
    }
    lock.unlock();
    std::this_thread::sleep_for(primary_poll);
    lock.lock();
  }
}

bool Leadership::results_pending() {
  const std::lock_guard lock(mutex_);
  if (kept_.empty()) return false;
  drop_written(results_.last_answered().position);
  return !kept_.empty();
}

void Leadership::sync() {
  const std::lock_guard lock(mutex_);
  if (role() == Role::primary) results_.sync();
}

EntryRef Leadership::last_answered() {
  const std::lock_guard lock(mutex_);
  return results_.last_answered();
}

void Leadership::discard_after(Position position) {
  const std::lock_guard lock(mutex_);
  results_.discard_after(position);
}

}  // namespace lmx
