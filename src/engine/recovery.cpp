#include "lmx/engine/recovery.hpp"

#include <cassert>
#include <chrono>
#include <memory>
#include <optional>

#include "lmx/domain/business_logic.hpp"

namespace lmx {

Recovered restore_snapshot(SnapshotStore& store) {
  Recovered recovered;
  std::optional<Snapshot> snapshot = store.load_newest(recovered.problems);
  if (snapshot) {
    recovered.state.assign(std::move(snapshot->users), std::move(snapshot->items));
    recovered.snapshot_position = snapshot->position;
    recovered.position = snapshot->position;
  }
  return recovered;
}

void replay_to_end(Backend& backend, Recovered& recovered) {
  const std::unique_ptr<LogReader> reader = backend.open_reader(recovered.position);
  auto event = std::make_unique<Event>();
  for (;;) {
    const std::size_t count = reader->fetch(replay_batch_size, std::chrono::milliseconds(0));
    if (count == 0) return;
    for (std::size_t i = 0; i < count; ++i) {
      reader->decode(i, *event);
      assert(recovered.position < event->position);
      (void)apply(recovered.state, *event);
      recovered.position = event->position;
    }
    recovered.replayed_count += count;
  }
}

}  // namespace lmx
