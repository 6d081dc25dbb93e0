#pragma once
// The pipeline's two rings and what their slots hold.
//
//   input ring   Event   written by the reader stage, read by the logic stage
//   output ring  Output  written by the logic stage, read by the result stage
//
// An output slot is a result, or a checkpoint: the results before it are to be made
// durable, then the snapshot it carries (if any) saved. A snapshot thus travels behind the
// last result it covers, and the ring's sequence is the only ordering the stages need.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <thread>

#include "lmx/core/event.hpp"
#include "lmx/core/result.hpp"
#include "lmx/core/snapshot.hpp"
#include "lmx/disruptor/ring_buffer.hpp"
#include "lmx/disruptor/single_producer_sequencer.hpp"
#include "lmx/disruptor/timeout_blocking_wait_strategy.hpp"

namespace lmx {

struct Output {
  enum class Kind : std::uint8_t { result, checkpoint };

  Kind kind = Kind::result;
  Result result;                       // Kind::result
  std::unique_ptr<Snapshot> snapshot;  // Kind::checkpoint; null: make results durable only
};

using PipelineSequencer =
    disruptor::SingleProducerSequencer<disruptor::TimeoutBlockingWaitStrategy>;
using InputRing = disruptor::RingBuffer<Event, PipelineSequencer>;
using OutputRing = disruptor::RingBuffer<Output, PipelineSequencer>;

// Consumers wake this often when idle: the logic stage to take a requested snapshot.
inline constexpr std::chrono::milliseconds ring_wait_timeout{50};

// Thrown inside a stage that gives up because another stage failed: not a failure of its own.
struct PipelineAborted : std::runtime_error {
  PipelineAborted() : std::runtime_error("stopped because another stage failed") {}
};

// Claims `count` slots of `ring` without blocking forever: a full ring whose consumer has
// died must not hang its producer. Returns the last claimed sequence.
template <class Ring>
[[nodiscard]] std::int64_t claim_or_abort(Ring& ring, std::int64_t count,
                                          const std::atomic<bool>& abort) {
  for (unsigned attempt = 0;; ++attempt) {
    if (const auto last = ring.try_next(count)) return *last;
    // relaxed: a late look only delays the abort by one more try.
    if (abort.load(std::memory_order_relaxed)) throw PipelineAborted();
    if (attempt < 256) {
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
}

}  // namespace lmx
