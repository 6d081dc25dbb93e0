#pragma once
// The service's counters and their Prometheus text form (GET /metrics).
//
// Every counter is a relaxed atomic: each is a number on its own, read by a scrape that
// may mix values from neighbouring moments, never used to order other memory. Results are
// counted by the result thread alone (the one writer: load + store); HTTP requests and
// latencies by any server thread (fetch_add).

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "lmx/core/engine_observer.hpp"
#include "lmx/core/event.hpp"
#include "lmx/core/reason.hpp"
#include "lmx/core/result.hpp"

namespace lmx::service {

enum class Route : std::uint8_t {
  dashboard,
  healthz,
  readyz,
  status,
  events,
  users,
  items,
  commands,
  metrics,
  other
};
inline constexpr std::size_t route_count = 10;
inline constexpr std::array<std::string_view, route_count> route_names = {
    "/",           "/healthz",     "/readyz",        "/status",  "/events",
    "/users/{id}", "/items/{sku}", "/commands/{id}", "/metrics", "other"};

// The route a request path falls under: the label of its metrics.
[[nodiscard]] Route route_of(std::string_view path) noexcept;

// Status codes counted apart; any other is counted as "other".
inline constexpr std::array<int, 9> counted_statuses = {200, 400, 401, 404, 405, 413, 500, 503, 0};

// Upper bounds of the histograms' buckets, in the unit each renders in. POST /events
// latency (append to result), in seconds: from 10 µs to 10 s, about three per decade.
inline constexpr std::array<double, 19> latency_bounds = {
    10e-6, 25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3,
    25e-3, 50e-3, 0.1,   0.25,   0.5,    1,      2.5,  5,      10};
// Events per batch of the business logic thread: powers of two up to the input ring's size.
inline constexpr std::array<double, 13> batch_size_bounds = {1,   2,   4,   8,    16,   32,  64,
                                                             128, 256, 512, 1024, 2048, 4096};
// A batch's time on the business logic thread, in seconds: from 1 µs to 1 s.
inline constexpr std::array<double, 16> batch_time_bounds = {
    1e-6,   2.5e-6, 5e-6,   10e-6, 25e-6, 50e-6, 100e-6, 250e-6,
    500e-6, 1e-3,   2.5e-3, 5e-3,  10e-3, 25e-3, 0.1,    1};
static_assert(std::is_sorted(latency_bounds.begin(), latency_bounds.end()));
static_assert(std::is_sorted(batch_size_bounds.begin(), batch_size_bounds.end()));
static_assert(std::is_sorted(batch_time_bounds.begin(), batch_time_bounds.end()));

// A Prometheus histogram: buckets of relaxed atomic counts, observed from any thread.
template <std::size_t bound_count>
class Histogram {
 public:
  explicit constexpr Histogram(const std::array<double, bound_count>& bounds) noexcept
      : bounds_(bounds) {}

  void observe(double value) noexcept;
  void render(std::string& out, std::string_view name, std::string_view help) const;

 private:
  const std::array<double, bound_count>& bounds_;
  std::array<std::atomic<std::uint64_t>, bound_count + 1> buckets_{};  // + "+Inf"; not cumulative
  std::atomic<double> sum_{0};
};

// What /metrics shows of the engine besides the counters.
struct EngineGauges {
  EngineProgress progress;
  double events_per_second = 0;
  double uptime_seconds = 0;
};

class Metrics {
 public:
  // Result thread only.
  void count_results(std::span<const Result> results) noexcept;
  // Any thread.
  void count_request(Route route, int status) noexcept;
  void observe_events_latency(std::chrono::nanoseconds latency) noexcept;
  // Business logic thread.
  void observe_batch(std::size_t events, std::chrono::nanoseconds time) noexcept;

  [[nodiscard]] std::uint64_t results_written() const noexcept {
    return results_written_.load(std::memory_order_relaxed);  // relaxed: a count on its own
  }

  [[nodiscard]] std::string render(const EngineGauges& gauges) const;

 private:
  static constexpr std::size_t status_count = counted_statuses.size();

  void render_results(std::string& out) const;
  void render_requests(std::string& out) const;
  void render_snapshot(std::string& out, const EngineProgress& progress) const;

  std::array<std::atomic<std::uint64_t>, event_type_count * reason_count> results_{};
  std::atomic<std::uint64_t> results_written_{0};
  std::array<std::atomic<std::uint64_t>, route_count * status_count> requests_{};
  Histogram<latency_bounds.size()> latency_{latency_bounds};
  Histogram<batch_size_bounds.size()> batch_sizes_{batch_size_bounds};
  Histogram<batch_time_bounds.size()> batch_times_{batch_time_bounds};
};

}  // namespace lmx::service
