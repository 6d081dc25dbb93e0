#pragma once
// Sleeps on a condition variable until the ring cursor moves; uses no CPU while idle. The
// sequencer calls signal_all_when_blocking() after each publish, which costs one atomic
// read-modify-write unless a consumer is actually asleep, and wakes every barrier waiting
// on it.

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
// (an acq_rel read-modify-write) before it looks at the cursor; a publisher stores the
// cursor, then reads `sleepers_` with an acq_rel read-modify-write too. The two RMWs are
// ordered: if the publisher's comes first, the waiter's synchronises with it and sees the
// new cursor; if the waiter's comes first, the publisher sees a sleeper and wakes it.
// (RMWs rather than fences: ThreadSanitizer cannot check fences.)
class CursorSleeper {
 public:
  // Sleeps until the cursor reaches `sequence`, the barrier is alerted, or `deadline`
  // passes. Returns true when the cursor reached `sequence`.
  template <class Barrier>
  bool sleep_until_published(std::int64_t sequence, const Barrier& barrier,
                             std::optional<std::chrono::steady_clock::time_point> deadline) {
    std::unique_lock lock(mutex_);
    // acq_rel: see the class comment; pairs with the RMW in wake_all().
    sleepers_.fetch_add(1, std::memory_order_acq_rel);
    bool published = false;
    for (;;) {
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
    // acq_rel RMW, not a load: it reads the latest count, and a sleeper counting itself
    // after it synchronises with it and so sees the cursor stored before this call.
    if (sleepers_.fetch_add(0, std::memory_order_acq_rel) == 0) return;
    // Taking the lock waits out a sleeper between its cursor check and its wait().
    { std::lock_guard lock(mutex_); }
    condition_.notify_all();
  }

  // Waiters inside sleep_until_published(). Each counts itself under the lock before it
  // checks the cursor, so one counted while nothing new is published is asleep in wait()
  // or holds the lock on its way there: only a wake_all() (a publish or an alert) gets it
  // out. Lets tests publish only once a waiter is surely asleep.
  [[nodiscard]] int sleeper_count() const noexcept {
    // acquire: pairs with the waiter's acq_rel increment, made after it took the lock.
    return sleepers_.load(std::memory_order_acquire);
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

  // Consumers asleep in this strategy now (see CursorSleeper::sleeper_count()).
  [[nodiscard]] int sleeper_count() const noexcept { return sleeper_.sleeper_count(); }

 private:
  detail::CursorSleeper sleeper_;
};

}  // namespace lmx::disruptor
