#pragma once
// What a service running beside the engine in the same process (lmx run --listen) is given
// by it. Each call is made on the thread that owns what it shows, so the observer copies
// what it needs and returns at once: it must never block the engine.
//
//   on_progress          control thread, every observer_interval: applied count, position,
//                        end of the log, lag, last snapshot saved
//   on_results_written   result thread, after each batch of results is written to the
//                        results log (as durable as what lmx submit reads there; on the
//                        file backend, a batch written while the results journal rolls
//                        reaches readers of the file once the roll is done)
//   on_state             logic thread, at each batch end and when idle (at least every
//                        observer_state_timeout): the live state, true at `position`
//   on_batch             logic thread, at each batch end: how many events the batch held
//                        and the time from its start to its last result handed on
//
// The state passed to on_state is only valid during the call: the business logic thread
// is the only writer of State and resumes applying events as soon as the call returns.

#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>

#include "lmx/core/log_reader.hpp"
#include "lmx/core/position.hpp"
#include "lmx/core/result.hpp"
#include "lmx/core/snapshot.hpp"
#include "lmx/core/state.hpp"

namespace lmx {

inline constexpr std::string_view role_primary = "primary";
inline constexpr std::string_view role_standby = "standby";

struct EngineProgress {
  std::uint64_t applied_count = 0;  // entries applied by this run, replay included
  Position position;                // last entry applied
  Position end;                     // last entry in the log
  LogLag lag;                       // entries in the log after `position`
  SavedSnapshot last_snapshot;      // last snapshot saved by this run (position zero: none yet)
  // The reader thread's time since the start: in fetch (waiting for the log and reading it),
  // and waiting for free input slots (the business logic behind).
  std::chrono::nanoseconds reader_fetch_time{0};
  std::chrono::nanoseconds reader_ring_wait_time{0};
  // How long the business logic thread stopped to copy the state for the last snapshot.
  std::chrono::nanoseconds snapshot_copy_time{0};
  bool end_known = false;  // false: the log could not be asked (Redis down)
  // Slots published and not yet consumed: events read ahead of the business logic (of
  // input_ring_size), results ahead of the results log (of output_ring_size).
  std::uint64_t input_ring_used = 0;
  std::uint64_t output_ring_used = 0;
  // On a log several engines follow (lease.hpp): role_primary or role_standby and the epoch
  // held (zero for a standby). Empty where the engine owns its log alone (the file journal).
  std::string_view role;
  std::uint64_t epoch = 0;
};

class EngineObserver {
 public:
  virtual ~EngineObserver() = default;

  virtual void on_progress(const EngineProgress& progress) noexcept = 0;
  virtual void on_results_written(std::span<const Result> results) noexcept = 0;
  virtual void on_state(const State& state, Position position) noexcept = 0;
  virtual void on_batch(std::size_t events, std::chrono::nanoseconds time) noexcept = 0;
};

// How often the control thread reports progress: asking a Redis log for its end and lag is
// a round trip, so not every control tick.
inline constexpr std::chrono::milliseconds observer_interval{200};
// How long the idle logic thread waits for input before it calls on_state anyway: the
// latency of a read (GET /users/{id}) on an idle engine. Costs a wake-up per millisecond.
inline constexpr std::chrono::milliseconds observer_state_timeout{1};

}  // namespace lmx
