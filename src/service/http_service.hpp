#pragma once
// The HTTP API of a running engine (lmx run --listen), in the engine's process:
//
//   GET  /                   the dashboard page (dashboard.html), which reads the routes below
//   GET  /healthz            200 while the process serves
//   GET  /readyz             200 once the engine has caught up with the end of the log
//   GET  /status             position, end of the log, lag, rate, last snapshot, uptime
//   POST /events             append one JSON event or JSON lines, answer their results
//   GET  /users/{id}         live reads from the business logic thread (query_ring.hpp)
//   GET  /items/{sku}
//   GET  /commands/{id}
//   GET  /metrics            Prometheus text (metrics.hpp)
//
// Errors are JSON: {"error":"<stable code>","message":"..."}. With a token, every route but
// GET / wants it: the page holds no data, and asks for the token to read the others.
//
// Commands go in through the log, as lmx produce appends them: one LogWriter, appends
// serialized under a mutex (each request's events are one batch, so one fsync), and their
// results come back from the result stage's hook (EngineObserver::on_results_written)
// through a ResultBoard, not by reading the results log. A request never holds the mutex
// while it waits, so concurrent requests' appends and waits overlap.

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "format/json_codec.hpp"
#include "lmx/constants.hpp"
#include "lmx/core/backend.hpp"
#include "lmx/core/engine_observer.hpp"
#include "service/listen_address.hpp"
#include "service/metrics.hpp"
#include "service/query_ring.hpp"
#include "service/result_board.hpp"

namespace lmx::service {

struct ServiceOptions {
  ListenAddress address;
  std::string token;    // empty: no Authorization required (a loopback address only)
  std::string version;  // shown by /status
  // How long a request waits for its results or its read before answering 503 timeout.
  std::chrono::milliseconds wait{http_wait_ms};
  // Set when the engine is asked to stop: requests then answer 503 stopping.
  const std::atomic<bool>* stop = nullptr;
};

class HttpService final : public EngineObserver {
 public:
  // Opens a writer of the backend's log. Throws std::runtime_error when it cannot.
  HttpService(Backend& backend, ServiceOptions options);
  ~HttpService() override;
  HttpService(const HttpService&) = delete;
  HttpService& operator=(const HttpService&) = delete;

  // Binds the address and serves on a thread of its own. Throws std::runtime_error when
  // the address cannot be bound (in use, not local). Returns the port bound.
  int start();
  // Answers every waiting request `stopping`, stops serving and joins. Idempotent.
  void stop();

  void on_progress(const EngineProgress& progress) noexcept override;
  void on_results_written(std::span<const Result> results) noexcept override;
  void on_state(const State& state, Position position) noexcept override;
  void on_batch(std::size_t events, std::chrono::nanoseconds time) noexcept override;

 private:
  using Clock = std::chrono::steady_clock;

  void add_routes();
  void handle_status(httplib::Response& response);
  void handle_events(const httplib::Request& request, httplib::Response& response);
  void handle_query(Query query, httplib::Response& response);
  [[nodiscard]] bool stopping() const noexcept;
  [[nodiscard]] EngineGauges gauges();

  ServiceOptions options_;
  std::unique_ptr<LogWriter> writer_;
  std::mutex append_mutex_;  // one append at a time through writer_
  ResultBoard board_;
  QueryRing queries_;
  Metrics metrics_;
  const Clock::time_point started_ = Clock::now();

  // The control thread's last report (on_progress), for /status and /metrics.
  std::mutex progress_mutex_;
  EngineProgress progress_;        // guarded by progress_mutex_
  double events_per_second_ = 0;   // guarded by progress_mutex_
  Clock::time_point progress_at_;  // guarded by progress_mutex_
  Clock::time_point snapshot_at_;  // guarded by progress_mutex_: when last_snapshot changed
  // relaxed: a flag read on its own; set once the engine has caught up, never cleared.
  std::atomic<bool> ready_{false};

  httplib::Server server_;
  std::thread thread_;
};

}  // namespace lmx::service
