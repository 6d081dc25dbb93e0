#include "pipeline/reader_stage.hpp"

#include <chrono>

#include "lmx/assert.hpp"
#include "lmx/constants.hpp"

namespace lmx {
namespace {

using Clock = std::chrono::steady_clock;

// Adds the time since `start` to `total`, of which the caller is the only writer.
void add_since(std::atomic<std::int64_t>& total, Clock::time_point start) noexcept {
  const auto elapsed = std::chrono::nanoseconds(Clock::now() - start).count();
  total.store(total.load(std::memory_order_relaxed) + elapsed,
              std::memory_order_relaxed);  // relaxed: a status figure on its own
}

}  // namespace

void ReaderStage::run() {
  // acquire: pairs with the release store in stop().
  while (!stop_.load(std::memory_order_acquire)) {
    const auto fetch_start = Clock::now();
    const std::size_t count = reader_.fetch(reader_batch_size, fetch_wait_);
    add_since(fetch_ns_, fetch_start);
    if (count > 0) {
      if (inline_logic_ != nullptr) {
        inline_logic_->apply_fetched(window_, count);
      } else {
        publish_batch(count);
      }
    } else if (exit_when_caught_up_) {
      return;
    } else if (inline_logic_ != nullptr) {
      inline_logic_->on_timeout(-1);
    }
  }
}

void ReaderStage::publish_batch(std::size_t count) {
  LMX_ASSERT(count <= reader_batch_size);
  const auto n = static_cast<std::int64_t>(count);
  const auto claim_start = Clock::now();
  const std::int64_t last = claim_or_abort(ring_, n, abort_);
  add_since(ring_wait_ns_, claim_start);
  const std::int64_t first = last - n + 1;
  for (std::int64_t i = 0; i < n; ++i) {
    Event& event = ring_[first + i];
    reader_.decode(static_cast<std::size_t>(i), event);
    LMX_ASSERT(!event.position.is_zero());
  }
  ring_.publish(first, last);
}

}  // namespace lmx
