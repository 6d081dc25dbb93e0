#pragma once
// Spins, then yields, then sleeps between checks. Costs little CPU when idle at the price of
// up to `sleep` of extra latency; suits background consumers (snapshots, metrics).

#include <chrono>
#include <cstdint>
#include <thread>

#include "lmx/disruptor/wait_strategy.hpp"

namespace lmx::disruptor {

class SleepingWaitStrategy {
 public:
  SleepingWaitStrategy() noexcept = default;
  explicit SleepingWaitStrategy(std::chrono::nanoseconds sleep) noexcept : sleep_(sleep) {}

  template <class Barrier>
  [[nodiscard]] std::int64_t wait_for(std::int64_t sequence, const Barrier& barrier) noexcept {
    int retries_left = spin_count + yield_count;
    return detail::wait_on_dependents(sequence, barrier, [&retries_left, this] {
      if (retries_left > yield_count) {
        --retries_left;
        cpu_relax();
      } else if (retries_left > 0) {
        --retries_left;
        std::this_thread::yield();
      } else {
        std::this_thread::sleep_for(sleep_);
      }
    });
  }

  void signal_all_when_blocking() noexcept {}

 private:
  static constexpr int spin_count = 100;
  static constexpr int yield_count = 100;
  std::chrono::nanoseconds sleep_{std::chrono::microseconds(100)};
};

}  // namespace lmx::disruptor
