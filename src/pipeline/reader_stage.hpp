#pragma once
// The reader stage (the unmarshaller): fetches batches of log entries and decodes each
// straight into its input ring slot, then publishes the batch. The only writer of the
// input ring.

#include <atomic>
#include <chrono>
#include <cstdint>

#include "lmx/core/log_reader.hpp"
#include "pipeline/rings.hpp"

namespace lmx {

class ReaderStage {
 public:
  ReaderStage(LogReader& reader, InputRing& ring, const std::atomic<bool>& abort,
              bool exit_when_caught_up) noexcept
      : reader_(reader), ring_(ring), abort_(abort), exit_when_caught_up_(exit_when_caught_up) {}

  // On the stage's thread: reads until stop(), or with exit_when_caught_up until a fetch
  // finds no more entries. Throws the reader's operating errors; PipelineAborted when the
  // ring stays full because the logic stage failed.
  void run();

  // Where the stage's time went, for status only (relaxed; the stage is the one writer):
  // in fetch (waiting for the log and reading it), and waiting for free input slots (the
  // business logic behind).
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
  // How long a fetch waits for new entries before the stage looks at stop() again.
  static constexpr std::chrono::milliseconds fetch_wait_timeout{100};

  void publish_batch(std::size_t count);

  LogReader& reader_;
  InputRing& ring_;
  const std::atomic<bool>& abort_;
  const bool exit_when_caught_up_;
  std::atomic<bool> stop_{false};
  std::atomic<std::int64_t> fetch_ns_{0};
  std::atomic<std::int64_t> ring_wait_ns_{0};
};

}  // namespace lmx
