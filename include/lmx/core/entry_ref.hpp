#pragma once
// Names one log entry: its position, and the checksum that tells it from another entry put
// at the same position later (Event::entry_checksum). Results and snapshots record the
// entry they answer or cover this way, so that a restart can check the log still holds it.

#include <cstdint>

#include "lmx/core/position.hpp"

namespace lmx {

struct EntryRef {
  Position position;           // zero: no entry
  std::uint32_t checksum = 0;  // 0: not recorded (any entry at `position` matches)

  friend bool operator==(const EntryRef&, const EntryRef&) noexcept = default;
};

}  // namespace lmx
