#pragma once
// A Sequence is a 64-bit counter that one thread advances and others read: a producer's
// cursor, or how far a consumer has got. It owns a whole cache line so that two hot
// sequences written by different threads never invalidate each other's line.

#include <atomic>
#include <cstdint>

#include "lmx/disruptor/limits.hpp"

namespace lmx::disruptor {

// Every sequence starts here: "nothing claimed, nothing processed yet".
inline constexpr std::int64_t initial_sequence = -1;

// True when `a` comes before `b`. Sequences are compared by signed difference (computed in
// unsigned arithmetic, so it is defined behaviour) so that ordering never depends on
// where the counters started; in practice 64 bits never wrap.
[[nodiscard]] constexpr bool precedes(std::int64_t a, std::int64_t b) noexcept {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b)) <
         0;
}

// The later of two sequences, by difference.
[[nodiscard]] constexpr std::int64_t latest(std::int64_t a, std::int64_t b) noexcept {
  return precedes(a, b) ? b : a;
}

// The earlier of two sequences, by difference.
[[nodiscard]] constexpr std::int64_t earliest(std::int64_t a, std::int64_t b) noexcept {
  return precedes(a, b) ? a : b;
}

class alignas(cache_line_size) Sequence {
 public:
  explicit Sequence(std::int64_t initial = initial_sequence) noexcept : value_(initial) {}
  Sequence(const Sequence&) = delete;
  Sequence& operator=(const Sequence&) = delete;

  [[nodiscard]] std::int64_t get() const noexcept {
    // acquire: pairs with set(); whatever the writer did before set(v) is visible after this.
    return value_.load(std::memory_order_acquire);
  }

  void set(std::int64_t value) noexcept {
    // release: publishes every write made before it (slot contents, handler effects).
    value_.store(value, std::memory_order_release);
  }

  [[nodiscard]] bool compare_and_set(std::int64_t expected, std::int64_t desired) noexcept {
    // acq_rel: success both observes the previous owner's writes and publishes ours;
    // acquire on failure so the caller's retry reads a fresh, ordered value.
    return value_.compare_exchange_strong(expected, desired, std::memory_order_acq_rel,
                                          std::memory_order_acquire);
  }

  std::int64_t add_and_get(std::int64_t increment) noexcept {
    // acq_rel: producers claiming with fetch_add must see each other's claims in one order.
    return value_.fetch_add(increment, std::memory_order_acq_rel) + increment;
  }

 private:
  std::atomic<std::int64_t> value_;
};

static_assert(std::atomic<std::int64_t>::is_always_lock_free,
              "sequences are read on every event; a lock here would serialise the ring");
static_assert(sizeof(Sequence) == cache_line_size,
              "a Sequence fills exactly one cache line so neighbours never share it");
static_assert(alignof(Sequence) == cache_line_size,
              "a Sequence starts on a cache line boundary so it never straddles two");

}  // namespace lmx::disruptor
