#include "pipeline/result_stage.hpp"

#include <utility>

#include "lmx/assert.hpp"
#include "lmx/constants.hpp"

namespace lmx {

ResultStage::ResultStage(ResultWriter& writer, Position skip_through, Snapshotter& snapshotter,
                         EngineObserver* observer)
    : writer_(writer), skip_through_(skip_through), snapshotter_(snapshotter), observer_(observer) {
  batch_.reserve(result_publish_batch_max);
}

void ResultStage::on_event(Output& output, std::int64_t /*sequence*/, bool end_of_batch) {
  if (output.kind == Output::Kind::checkpoint) {
    checkpoint(output);
    return;
  }
  // One result per position, in log order.
  LMX_ASSERT(last_position_ < output.result.position);
  last_position_ = output.result.position;
  last_entry_checksum_ = output.result.entry_checksum;
  if (skip_through_ < output.result.position) batch_.push_back(output.result);
  if (end_of_batch || batch_.size() >= result_publish_batch_max) write_batch();
}

void ResultStage::write_batch() {
  if (batch_.empty()) return;
  writer_.write(batch_);
  tell_observer(batch_);
  batch_.clear();
}

// Tells the observer of the results the log shows now: those untold before `written`, then
// `written`, except the newest ResultWriter::held_count().
void ResultStage::tell_observer(std::span<const Result> written) {
  if (observer_ == nullptr) return;
  const std::size_t held = writer_.held_count();
  if (held == 0 && untold_.empty()) {
    if (!written.empty()) observer_->on_results_written(written);
    return;
  }
  untold_.insert(untold_.end(), written.begin(), written.end());
  LMX_ASSERT(held <= untold_.size());
  const std::size_t shown = untold_.size() - held;
  if (shown == 0) return;
  observer_->on_results_written(std::span<const Result>(untold_).first(shown));
  untold_.erase(untold_.begin(), untold_.begin() + static_cast<std::ptrdiff_t>(shown));
}

void ResultStage::checkpoint(Output& output) {
  write_batch();
  writer_.sync();
  tell_observer({});  // the sync let held results in
  if (output.snapshot == nullptr) return;
  // Every result the snapshot covers is before this slot, so it is durable now.
  LMX_ASSERT(output.snapshot->position == last_position_);
  output.snapshot->entry_checksum = last_entry_checksum_;
  snapshotter_.save(std::move(output.snapshot));
}

}  // namespace lmx
