#pragma once
// The engine: recovery, then the pipeline (src/pipeline/pipeline.hpp)
//
//   reader stage ──▶ input ring ──▶ logic stage ──▶ output ring ──▶ result stage ──▶ snapshotter
//   (fetch + decode   (Disruptor,    (apply, one       (results and    (results log;     (saves in
//    into slots)       1 producer)    thread, no I/O,   checkpoints)    sync at each      the back-
//                                     no clock)                         checkpoint)       ground)
//
// With fewer cores than busy threads, the reader stage runs inline, on the logic stage's
// thread, and the input ring goes unused (EngineOptions::reader).
//
// A snapshot is a flat copy of the state taken at a batch boundary; it rides the output
// ring behind the last result it covers, so it is saved only once those are durable.
//
// State effects are exactly-once: a snapshot holds the state at one position P and the
// reader restarts strictly after P. Results are at-least-once in general (consumers
// deduplicate by input position), and exactly-once when the results log survived: the
// result writer skips positions it already holds.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lmx/core/backend.hpp"
#include "lmx/core/engine_observer.hpp"
#include "lmx/core/reason.hpp"

namespace lmx {

// Where the engine reads and decodes the log (lmx run --reader).
enum class ReaderPlacement : std::uint8_t {
  automatic,     // inline when fewer than three CPUs are available (see engine.cpp)
  own_thread,    // a thread of its own, feeding the business logic through the input ring
  logic_thread,  // inline: on the business logic's thread, just ahead of apply
};

// "auto", "thread", "inline": the names lmx run --reader takes.
[[nodiscard]] constexpr std::string_view reader_placement_name(ReaderPlacement reader) noexcept {
  switch (reader) {
    case ReaderPlacement::own_thread:
      return "thread";
    case ReaderPlacement::logic_thread:
      return "inline";
    case ReaderPlacement::automatic:
      break;
  }
  return "auto";
}

// The placement named `name`, or nullopt when it names none.
[[nodiscard]] constexpr std::optional<ReaderPlacement> reader_placement_from_name(
    std::string_view name) noexcept {
  for (const ReaderPlacement reader :
       {ReaderPlacement::automatic, ReaderPlacement::own_thread, ReaderPlacement::logic_thread}) {
    if (name == reader_placement_name(reader)) return reader;
  }
  return std::nullopt;
}

struct EngineOptions {
  std::chrono::milliseconds snapshot_interval{30000};
  std::chrono::milliseconds status_interval{5000};
  bool exit_when_caught_up = false;
  // After each snapshot saved, remove from the log what no kept snapshot needs
  // (LogTrimmer), on the snapshot thread.
  bool trim_after_snapshot = false;
  // The id record's horizon (state.hpp): nullopt keeps the state's own, or the default for
  // an empty state; a value must agree with the state's (see restore_snapshot).
  std::optional<std::uint64_t> id_horizon;
  // Called with a one-line status every status_interval (events/s, position, lag, last
  // snapshot). Empty: no status lines.
  std::function<void(const std::string&)> on_status;
  // A service beside the engine (lmx run --listen): given progress, results as they are
  // written and the live state (engine_observer.hpp). Null: none. With one, the idle logic
  // thread wakes every observer_state_timeout instead of every 50 ms.
  EngineObserver* observer = nullptr;
  // On a log several engines follow (Redis), where a lease picks the one that writes
  // (lease.hpp): `lease_owner` names this engine in it ("host:pid"), `lease_ttl` is how
  // long it lasts unrenewed (the primary renews it every third of that; a standby takes
  // over within about that long after the primary stopped). With `standby`, the engine
  // starts as a hot standby: it applies every entry and writes nothing until it takes the
  // lease; without, it takes the lease at once when it is free, and follows as a standby
  // while another engine holds it.
  bool standby = false;
  std::string lease_owner = "lmx";
  std::chrono::milliseconds lease_ttl{2000};
  // CPUs the pipeline's threads are pinned to, round-robin: the log reader, the business
  // logic (the same thread inline), the result writer (lmx run --cpus). Empty: not pinned.
  std::vector<int> cpus;
  ReaderPlacement reader = ReaderPlacement::automatic;
};

struct EngineSummary {
  Position snapshot_position;       // the snapshot recovery started from (zero: none)
  Position position;                // last entry applied
  std::uint64_t applied_count = 0;  // entries applied by this run (replay included)
  std::uint64_t users = 0;
  std::uint64_t items = 0;
  std::array<std::uint64_t, reason_count> reasons{};  // results of this run, by reason
  double seconds = 0;  // from the end of recovery until every result is written (final
                       // snapshot save excluded)
  Position final_snapshot_position;  // zero when no final snapshot was written
};

// Runs until `stop` becomes true (a signal), or, with exit_when_caught_up, until the log
// has no more entries; then drains the pipeline and writes a final snapshot. Throws
// std::runtime_error when a stage fails (I/O, corruption); what was applied before stays
// recoverable from the log.
[[nodiscard]] EngineSummary run_engine(Backend& backend, const EngineOptions& options,
                                       const std::atomic<bool>& stop);

}  // namespace lmx
