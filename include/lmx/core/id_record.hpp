#pragma once
// The record of client command ids: which ids the log has seen, at which position, and the
// outcome each got. Part of the state: a function of the log alone (no clock), saved in
// snapshots, and bounded by its horizon.
//
// It keeps the last `horizon` recorded ids, in the order they were recorded. Recording one
// more when full forgets the oldest: a retry of that command is then applied as a new one.
// Records sit in a ring of fixed-size slots (grown up to the horizon, then reused), found
// by a flat hash index that forgets an id when its slot is reused.

#include <cstdint>
#include <span>
#include <vector>

#include "lmx/core/command_id.hpp"
#include "lmx/core/flat_index.hpp"
#include "lmx/core/position.hpp"
#include "lmx/core/reason.hpp"

namespace lmx {

struct RecordedId {
  Position position;  // the entry that carried the id first
  Reason reason = Reason::accepted;
  CommandId id;

  friend bool operator==(const RecordedId&, const RecordedId&) noexcept = default;
};

class IdRecord {
 public:
  explicit IdRecord(std::uint64_t horizon = id_horizon_default);

  // The record for `id` (a valid id), or nullptr when it is not recorded.
  [[nodiscard]] const RecordedId* find(const CommandId& id) const noexcept;

  // Records a valid id that find() did not find, forgetting the oldest record when full.
  void record(const CommandId& id, Position position, Reason reason);

  [[nodiscard]] std::uint64_t horizon() const noexcept { return horizon_; }
  [[nodiscard]] std::size_t size() const noexcept { return slots_.size(); }

  // The records in the order they were recorded, oldest first: two spans, as the ring
  // holds them (the second is empty until the ring wraps).
  [[nodiscard]] std::span<const RecordedId> oldest() const noexcept;
  [[nodiscard]] std::span<const RecordedId> newest() const noexcept;

  // Rebuilds the record (a snapshot's): `records` oldest first, ids valid and unique, at
  // most `horizon` of them. Throws std::invalid_argument otherwise.
  void assign(std::uint64_t horizon, const std::vector<RecordedId>& records);

  // Equal when they keep the same records in the same order, under the same horizon.
  friend bool operator==(const IdRecord& a, const IdRecord& b) noexcept;

 private:
  std::uint64_t horizon_;
  std::vector<RecordedId> slots_;  // a ring once it holds horizon_ records
  std::size_t next_ = 0;           // the slot the next record overwrites, once full
  FlatIndex index_;
};

}  // namespace lmx
