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

#include <cstdint>
#include <cstdio>
#include <exception>
#include <string_view>

namespace lmx::disruptor {

enum class ExceptionAction { halt, skip };

// The default: a handler that throws is a bug or a broken invariant; stop and say so.
struct HaltOnException {
  ExceptionAction on_event_exception(const std::exception_ptr& /*error*/,
                                     std::int64_t /*sequence*/) noexcept {
    return ExceptionAction::halt;
  }
};

// LogAndContinue's default report: one line on stderr. Applications with a logger pass
// their own (the Disruptor itself depends on the standard library alone).
struct ReportToStderr {
  void operator()(std::int64_t sequence, std::string_view what) const noexcept {
    // <cstdio>, not <iostream>: no stream initialisation in every file that includes this.
    std::fprintf(stderr, "event handler failed at sequence %lld: %.*s; skipping the event\n",
                 static_cast<long long>(sequence), static_cast<int>(what.size()), what.data());
  }
};

// For consumers whose events are independent (metrics, best-effort publishers): report the
// failure with its sequence and carry on with the next event. `report(sequence, what)` runs
// on the processor thread and must not throw; `what` is the exception's message, or
// "non-standard exception". With spdlog:
//
//   LogAndContinue{[](std::int64_t sequence, std::string_view what) noexcept {
//     spdlog::error("event handler failed at sequence {}: {}; skipping", sequence, what);
//   }}
template <class Report = ReportToStderr>
struct LogAndContinue {
  Report report;

  ExceptionAction on_event_exception(const std::exception_ptr& error,
                                     std::int64_t sequence) noexcept {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      report(sequence, std::string_view(e.what()));
    } catch (...) {
      report(sequence, std::string_view("non-standard exception"));
    }
    return ExceptionAction::skip;
  }
};

// Spelled out so that `LogAndContinue{callable}` deduces the callable's type with compilers
// that do not deduce template arguments of aggregates (clang before 17).
template <class Report>
LogAndContinue(Report) -> LogAndContinue<Report>;

}  // namespace lmx::disruptor
