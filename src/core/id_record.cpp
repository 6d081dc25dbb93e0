#include "lmx/core/id_record.hpp"

#include <cassert>
#include <stdexcept>
#include <string>
#include <utility>

#include "lmx/assert.hpp"

namespace lmx {
namespace {

std::uint64_t hash_id(const CommandId& id) noexcept {
  return hash_bytes(id.bytes.data(), id.size);
}

}  // namespace

IdRecord::IdRecord(std::uint64_t horizon) : horizon_(horizon) {
  if (horizon == 0 || horizon > id_horizon_max) {
    throw std::invalid_argument("the id horizon must be 1 to " + std::to_string(id_horizon_max));
  }
}

const RecordedId* IdRecord::find(const CommandId& id) const noexcept {
  assert(id.valid());
  const std::uint32_t index =
      index_.find(hash_id(id), [&](std::uint32_t i) { return slots_[i].id == id; });
  return index == FlatIndex::npos ? nullptr : &slots_[index];
}

void IdRecord::record(const CommandId& id, Position position, Reason reason) {
  LMX_ASSERT(id.valid());
  assert(find(id) == nullptr);
  if (slots_.size() < horizon_) {
    index_.insert(hash_id(id), static_cast<std::uint32_t>(slots_.size()));
    slots_.push_back(RecordedId{position, reason, id});
    return;
  }
  RecordedId& slot = slots_[next_];
  index_.erase(hash_id(slot.id), static_cast<std::uint32_t>(next_));
  slot = RecordedId{position, reason, id};
  index_.insert(hash_id(id), static_cast<std::uint32_t>(next_));
  next_ = next_ + 1 == slots_.size() ? 0 : next_ + 1;
  LMX_ASSERT(index_.size() == slots_.size());
}

std::span<const RecordedId> IdRecord::oldest() const noexcept {
  return std::span<const RecordedId>(slots_).subspan(next_);
}

std::span<const RecordedId> IdRecord::newest() const noexcept {
  return std::span<const RecordedId>(slots_).first(next_);
}

void IdRecord::assign(std::uint64_t horizon, const std::vector<RecordedId>& records) {
  IdRecord rebuilt(horizon);
  if (records.size() > horizon) {
    throw std::invalid_argument("more recorded ids than the id horizon");
  }
  rebuilt.slots_.reserve(records.size());
  for (const RecordedId& record : records) {
    if (!record.id.valid()) throw std::invalid_argument("invalid command id in state");
    if (rebuilt.find(record.id) != nullptr) {
      throw std::invalid_argument("duplicate command id in state");
    }
    rebuilt.record(record.id, record.position, record.reason);
  }
  *this = std::move(rebuilt);
}

bool operator==(const IdRecord& a, const IdRecord& b) noexcept {
  if (a.horizon_ != b.horizon_ || a.slots_.size() != b.slots_.size()) return false;
  // Compared in recorded order, whatever slot each ring started at.
  std::size_t i = a.next_;
  std::size_t j = b.next_;
  for (std::size_t n = 0; n < a.slots_.size(); ++n) {
    if (!(a.slots_[i] == b.slots_[j])) return false;
    i = i + 1 == a.slots_.size() ? 0 : i + 1;
    j = j + 1 == b.slots_.size() ? 0 : j + 1;
  }
  return true;
}

}  // namespace lmx
