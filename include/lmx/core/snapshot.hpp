#pragma once
// The state at exactly one log position: what a snapshot holds and what recovery restores.
// The business logic thread builds one with a flat copy of its entity vectors at a batch
// boundary; serialization and I/O happen on another thread.

#include <vector>

#include "lmx/core/position.hpp"
#include "lmx/core/state.hpp"

namespace lmx {

struct Snapshot {
  Position position;        // every log entry up to and including this one is applied
  std::uint32_t entry_checksum = 0;  // Event::entry_checksum of that entry (0: not recorded)
  std::vector<User> users;  // in the state's own (log) order
  std::vector<Item> items;
};

}  // namespace lmx
