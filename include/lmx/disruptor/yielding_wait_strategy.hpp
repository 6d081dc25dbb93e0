#pragma once
// Spins a little, then yields the core between checks. Near busy-spin latency while letting
// other runnable threads in: the right default when threads outnumber cores.

#include <cstdint>
#include <thread>

#include "lmx/disruptor/wait_strategy.hpp"

namespace lmx::disruptor {

class YieldingWaitStrategy {
 public:
  template <class Barrier>
  [[nodiscard]] std::int64_t wait_for(std::int64_t sequence, const Barrier& barrier) noexcept {
    int spins_left = spin_count;
    return detail::wait_on_dependents(sequence, barrier, [&spins_left] {
      if (spins_left > 0) {
        --spins_left;
        cpu_relax();
      } else {
        std::this_thread::yield();
      }
    });
  }

  void signal_all_when_blocking() noexcept {}

 private:
  // Checks made before the first yield; the same figure the Java Disruptor uses.
  static constexpr int spin_count = 100;
};

}  // namespace lmx::disruptor
