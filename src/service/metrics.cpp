#include "service/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "lmx/assert.hpp"

namespace lmx::service {
namespace {

// Prometheus takes one number per sample: a position's two parts are two gauges.
void gauge(std::string& out, std::string_view name, std::string_view help, double value) {
  fmt::format_to(std::back_inserter(out), "# HELP {0} {1}\n# TYPE {0} gauge\n{0} {2}\n", name, help,
                 value);
}

template <class Number>
void counter(std::string& out, std::string_view name, std::string_view help, Number value) {
  fmt::format_to(std::back_inserter(out), "# HELP {0} {1}\n# TYPE {0} counter\n{0}_total {2}\n",
                 name, help, value);
}

// A counter with two labels: cell [row * columns + column] counts the row's and the
// column's label values. Cells still at zero are left out.
template <std::size_t cell_count, class RowName, class ColumnName>
void render_table(std::string& out, std::string_view name, std::string_view help,
                  const std::array<std::atomic<std::uint64_t>, cell_count>& cells,
                  std::size_t columns, std::array<std::string_view, 2> labels, RowName row_name,
                  ColumnName column_name) {
  LMX_ASSERT(columns > 0);
  LMX_ASSERT(cell_count % columns == 0);
  fmt::format_to(std::back_inserter(out), "# HELP {0} {1}\n# TYPE {0} counter\n", name, help);
  for (std::size_t cell = 0; cell < cell_count; ++cell) {
    const std::uint64_t value = cells[cell].load(std::memory_order_relaxed);  // relaxed: a count
    if (value == 0) continue;
    fmt::format_to(std::back_inserter(out), "{}_total{{{}=\"{}\",{}=\"{}\"}} {}\n", name, labels[0],
                   row_name(cell / columns), labels[1], column_name(cell % columns), value);
  }
}

}  // namespace

Route route_of(std::string_view path) noexcept {
  for (std::size_t i = 0; i < route_count; ++i) {
    const std::string_view name = route_names[i];
    const std::size_t brace = name.find('{');
    if (brace == std::string_view::npos
            ? path == name
            : path.size() > brace && path.starts_with(name.substr(0, brace))) {
      return static_cast<Route>(i);
    }
  }
  return Route::other;
}

void Metrics::count_results(std::span<const Result> results) noexcept {
  for (const Result& result : results) {
    const std::size_t index = static_cast<std::size_t>(result.type) * reason_count +
                              static_cast<std::size_t>(result.reason);
    LMX_ASSERT(index < results_.size());
    // relaxed, load + store: the result thread is this counter's only writer.
    results_[index].store(results_[index].load(std::memory_order_relaxed) + 1,
                          std::memory_order_relaxed);
  }
  results_written_.store(results_written_.load(std::memory_order_relaxed) + results.size(),
                         std::memory_order_relaxed);  // relaxed: the only writer, as above
}

void Metrics::count_request(Route route, int status) noexcept {
  const auto* const found = std::find(counted_statuses.begin(), counted_statuses.end() - 1, status);
  const auto status_index = static_cast<std::size_t>(found - counted_statuses.begin());
  const std::size_t index = static_cast<std::size_t>(route) * status_count + status_index;
  LMX_ASSERT(index < requests_.size());
  requests_[index].fetch_add(1, std::memory_order_relaxed);  // relaxed: a count on its own
}

template <std::size_t bound_count>
void Histogram<bound_count>::observe(double value) noexcept {
  const auto* const bound = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  const auto bucket = static_cast<std::size_t>(bound - bounds_.begin());
  LMX_ASSERT(bucket < buckets_.size());
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);  // relaxed: a count
  sum_.fetch_add(value, std::memory_order_relaxed);          // relaxed: a sum on its own
}

template <std::size_t bound_count>
void Histogram<bound_count>::render(std::string& out, std::string_view name,
                                    std::string_view help) const {
  fmt::format_to(std::back_inserter(out), "# HELP {0} {1}\n# TYPE {0} histogram\n", name, help);
  std::uint64_t cumulative = 0;
  for (std::size_t bucket = 0; bucket < buckets_.size(); ++bucket) {
    cumulative += buckets_[bucket].load(std::memory_order_relaxed);  // relaxed: a count
    const std::string bound =
        bucket < bounds_.size() ? fmt::format("{}", bounds_[bucket]) : std::string("+Inf");
    fmt::format_to(std::back_inserter(out), "{}_bucket{{le=\"{}\"}} {}\n", name, bound, cumulative);
  }
  fmt::format_to(std::back_inserter(out), "{}_sum {}\n{}_count {}\n", name,
                 sum_.load(std::memory_order_relaxed), name, cumulative);  // relaxed: a sum
}

void Metrics::observe_events_latency(std::chrono::nanoseconds latency) noexcept {
  latency_.observe(std::max(0.0, std::chrono::duration<double>(latency).count()));
}

void Metrics::observe_batch(std::size_t events, std::chrono::nanoseconds time) noexcept {
  batch_sizes_.observe(static_cast<double>(events));
  batch_times_.observe(std::max(0.0, std::chrono::duration<double>(time).count()));
}

std::string Metrics::render(const EngineGauges& gauges) const {
  std::string out;
  out.reserve(16384);
  const EngineProgress& progress = gauges.progress;
  render_results(out);
  counter(out, "lmx_results_written", "Results written to the results log by this process",
          results_written());
  counter(out, "lmx_events_applied", "Log entries applied by this run, replay included",
          progress.applied_count);
  gauge(out, "lmx_events_per_second", "Entries applied per second, over the last interval",
        gauges.events_per_second);
  gauge(out, "lmx_position_major", "Last entry applied: major part of its position",
        static_cast<double>(progress.position.major));
  gauge(out, "lmx_position_minor", "Last entry applied: minor part (journal sequence)",
        static_cast<double>(progress.position.minor));
  gauge(out, "lmx_log_end_position_major", "Last entry in the log: major part",
        static_cast<double>(progress.end.major));
  gauge(out, "lmx_log_end_position_minor", "Last entry in the log: minor part",
        static_cast<double>(progress.end.minor));
  gauge(out, "lmx_lag_entries", "Entries in the log after the last one applied (-1: unknown)",
        progress.end_known ? static_cast<double>(progress.lag.entries) : -1.0);
  render_snapshot(out, progress);
  gauge(out, "lmx_primary",
        "1 while this engine writes results (the primary, or the only engine of a file "
        "journal), 0 while it is a hot standby",
        progress.role == role_standby ? 0.0 : 1.0);
  gauge(out, "lmx_lease_epoch",
        "The lease epoch this engine writes with (0: a standby, or a log without a lease)",
        static_cast<double>(progress.epoch));
  counter(out, "lmx_reader_fetch_seconds",
          "Reader thread: seconds in fetch, waiting for the log and reading it",
          std::chrono::duration<double>(progress.reader_fetch_time).count());
  counter(out, "lmx_reader_ring_wait_seconds",
          "Reader thread: seconds waiting for free input ring slots (the business logic behind)",
          std::chrono::duration<double>(progress.reader_ring_wait_time).count());
  out += "# HELP lmx_ring_used_slots Slots published and not yet consumed, by ring\n";
  out += "# TYPE lmx_ring_used_slots gauge\n";
  fmt::format_to(std::back_inserter(out), "lmx_ring_used_slots{{ring=\"input\"}} {}\n",
                 progress.input_ring_used);
  fmt::format_to(std::back_inserter(out), "lmx_ring_used_slots{{ring=\"output\"}} {}\n",
                 progress.output_ring_used);
  gauge(out, "lmx_uptime_seconds", "Seconds since the service started", gauges.uptime_seconds);
  render_requests(out);
  latency_.render(out, "lmx_events_latency_seconds",
                  "POST /events: from append to every result written");
  batch_sizes_.render(out, "lmx_batch_events", "Events per batch of the business logic thread");
  batch_times_.render(out, "lmx_batch_seconds",
                      "A batch on the business logic thread: from its first event to its last "
                      "result handed to the result stage (apply, and waits for output slots)");
  return out;
}

void Metrics::render_results(std::string& out) const {
  render_table(
      out, "lmx_results", "Results written by this process, by event type and reason", results_,
      reason_count, {"type", "reason"},
      [](std::size_t type) { return std::string(event_type_names[type]); },
      [](std::size_t reason) { return std::string(reason_names[reason]); });
}

void Metrics::render_requests(std::string& out) const {
  render_table(
      out, "lmx_http_requests", "HTTP requests answered, by route and status code", requests_,
      status_count, {"route", "code"},
      [](std::size_t route) { return std::string(route_names[route]); },
      [](std::size_t status) {
        const int code = counted_statuses[status];
        return code == 0 ? std::string("other") : std::to_string(code);
      });
}

void Metrics::render_snapshot(std::string& out, const EngineProgress& progress) const {
  const SavedSnapshot& last = progress.last_snapshot;
  gauge(out, "lmx_last_snapshot_position_minor",
        "Last snapshot saved by this run: minor part of its position (0: none yet)",
        static_cast<double>(last.position.minor));
  gauge(out, "lmx_last_snapshot_bytes", "Last snapshot saved by this run: its encoded size",
        static_cast<double>(last.bytes));
  gauge(out, "lmx_last_snapshot_save_seconds",
        "Last snapshot saved by this run: encode, write and sync, on the snapshot thread",
        std::chrono::duration<double>(last.save_time).count());
  gauge(out, "lmx_last_snapshot_copy_seconds",
        "Last snapshot: the business logic thread's stop to copy the state",
        std::chrono::duration<double>(progress.snapshot_copy_time).count());
}

}  // namespace lmx::service
