#pragma once
// Sleeps on a condition variable until the ring cursor moves; uses no CPU while idle. The
// sequencer calls signal_all_when_blocking() after each publish, which costs one fence and
// one load unless a consumer is actually asleep, and wakes every barrier waiting on it.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>

#include "lmx/disruptor/wait_strategy.hpp"

namespace lmx::disruptor {
namespace detail {

// The sleeping half of the blocking strategies. A waiter counts itself in `sleepers_`
// before its last look at the cursor; a publisher stores the cursor before looking at
// `sleepers_`. With a seq_cst fence on each side, at least one of them sees the other, so
// either the waiter sees the new cursor or the publisher sees the waiter and wakes it.
class CursorSleeper {
 public:
  // Sleeps until the cursor reaches `sequence`, the barrier is alerted, or `deadline`
  // passes. Returns true when the cursor reached `sequence`.
  template <class Barrier>
  bool sleep_until_published(std::int64_t sequence, const Barrier& barrier,
                             std::optional<std::chrono::steady_clock::time_point> deadline) {
    std::unique_lock lock(mutex_);
    // relaxed: the fence below orders this increment before the cursor reads.
    sleepers_.fetch_add(1, std::memory_order_relaxed);
    bool published = false;
    for (;;) {
      // seq_cst fence: store-load barrier against the publisher's fence in wake_all().
      std::atomic_thread_fence(std::memory_order_seq_cst);
      published = !precedes(barrier.cursor(), sequence);
      if (published || barrier.is_alerted()) break;
      if (!deadline) {
        condition_.wait(lock);
      } else if (condition_.wait_until(lock, *deadline) == std::cv_status::timeout) {
        published = !precedes(barrier.cursor(), sequence);
        break;
      }
    }
    // relaxed: only a count; the mutex orders it against the next sleeper.
    sleepers_.fetch_sub(1, std::memory_order_relaxed);
    return published;
  }

  void wake_all() noexcept {
    // seq_cst fence: the cursor store before this is ordered before the sleepers_ load.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    // relaxed: ordered by the fence above; a stale non-zero only costs a spurious notify.
    if (sleepers_.load(std::memory_order_relaxed) == 0) return;
    // Taking the lock waits out a sleeper between its cursor check and its wait().
    { std::lock_guard lock(mutex_); }
    condition_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable condition_;
  std::atomic<int> sleepers_{0};
};

// After the cursor, the upstream consumers are usually a step behind: yield, don't sleep.
inline void yield_backoff() noexcept {
  std::this_thread::yield();
}

}  // namespace detail

class BlockingWaitStrategy {
 public:
  template <class Barrier>
  [[nodiscard]] std::int64_t wait_for(std::int64_t sequence, const Barrier& barrier) noexcept {
    if (precedes(barrier.cursor(), sequence) &&
        !sleeper_.sleep_until_published(sequence, barrier, std::nullopt)) {
      return barrier.dependent_sequence();
    }
    return detail::wait_on_dependents(sequence, barrier, detail::yield_backoff);
  }

  void signal_all_when_blocking() noexcept { sleeper_.wake_all(); }

 private:
  detail::CursorSleeper sleeper_;
};

}  // namespace lmx::disruptor
