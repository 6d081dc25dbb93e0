#pragma once
// Spins on the dependent sequence without ever giving up the core. Lowest latency; use only
// when each consumer thread has a core of its own.

#include <cstdint>

#include "lmx/disruptor/wait_strategy.hpp"

namespace lmx::disruptor {

class BusySpinWaitStrategy {
 public:
  template <class Barrier>
  [[nodiscard]] std::int64_t wait_for(std::int64_t sequence, const Barrier& barrier) noexcept {
    return detail::wait_on_dependents(sequence, barrier, [] { cpu_relax(); });
  }

  void signal_all_when_blocking() noexcept {}
};

}  // namespace lmx::disruptor
