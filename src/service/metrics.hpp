#pragma once
// The service's counters and their Prometheus text form (GET /metrics).
//
// Every counter is a relaxed atomic: each is a number on its own, read by a scrape that
// may mix values from neighbouring moments, never used to order other memory. Results are
// counted by the result thread alone (the one writer: load + store); HTTP requests and
// latencies by any server thread (fetch_add).

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

// Upper bounds of the POST /events latency buckets (append to result), in microseconds:
// from 10 µs to 10 s, about three per decade.
inline constexpr std::array<std::uint64_t, 19> latency_bounds_us = {
    10,    25,    50,     100,    250,    500,     1000,    2500,    5000,    10000,
    25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000};

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

  [[nodiscard]] std::uint64_t results_written() const noexcept {
    return results_written_.load(std::memory_order_relaxed);  // relaxed: a count on its own
  }

  [[nodiscard]] std::string render(const EngineGauges& gauges) const;

 private:
  static constexpr std::size_t status_count = counted_statuses.size();
  static constexpr std::size_t bucket_count = latency_bounds_us.size() + 1;  // + "+Inf"

  void render_results(std::string& out) const;
  void render_requests(std::string& out) const;
  void render_latency(std::string& out) const;

  std::array<std::atomic<std::uint64_t>, event_type_count * reason_count> results_{};
  std::atomic<std::uint64_t> results_written_{0};
  std::array<std::atomic<std::uint64_t>, route_count * status_count> requests_{};
  std::array<std::atomic<std::uint64_t>, bucket_count> latency_buckets_{};  // not cumulative
  std::atomic<std::uint64_t> latency_sum_ns_{0};
};

}  // namespace lmx::service
