#pragma once
// What a batch event processor does when its handler throws. A policy is a template
// parameter with one call, made on the processor thread:
//
//   ExceptionAction on_event_exception(const std::exception_ptr& error,
//                                      std::int64_t sequence) noexcept;
//
// ExceptionAction::halt stops the processor without marking `sequence` processed, and
// run() rethrows the exception after on_shutdown(): the failure is loud, and a later
// run() retries the same event. ExceptionAction::skip marks the event processed and goes on.

#include <spdlog/spdlog.h>

#include <cstdint>
#include <exception>

namespace lmx::disruptor {

enum class ExceptionAction { halt, skip };

// The default: a handler that throws is a bug or a broken invariant; stop and say so.
struct HaltOnException {
  ExceptionAction on_event_exception(const std::exception_ptr& /*error*/,
                                     std::int64_t /*sequence*/) noexcept {
    return ExceptionAction::halt;
  }
};

// For consumers whose events are independent (metrics, best-effort publishers): log the
// failure with its sequence and carry on with the next event.
struct LogAndContinue {
  ExceptionAction on_event_exception(const std::exception_ptr& error,
                                     std::int64_t sequence) noexcept {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      spdlog::error("event handler failed at sequence {}: {}; skipping the event", sequence,
                    e.what());
    } catch (...) {
      spdlog::error("event handler failed at sequence {} (non-standard exception); skipping",
                    sequence);
    }
    return ExceptionAction::skip;
  }
};

}  // namespace lmx::disruptor
