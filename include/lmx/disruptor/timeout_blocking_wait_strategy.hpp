#pragma once
// As BlockingWaitStrategy, but gives up after `timeout` with nothing new, so the consumer
// gets control back while idle: the batch event processor then calls its handler's
// on_timeout(sequence), which the engine uses for periodic work (status lines, snapshots).

#include <chrono>
#include <cstdint>
#include <stdexcept>

#include "lmx/disruptor/blocking_wait_strategy.hpp"

namespace lmx::disruptor {

class TimeoutBlockingWaitStrategy {
 public:
  explicit TimeoutBlockingWaitStrategy(std::chrono::nanoseconds timeout) : timeout_(timeout) {
    if (timeout.count() <= 0) {
      throw std::invalid_argument(
          "wait timeout must be positive; use BlockingWaitStrategy to wait without one");
    }
  }

  // On timeout, returns the current dependent sequence, which precedes `sequence`.
  template <class Barrier>
  [[nodiscard]] std::int64_t wait_for(std::int64_t sequence, const Barrier& barrier) noexcept {
    if (precedes(barrier.cursor(), sequence) &&
        !sleeper_.sleep_until_published(sequence, barrier,
                                        std::chrono::steady_clock::now() + timeout_)) {
      return barrier.dependent_sequence();
    }
    return detail::wait_on_dependents(sequence, barrier, detail::yield_backoff);
  }

  void signal_all_when_blocking() noexcept { sleeper_.wake_all(); }

  // Consumers asleep in this strategy now (see CursorSleeper::sleeper_count()).
  [[nodiscard]] int sleeper_count() const noexcept { return sleeper_.sleeper_count(); }

  [[nodiscard]] std::chrono::nanoseconds timeout() const noexcept { return timeout_; }

 private:
  detail::CursorSleeper sleeper_;
  std::chrono::nanoseconds timeout_;
};

}  // namespace lmx::disruptor
