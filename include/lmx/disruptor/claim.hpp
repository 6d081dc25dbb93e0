#pragma once
// A claim on a run of ring slots that publishes them when it goes out of scope, so a slot
// that was claimed cannot be left unpublished (which would stall every consumer). If the
// code filling the slots throws, the slots are still published, holding whatever was
// written: consumers must tolerate that, or the filling code must not throw.

#include <cassert>
#include <cstddef>
#include <cstdint>

namespace lmx::disruptor {

template <class Ring>
class [[nodiscard]] Claim {
 public:
  using event_type = typename Ring::event_type;

  Claim(const Claim&) = delete;
  Claim& operator=(const Claim&) = delete;
  ~Claim() { ring_.publish(first_, last_); }

  // The first claimed slot (the only one for a one-slot claim).
  [[nodiscard]] event_type& operator*() const noexcept { return ring_[first_]; }
  [[nodiscard]] event_type* operator->() const noexcept { return &ring_[first_]; }

  // The `index`-th claimed slot, counting from 0.
  [[nodiscard]] event_type& operator[](std::int64_t index) const noexcept {
    assert(index >= 0);
    assert(index < count());
    return ring_[first_ + index];
  }

  [[nodiscard]] std::int64_t first() const noexcept { return first_; }
  [[nodiscard]] std::int64_t last() const noexcept { return last_; }
  [[nodiscard]] std::int64_t count() const noexcept { return last_ - first_ + 1; }

 private:
  friend Ring;
  Claim(Ring& ring, std::int64_t first, std::int64_t last) noexcept
      : ring_(ring), first_(first), last_(last) {
    assert(count() >= 1);
  }

  Ring& ring_;
  std::int64_t first_;
  std::int64_t last_;
};

}  // namespace lmx::disruptor
