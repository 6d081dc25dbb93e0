#pragma once
// How a consumer waits for a sequence. Wait strategies are template policies (no virtual
// call on the hot path); each provides
//
//   template <class Barrier>
//   std::int64_t wait_for(std::int64_t sequence, const Barrier& barrier) noexcept;
//   void signal_all_when_blocking() noexcept;   // called by the sequencer on every publish
//
// wait_for returns the barrier's dependent sequence once it has reached `sequence`. It
// returns earlier (with a value that precedes `sequence`) only when the barrier is alerted
// or, for the timeout strategy, when the timeout passes. The barrier offers:
//   dependent_sequence()  the slowest upstream sequence (the ring cursor if none)
//   cursor()              the ring's cursor, the sequence blocking strategies sleep on
//   is_alerted()          true once someone asked the waiting consumer to look up
//
// busy_spin_wait_strategy.hpp      lowest latency, burns a core per consumer
// yielding_wait_strategy.hpp       spins, then yields the core between checks
// sleeping_wait_strategy.hpp       spins, yields, then sleeps: quiet when idle
// blocking_wait_strategy.hpp       condition variable: no CPU when idle
// timeout_blocking_wait_strategy.hpp  as blocking, but returns after a timeout so the
//                                  consumer can do periodic work while idle

#include <cstdint>

#include "lmx/disruptor/sequence.hpp"

namespace lmx::disruptor {

// Tells the CPU we are spinning: frees pipeline resources for the sibling hyperthread and
// avoids the memory-order mis-speculation penalty when the awaited line finally changes.
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

namespace detail {

// Spins until the barrier's dependent sequence reaches `sequence` or the barrier is alerted,
// calling `backoff()` after each miss. Every strategy ends its wait here: blocking ones
// first sleep on the cursor, then spin here for the (short) gap to the upstream consumers.
template <class Barrier, class Backoff>
[[nodiscard]] std::int64_t wait_on_dependents(std::int64_t sequence, const Barrier& barrier,
                                              Backoff&& backoff) noexcept {
  std::int64_t available = barrier.dependent_sequence();
  while (precedes(available, sequence)) {
    if (barrier.is_alerted()) return available;
    backoff();
    available = barrier.dependent_sequence();
  }
  return available;
}

}  // namespace detail
}  // namespace lmx::disruptor
