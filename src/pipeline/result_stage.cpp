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
  if (observer_ != nullptr) observer_->on_results_written(batch_);
  batch_.clear();
}

void ResultStage::checkpoint(Output& output) {
  write_batch();
  writer_.sync();
  if (output.snapshot == nullptr) return;
  // Every result the snapshot covers is before this slot, so it is durable now.
  LMX_ASSERT(output.snapshot->position == last_position_);
  output.snapshot->entry_checksum = last_entry_checksum_;
  snapshotter_.save(std::move(output.snapshot));
}

}  // namespace lmx
