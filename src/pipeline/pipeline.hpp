#pragma once
// The pipeline: three stages of one shape, each on its own thread, joined by two rings.
//
//   ReaderStage ──▶ input ring ──▶ LogicStage ──▶ output ring ──▶ ResultStage ──▶ Snapshotter
//   (fetch + decode)  (Event)      (apply; owns   (Output: a result,  (results log;     (saves on
//                                   the state)     or a checkpoint)    sync at a         its own
//                                                                      checkpoint)       thread)
//
// Inline (PipelineOptions::inline_reader), the reader and logic stages share one thread,
// with no input ring between them (reader_stage.hpp): two threads instead of three.
//
// start() runs the stages; request_snapshot() asks for a snapshot at the next batch
// boundary; stop() ends them in pipeline order, written once here:
//   drain  no more input; the logic stage finishes what was read; a final checkpoint (with
//          a snapshot when the state moved since the last one) follows the last result;
//          the result stage finishes, makes every result durable and hands the snapshot on.
//   abort  after a stage failed: the others give up at once; nothing more is written.
// Then stop() rethrows the first failure, named.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "lmx/core/engine_observer.hpp"
#include "lmx/core/log_reader.hpp"
#include "lmx/core/result_writer.hpp"
#include "lmx/core/snapshot_store.hpp"
#include "lmx/disruptor/topology.hpp"
#include "pipeline/logic_stage.hpp"
#include "pipeline/reader_stage.hpp"
#include "pipeline/result_stage.hpp"
#include "pipeline/rings.hpp"
#include "pipeline/snapshotter.hpp"
#include "pipeline/stage_thread.hpp"

namespace lmx {

struct PipelineOptions {
  Position position;           // last entry applied to `state`; reading starts after it
  Position snapshot_position;  // the snapshot `state` was restored from (zero: none)
  Position results_through;    // newest result already in the results log
  bool exit_when_caught_up = false;
  LogTrimmer* trimmer = nullptr;       // trims the log after each snapshot saved (null: never)
  EngineObserver* observer = nullptr;  // given results and the live state (null: none)
  // Non-zero: the logic stage also snapshots at each boundary of this much log time
  // (logic_stage.hpp), as every engine on a shared log does.
  std::uint64_t checkpoint_period = 0;
  // The log read and decoded on the business logic's thread, not a thread of its own.
  bool inline_reader = false;
};

class Pipeline {
 public:
  enum class StopMode : std::uint8_t { drain, abort };

  Pipeline(LogReader& reader, ResultWriter& results, SnapshotStore& snapshots, State state,
           const PipelineOptions& options);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // `cpus`: pin the reader, logic and result threads to these, round-robin (empty: not);
  // inline, the reader-and-logic thread and the result thread.
  void start(const std::vector<int>& cpus = {});

  // Asks for a snapshot at the next batch boundary; false when one is still in flight.
  [[nodiscard]] bool request_snapshot() noexcept { return snapshotter_.request(); }

  // True once a stage has returned by itself: the reader caught up (exit_when_caught_up),
  // or a stage failed (see failed()).
  [[nodiscard]] bool finished() const noexcept;
  [[nodiscard]] bool failed() const noexcept;
  // Returns once finished(), or after `timeout`.
  void wait_finished(std::chrono::milliseconds timeout);

  // Stops every stage (see above) and rethrows the first stage failure. Once only.
  void stop(StopMode mode);

  // While running, from the control thread: display only.
  [[nodiscard]] const Progress& progress() const noexcept { return logic_.progress(); }
  [[nodiscard]] const ReaderStage& reader_stage() const noexcept { return reader_; }
  [[nodiscard]] SavedSnapshot last_snapshot_saved() const { return snapshotter_.last_saved(); }
  struct RingOccupancy {
    std::uint64_t input = 0;
    std::uint64_t output = 0;
  };
  // Slots published and not yet consumed in each ring; display only.
  [[nodiscard]] RingOccupancy ring_occupancy();

  // After stop().
  [[nodiscard]] const LogicStage& logic() const noexcept { return logic_; }
  [[nodiscard]] Position final_snapshot_position() const noexcept { return final_snapshot_; }
  // When the last stage finished: every result written, the final snapshot maybe not yet.
  [[nodiscard]] std::chrono::steady_clock::time_point drained_at() const noexcept {
    return drained_at_;
  }

 private:
  // Each ring has one consumer; the stages run on threads of the pipeline's own, so that
  // stop() can end them one by one in pipeline order.
  [[nodiscard]] auto& logic_processor() { return input_stages_.processor_for(logic_); }
  [[nodiscard]] auto& result_processor() { return output_stages_.processor_for(results_); }
  void halt_all() noexcept;
  void drain_all();
  void rethrow_failures();

  const bool exit_when_caught_up_;
  const bool inline_reader_;
  std::atomic<bool> abort_{false};
  InputRing input_;
  OutputRing output_;
  Snapshotter snapshotter_;
  ReaderStage reader_;
  LogicStage logic_;
  ResultStage results_;
  disruptor::Topology<InputRing> input_stages_;
  disruptor::Topology<OutputRing> output_stages_;
  Position final_snapshot_;
  std::chrono::steady_clock::time_point drained_at_;
  StageExits exits_;  // outlives the stage threads below
  // Started in pipeline order (consumers first), joined in the same order by stop().
  // Inline, the reader thread runs the logic stage too, and there is no logic thread.
  std::optional<StageThread> result_thread_;
  std::optional<StageThread> logic_thread_;
  std::optional<StageThread> reader_thread_;
};

}  // namespace lmx
