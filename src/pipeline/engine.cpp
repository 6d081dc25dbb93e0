#include "lmx/core/engine.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

#include "pipeline/cpu_affinity.hpp"
#include "pipeline/digest_check.hpp"
#include "pipeline/leadership.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/recovery.hpp"

namespace lmx {
namespace {

using Clock = std::chrono::steady_clock;

// How often the control thread looks at the clock and the stop flag (a stage that returns
// wakes it at once).
constexpr std::chrono::milliseconds control_tick{20};
// How often an engine on a shared log announces its status (lmx status).
constexpr std::chrono::milliseconds announce_interval{1000};

void log_recovery(const Recovered& recovered, const Backend& backend) {
  for (const std::string& problem : recovered.problems)
    spdlog::warn("snapshot skipped: {}", problem);
  spdlog::info("recovered {} ({} users, {} items); reading {} after position {}",
               recovered.snapshot_position.is_zero()
                   ? "no snapshot, empty state"
                   : "snapshot at " + recovered.snapshot_position.to_string(),
               recovered.state.users().size(), recovered.state.items().size(), backend.describe(),
               recovered.position.to_string());
}

// Inline reading pays when the reader, the business logic and the result writer cannot each
// have a core (BENCHMARKS.md, Engine): three busy threads on two cores take turns.
bool read_inline(const EngineOptions& options) {
  switch (options.reader) {
    case ReaderPlacement::own_thread:
      return false;
    case ReaderPlacement::logic_thread:
      return true;
    case ReaderPlacement::automatic:
      break;
  }
  const std::size_t cpus = options.cpus.empty()
                               ? allowed_cpu_count()
                               : std::set<int>(options.cpus.begin(), options.cpus.end()).size();
  constexpr std::size_t busy_threads = 3;  // reader, business logic, result writer
  const bool inline_reader = cpus < busy_threads;
  spdlog::info(
      "reading the log on {}: {} CPU{} available for the pipeline's {} busy threads "
      "(lmx run --reader)",
      inline_reader ? "the business logic thread" : "a thread of its own", cpus,
      cpus == 1 ? "" : "s", busy_threads);
  return inline_reader;
}

// One status line: events applied and their rate since the last line, position, end of the
// log, lag and the last snapshot saved.
class StatusLine {
 public:
  StatusLine(const Pipeline& pipeline, LogReader& reader, const Leadership* leadership)
      : pipeline_(pipeline), reader_(reader), leadership_(leadership) {}

  std::string next() {
    const auto now = Clock::now();
    const std::uint64_t count = pipeline_.progress().applied_count.load(std::memory_order_relaxed);
    const Position position = pipeline_.progress().position();
    const double seconds = std::chrono::duration<double>(now - last_time_).count();
    const double rate = seconds > 0 ? static_cast<double>(count - last_count_) / seconds : 0;
    last_count_ = count;
    last_time_ = now;
    Position end;
    LogLag lag;
    try {
      end = reader_.end_position();
      lag = reader_.lag_after(position);
    } catch (const std::exception& e) {
      // A status line is not worth stopping the engine for (a Redis restart, say).
      return fmt::format("applied={} position={} end=unknown ({})", count, position.to_string(),
                         e.what());
    }
    std::string line =
        fmt::format("applied={} rate={:.0f}/s position={} end={} lag={} last_snapshot={}", count,
                    rate, position.to_string(), end.to_string(), lag.to_string(),
                    pipeline_.last_snapshot_saved().position.to_string());
    if (leadership_ != nullptr) {
      line +=
          fmt::format(" role={} epoch={}", role_name(leadership_->role()), leadership_->epoch());
    }
    return line;
  }

 private:
  const Pipeline& pipeline_;
  LogReader& reader_;
  const Leadership* leadership_;  // null: the engine owns its log alone
  std::uint64_t last_count_ = 0;
  Clock::time_point last_time_ = Clock::now();
};

// Tells the observer where the engine stands. The log's end is asked last and may fail
// (a Redis outage): the observer is then told it is unknown, and the engine carries on.
void report_progress(Pipeline& pipeline, LogReader& reader, const Leadership* leadership,
                     EngineObserver& observer) {
  EngineProgress progress;
  if (leadership != nullptr) {
    progress.role = role_name(leadership->role());
    progress.epoch = leadership->epoch();
  }
  progress.applied_count = pipeline.progress().applied_count.load(std::memory_order_relaxed);
  progress.position = pipeline.progress().position();
  progress.last_snapshot = pipeline.last_snapshot_saved();
  progress.reader_fetch_time = pipeline.reader_stage().fetch_time();
  progress.reader_ring_wait_time = pipeline.reader_stage().ring_wait_time();
  progress.snapshot_copy_time = std::chrono::nanoseconds(
      pipeline.progress().snapshot_copy_ns.load(std::memory_order_relaxed));
  const Pipeline::RingOccupancy rings = pipeline.ring_occupancy();
  progress.input_ring_used = rings.input;
  progress.output_ring_used = rings.output;
  try {
    progress.end = reader.end_position();
    progress.lag = reader.lag_after(progress.position);
    progress.end_known = true;
  } catch (const std::exception&) {
    progress.end_known = false;  // the status line says why; the observer shows "unknown"
  }
  observer.on_progress(progress);
}

// Tells `lmx status` where this engine stands. The lag is asked of the log, and may fail
// (a Redis outage): the status is then left to lapse, and the engine carries on.
void announce(Leadership& leadership, const Pipeline& pipeline, LogReader& reader,
              const std::string& owner) {
  const Position position = pipeline.progress().position();
  LogLag lag;
  try {
    lag = reader.lag_after(position);
  } catch (const std::exception&) {
    return;
  }
  leadership.announce(owner, position, lag,
                      pipeline.progress().applied_count.load(std::memory_order_relaxed));
}

// Until a signal, the end of the log (exit_when_caught_up) or a failed stage: requests
// snapshots on their interval and prints status lines.
void control_loop(Pipeline& pipeline, LogReader& reader, Leadership* leadership,
                  const EngineOptions& options, const std::atomic<bool>& stop) {
  StatusLine status(pipeline, reader, leadership);
  auto last_snapshot = Clock::now();
  auto last_status = Clock::now();
  auto last_progress = Clock::time_point{};
  auto last_announce = Clock::time_point{};
  // relaxed: the flag carries no data; a late look only delays the stop by one tick.
  while (!stop.load(std::memory_order_relaxed) && !pipeline.finished()) {
    pipeline.wait_finished(control_tick);
    const auto now = Clock::now();
    if (leadership != nullptr) leadership->tick(now);
    // On a shared log the request waits for the next log-time boundary (checkpoint_period):
    // made at half the interval, it is pending when a live engine reaches the boundary.
    const auto interval =
        leadership == nullptr ? options.snapshot_interval : options.snapshot_interval / 2;
    if (now - last_snapshot >= interval && pipeline.request_snapshot()) {
      last_snapshot = now;
    }
    if (options.on_status && now - last_status >= options.status_interval) {
      options.on_status(status.next());
      last_status = now;
    }
    if (leadership != nullptr && now - last_announce >= announce_interval) {
      announce(*leadership, pipeline, reader, options.lease_owner);
      last_announce = now;
    }
    if (options.observer != nullptr && now - last_progress >= observer_interval) {
      report_progress(pipeline, reader, leadership, *options.observer);
      last_progress = now;
    }
  }
}

// The newest result in the results log that still answers the log as it is. When the
// newest one answers an entry the log no longer holds (the log lost a tail the engine had
// answered, and was appended to again), the results after the newest snapshot are stale:
// they are discarded, and the replay from that snapshot writes them anew. A snapshot the
// log no longer holds either is refused afterwards by check_snapshot_within_log().
Position check_results(ResultWriter& results, Backend& backend, Position newest_snapshot) {
  const EntryRef last = results.last_answered();
  if (last.position.is_zero() || !(newest_snapshot < last.position) || backend.holds(last)) {
    return last.position;
  }
  spdlog::warn(
      "the result for position {} answers an entry the log no longer holds (the log lost "
      "entries and was appended to again): writing the results after {} anew",
      last.position.to_string(), newest_snapshot.to_string());
  results.discard_after(newest_snapshot);
  return newest_snapshot;
}

// Where the engine writes: the backend's result writer and snapshot store; on a log several
// engines follow, fenced by the lease's epoch, behind the leadership that decides whether
// this engine writes at all, and with its snapshots' digests compared to the other engines'.
class Writers {
 public:
  Writers(Backend& backend, const EngineOptions& options, const std::atomic<bool>& stop)
      : lease_(backend.open_lease(options.lease_owner, options.lease_ttl)) {
    if (options.standby && !lease_) {
      throw std::runtime_error(
          backend.describe() +
          ": --standby needs a log several engines can follow (a Redis stream); a file "
          "journal has one engine, kept by its directory lock");
    }
    if (!lease_) {
      store_ = backend.open_snapshot_store();
      results_ = backend.open_result_writer();
      return;
    }
    store_ = backend.open_fenced_snapshot_store(fence_);
    results_ = backend.open_fenced_result_writer(fence_);
    leadership_.emplace(*lease_, fence_, *results_, options.standby, stop);
    // The snapshot thread's own handle on the lease (a connection is not thread-safe).
    digest_lease_ = backend.open_lease(options.lease_owner, options.lease_ttl);
    digest_check_.emplace(*store_, *digest_lease_, options.lease_owner);
  }

  [[nodiscard]] ResultWriter& results() { return leadership_ ? *leadership_ : *results_; }
  // For recovery: the snapshots as stored.
  [[nodiscard]] SnapshotStore& store() { return *store_; }
  // For the pipeline: saving also compares digests on a shared log.
  [[nodiscard]] SnapshotStore& snapshots() { return digest_check_ ? *digest_check_ : *store_; }
  // Null on a log the engine owns alone.
  [[nodiscard]] Leadership* leadership() { return leadership_ ? &*leadership_ : nullptr; }

 private:
  Fence fence_;
  std::unique_ptr<Lease> lease_;
  std::unique_ptr<SnapshotStore> store_;
  std::unique_ptr<ResultWriter> results_;
  std::optional<Leadership> leadership_;
  std::unique_ptr<Lease> digest_lease_;
  std::optional<DigestCheck> digest_check_;
};

// An engine that exits at the end of the log is done once every result up to there is
// written. One that is a standby there (the lease was held when it started, by a primary
// alive or one that died without releasing it) ticks on until it takes the lease and
// writes the results it kept, or until the primary has written them; or until a signal.
void wait_for_results(Leadership& leader, const std::atomic<bool>& stop) {
  // relaxed: the flag carries no data; a late look only delays the stop by one tick.
  while (leader.results_pending() && !stop.load(std::memory_order_relaxed)) {
    std::this_thread::sleep_for(control_tick);
    leader.tick(Clock::now());
  }
}

// Stops the pipeline (draining it unless a stage failed), then gives the lease up: after
// the final snapshot a standby takes over from there, and a failed engine writes nothing
// more, so a standby need not wait for the lease to lapse either way.
void stop_pipeline(Pipeline& pipeline, Leadership* leader, bool exit_when_caught_up,
                   const std::atomic<bool>& stop) {
  const bool failed = pipeline.failed();  // asked before stop(), which ends the stages
  try {
    pipeline.stop(failed ? Pipeline::StopMode::abort : Pipeline::StopMode::drain);
    if (leader != nullptr && exit_when_caught_up && !failed) wait_for_results(*leader, stop);
  } catch (...) {
    if (leader != nullptr) leader->release();
    throw;
  }
  if (leader != nullptr) leader->release();
}

// Engines on a shared log snapshot at the same log-time boundaries, every snapshot_interval
// of Redis entry-id milliseconds, so that their digests can be compared (digest_check.hpp).
std::uint64_t checkpoint_period(const EngineOptions& options, Writers& writers) {
  if (writers.leadership() == nullptr) return 0;
  return static_cast<std::uint64_t>(std::max<std::int64_t>(1, options.snapshot_interval.count()));
}

}  // namespace

EngineSummary run_engine(Backend& backend, const EngineOptions& options,
                         const std::atomic<bool>& stop) {
  const std::unique_ptr<EngineLock> lock = backend.lock_engine();
  Writers writers(backend, options, stop);
  ResultWriter& results = writers.results();
  // Results are derived: when the results log ends before a snapshot (its tail was lost
  // or damaged, or it was deleted), recovery starts from an older state, so that the
  // replay writes every missing result. Never a silent hole.
  Recovered recovered = restore_snapshot(writers.store(), Position::last(), options.id_horizon);
  const EntryRef newest_snapshot{recovered.snapshot_position, recovered.snapshot_entry_checksum};
  const Position results_through = check_results(results, backend, newest_snapshot.position);
  if (results_through < newest_snapshot.position) {
    recovered = restore_snapshot(writers.store(), results_through, options.id_horizon);
  }
  log_recovery(recovered, backend);
  const std::unique_ptr<LogReader> reader = backend.open_reader(recovered.position);
  // The newest snapshot must be within the log even when an older one is used: a log that
  // lost entries the snapshot applied is refused either way.
  check_snapshot_within_log(newest_snapshot, *reader, backend);

  const std::unique_ptr<LogTrimmer> trimmer =
      options.trim_after_snapshot ? backend.open_trimmer() : nullptr;
  const PipelineOptions pipeline_options{.position = recovered.position,
                                         .snapshot_position = recovered.snapshot_position,
                                         .results_through = results_through,
                                         .exit_when_caught_up = options.exit_when_caught_up,
                                         .trimmer = trimmer.get(),
                                         .observer = options.observer,
                                         .checkpoint_period = checkpoint_period(options, writers),
                                         .inline_reader = read_inline(options)};
  Pipeline pipeline(*reader, results, writers.snapshots(), std::move(recovered.state),
                    pipeline_options);
  const auto start = Clock::now();
  Leadership* const leader = writers.leadership();
  if (leader != nullptr) leader->tick(start);  // a primary takes a free lease before reading
  pipeline.start(options.cpus);
  control_loop(pipeline, *reader, leader, options, stop);
  stop_pipeline(pipeline, leader, options.exit_when_caught_up, stop);

  const LogicStage& logic = pipeline.logic();
  return EngineSummary{
      .snapshot_position = recovered.snapshot_position,
      .position = logic.position(),
      .applied_count = logic.applied_count(),
      .users = logic.state().users().size(),
      .items = logic.state().items().size(),
      .reasons = logic.reasons(),
      .seconds = std::chrono::duration<double>(pipeline.drained_at() - start).count(),
      .final_snapshot_position = pipeline.final_snapshot_position(),
  };
}

}  // namespace lmx
