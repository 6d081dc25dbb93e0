#pragma once
// The result stage: writes the output ring's results to the results log, one write per
// batch, and at a checkpoint makes them durable before handing the checkpoint's snapshot
// to the snapshotter. Results at or before `skip_through` are in the log already (written
// before a restart) and are not written again. A snapshot is stamped with the checksum of
// the entry its last result answers.
//
// The observer is told of results once the log shows them: a batch the results log holds
// back (the file backend's journal rolling to a new segment) is told when the log lets it
// in, at a later write, at a checkpoint, or when the stage is idle.

#include <cstdint>
#include <span>
#include <vector>

#include "lmx/core/engine_observer.hpp"
#include "lmx/core/result_writer.hpp"
#include "pipeline/rings.hpp"
#include "pipeline/snapshotter.hpp"

namespace lmx {

class ResultStage {
 public:
  ResultStage(ResultWriter& writer, Position skip_through, Snapshotter& snapshotter,
              EngineObserver* observer = nullptr);

  void on_event(Output& output, std::int64_t sequence, bool end_of_batch);

  // Idle: held results whose wait is over go into the log, and to the observer.
  void on_timeout(std::int64_t /*sequence*/) {
    writer_.release_held();
    tell_observer({});
  }

 private:
  void write_batch();
  void checkpoint(Output& output);
  void tell_observer(std::span<const Result> written);

  ResultWriter& writer_;
  const Position skip_through_;
  Snapshotter& snapshotter_;
  EngineObserver* const observer_;  // told of each batch written (null: none)
  Position last_position_;
  std::uint32_t last_entry_checksum_ = 0;
  std::vector<Result> batch_;
  // Results written that the observer has not been told of: the log held them back, or
  // held back one before them. At most what a results journal roll holds
  // (journal_roll_held_bytes_max), and only kept when there is an observer.
  std::vector<Result> untold_;
};

}  // namespace lmx
