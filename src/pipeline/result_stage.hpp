#pragma once
// The result stage: writes the output ring's results to the results log, one write per
// batch, and at a checkpoint makes them durable before handing the checkpoint's snapshot
// to the snapshotter. Results at or before `skip_through` are in the log already (written
// before a restart) and are not written again. A snapshot is stamped with the checksum of
// the entry its last result answers.
//
// The observer is told of each batch once it is handed to the results log. The file
// backend's results journal may hold a batch back while it rolls to a new segment, until
// the old one is durable: a later write, a checkpoint's sync, or the stage's idle hook
// lets it in, so an engine with nothing more to write does not keep it from readers.

#include <cstdint>
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

  // Idle: results the log held back go into it once their wait is over.
  void on_timeout(std::int64_t /*sequence*/) { writer_.release_held(); }

 private:
  void write_batch();
  void checkpoint(Output& output);

  ResultWriter& writer_;
  const Position skip_through_;
  Snapshotter& snapshotter_;
  EngineObserver* const observer_;  // told of each batch written (null: none)
  Position last_position_;
  std::uint32_t last_entry_checksum_ = 0;
  std::vector<Result> batch_;
};

}  // namespace lmx
