#include "lmx/client/client.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cassert>
#include <thread>

namespace lmx {

using Clock = std::chrono::steady_clock;

Client::Client(Backend& backend, ClientOptions options)
    : options_(options),
      writer_(backend.open_writer()),
      // Opened before anything is appended, so that no result of ours can come before it.
      results_(backend.open_result_reader()) {}

std::vector<Position> Client::append(std::span<const Event> events) {
  std::vector<Position> positions(events.size());
  std::size_t done = 0;  // events confirmed in the log
  std::chrono::milliseconds delay = options_.retry_delay;
  for (int attempt = 1;; ++attempt) {
    try {
      (void)writer_->append(events.subspan(done), std::span(positions).subspan(done));
      return positions;
    } catch (const AppendError& e) {
      const std::size_t confirmed = done + e.appended();
      const std::span<const Event> in_doubt = events.subspan(confirmed, e.in_doubt());
      // An event in doubt may be in the log already: only its id makes a second copy a
      // `duplicate` rather than a second charge.
      const bool safe = std::all_of(in_doubt.begin(), in_doubt.end(),
                                    [](const Event& ev) { return ev.id.valid(); });
      if (attempt >= options_.append_attempts || !safe) {
        throw AppendError(e.what(), confirmed, e.in_doubt(),
                          confirmed == 0 ? Position{} : positions[confirmed - 1]);
      }
      spdlog::warn("appending {} events failed after {} ({}); appending the rest again in {} ms",
                   events.size(), confirmed, e.what(), delay.count());
      done = confirmed;
      std::this_thread::sleep_for(delay);
      delay *= 2;
    }
  }
}

std::size_t Client::wait(std::span<const Position> positions, std::chrono::milliseconds idle,
                         const OnResult& on_result) {
  assert(std::is_sorted(positions.begin(), positions.end()));
  constexpr std::chrono::milliseconds fetch_timeout{100};  // how often the deadline is checked
  std::vector<bool> answered(positions.size(), false);
  std::size_t missing = positions.size();
  Clock::time_point deadline = Clock::now() + idle;
  while (missing > 0 && Clock::now() < deadline) {
    fetched_.clear();
    if (results_->fetch(fetched_, fetch_timeout) == 0) continue;
    deadline = Clock::now() + idle;  // the engine is writing results: it is alive
    for (const Result& result : fetched_) {
      // Results of other producers' events, or written again by a restarted engine, are
      // passed over: each of ours is answered once.
      const auto at = std::lower_bound(positions.begin(), positions.end(), result.position);
      if (at == positions.end() || *at != result.position) continue;
      const auto index = static_cast<std::size_t>(at - positions.begin());
      if (answered[index]) continue;
      answered[index] = true;
      --missing;
      on_result(index, result);
    }
  }
  return missing;
}

std::vector<std::optional<Result>> Client::submit(std::span<const Event> events,
                                                  std::chrono::milliseconds idle) {
  const std::vector<Position> positions = append(events);
  std::vector<std::optional<Result>> results(events.size());
  (void)wait(positions, idle, [&](std::size_t i, const Result& result) { results[i] = result; });
  return results;
}

}  // namespace lmx
