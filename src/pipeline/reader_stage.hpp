#pragma once
// The reader stage (the unmarshaller): fetches batches of log entries and decodes each
// straight into its input ring slot, then publishes the batch. The only writer of the
// input ring.
//
// Inline, given the logic stage: the stage runs on the business logic's thread instead, and
// hands each batch fetched to the logic stage, which decodes every entry just before it
// applies it (decode_window.hpp); the input ring stays unused. One thread fewer, one hand-off
// fewer: what pays on a machine with fewer cores than the pipeline has busy threads
// (BENCHMARKS.md, Engine). Idle, it wakes the logic stage (LogicStage::on_timeout) every
// fetch wait, as the ring's wait strategy would.

#include <atomic>
#include <chrono>
#include <cstdint>

#include "lmx/core/log_reader.hpp"
#include "pipeline/decode_window.hpp"
#include "pipeline/logic_stage.hpp"
#include "pipeline/rings.hpp"

namespace lmx {

class ReaderStage {
 public:
  // `inline_logic`: the logic stage to run inline (null: publish to `ring`). `fetch_wait`:
  // how long a fetch waits for new entries before the stage looks at stop() again (and,
  // inline, wakes the idle logic stage).
  ReaderStage(LogReader& reader, InputRing& ring, const std::atomic<bool>& abort,
              bool exit_when_caught_up, LogicStage* inline_logic,
              std::chrono::milliseconds fetch_wait)
      : reader_(reader),
        ring_(ring),
        abort_(abort),
        exit_when_caught_up_(exit_when_caught_up),
        inline_logic_(inline_logic),
        fetch_wait_(fetch_wait),
        window_(reader) {}

  // On the stage's thread: reads until stop(), or with exit_when_caught_up until a fetch
  // finds no more entries. Throws the reader's operating errors; PipelineAborted when a
  // ring stays full because a later stage failed.
  void run();

  // Where the stage's time went, for status only (relaxed; the stage is the one writer):
  // in fetch (waiting for the log and reading it), and waiting for free input slots (the
  // business logic behind; zero inline).
  [[nodiscard]] std::chrono::nanoseconds fetch_time() const noexcept {
    return std::chrono::nanoseconds(fetch_ns_.load(std::memory_order_relaxed));
  }
  [[nodiscard]] std::chrono::nanoseconds ring_wait_time() const noexcept {
    return std::chrono::nanoseconds(ring_wait_ns_.load(std::memory_order_relaxed));
  }

  // From any thread: the stage returns within one fetch wait.
  void stop() noexcept {
    // release: pairs with the acquire load in run().
    stop_.store(true, std::memory_order_release);
  }

 private:
  void publish_batch(std::size_t count);

  LogReader& reader_;
  InputRing& ring_;
  const std::atomic<bool>& abort_;
  const bool exit_when_caught_up_;
  LogicStage* const inline_logic_;
  const std::chrono::milliseconds fetch_wait_;
  DecodeWindow window_;  // inline only
  std::atomic<bool> stop_{false};
  std::atomic<std::int64_t> fetch_ns_{0};
  std::atomic<std::int64_t> ring_wait_ns_{0};
};

}  // namespace lmx
