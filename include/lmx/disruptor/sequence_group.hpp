#pragma once
// The slowest of a fixed set of sequences: the consumers a producer must not lap (gating),
// or the upstream stages a consumer must not overtake (dependencies). The set is fixed
// once threads start, so reading it needs no synchronisation beyond each Sequence's own.

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "lmx/disruptor/sequence.hpp"

namespace lmx::disruptor {

class SequenceGroup {
 public:
  SequenceGroup() = default;
  SequenceGroup(std::initializer_list<const Sequence*> sequences) : sequences_(sequences) {
    for ([[maybe_unused]] const Sequence* s : sequences_) assert(s != nullptr);
  }

  void add(const Sequence& sequence) { sequences_.push_back(&sequence); }

  // Takes `sequence` out of the group; returns how many entries named it.
  std::size_t remove(const Sequence& sequence) { return std::erase(sequences_, &sequence); }

  [[nodiscard]] bool empty() const noexcept { return sequences_.empty(); }
  [[nodiscard]] std::size_t count() const noexcept { return sequences_.size(); }

  // The earliest sequence in a non-empty group.
  [[nodiscard]] std::int64_t minimum() const noexcept {
    assert(!sequences_.empty());
    std::int64_t result = sequences_.front()->get();
    for (std::size_t i = 1; i < sequences_.size(); ++i) {
      result = earliest(result, sequences_[i]->get());
    }
    return result;
  }

  // The earliest of `ceiling` and every sequence in the group (`ceiling` when it is empty).
  [[nodiscard]] std::int64_t minimum_or(std::int64_t ceiling) const noexcept {
    return sequences_.empty() ? ceiling : earliest(ceiling, minimum());
  }

 private:
  std::vector<const Sequence*> sequences_;
};

}  // namespace lmx::disruptor
