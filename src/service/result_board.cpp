#include "service/result_board.hpp"

#include "lmx/assert.hpp"
#include "lmx/constants.hpp"

namespace lmx::service {

void ResultBoard::post(std::span<const Result> results) {
  if (results.empty()) return;
  {
    const std::lock_guard lock(mutex_);
    LMX_ASSERT(written_through_ < results.front().position);  // results come in log order
    written_through_ = results.back().position;
    if (interested_ == 0) return;
    for (const Result& result : results) kept_.emplace(result.position, result);
    while (kept_.size() > result_board_size_max) kept_.erase(kept_.begin());
  }
  posted_.notify_all();
}

ResultBoard::Outcome ResultBoard::wait(std::span<const Position> positions,
                                       std::chrono::steady_clock::time_point deadline,
                                       std::vector<std::optional<Result>>& results) {
  LMX_ASSERT(results.size() == positions.size());
  std::unique_lock lock(mutex_);
  for (;;) {
    bool lost = false;
    if (collect(positions, results, lost)) return Outcome::complete;
    if (lost) return Outcome::lost;
    if (stopping_) return Outcome::stopping;
    if (posted_.wait_until(lock, deadline) == std::cv_status::timeout) {
      return collect(positions, results, lost) ? Outcome::complete : Outcome::timeout;
    }
  }
}

// True when every slot is filled. A position at or before the newest result posted whose
// result is not kept will never come: `lost`.
bool ResultBoard::collect(std::span<const Position> positions,
                          std::vector<std::optional<Result>>& results, bool& lost) {
  bool complete = true;
  for (std::size_t i = 0; i < positions.size(); ++i) {
    if (results[i]) continue;
    const auto found = kept_.find(positions[i]);
    if (found != kept_.end()) {
      results[i] = found->second;
    } else {
      complete = false;
      if (positions[i] <= written_through_) lost = true;
    }
  }
  return complete;
}

void ResultBoard::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  posted_.notify_all();
}

void ResultBoard::begin() {
  const std::lock_guard lock(mutex_);
  ++interested_;
}

void ResultBoard::end() {
  const std::lock_guard lock(mutex_);
  LMX_ASSERT(interested_ > 0);
  if (--interested_ == 0) kept_.clear();
}

}  // namespace lmx::service
