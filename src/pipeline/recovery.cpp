#include "pipeline/recovery.hpp"

#include <fmt/format.h>

#include <cassert>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>

#include "lmx/core/business_logic.hpp"

namespace lmx {

Recovered restore_snapshot(SnapshotStore& store, Position at_most) {
  Recovered recovered;
  std::optional<Snapshot> snapshot = store.load_newest(recovered.problems, at_most);
  if (snapshot) {
    recovered.state.assign(std::move(snapshot->users), std::move(snapshot->items));
    recovered.snapshot_position = snapshot->position;
    recovered.position = snapshot->position;
  }
  return recovered;
}

void check_snapshot_within_log(Position snapshot_position, LogReader& reader) {
  if (snapshot_position.is_zero()) return;
  const Position end = reader.end_position();
  if (end < snapshot_position) {
    // A damaged record also ends the readable log early: reading reports it first, with
    // its segment and offset. The reader is not used after this, so what it reads is moot.
    (void)reader.fetch(1, std::chrono::milliseconds(0));
    throw std::runtime_error(fmt::format(
        "the snapshot at position {} is ahead of the end of the log (position {}): the log "
        "lost entries that the snapshot has applied; refusing to replay after it (move that "
        "snapshot away to recover from an older one)",
        snapshot_position.to_string(), end.to_string()));
  }
}

void check_results_within_log(Position results_through, LogReader& reader) {
  if (results_through.is_zero()) return;
  const Position end = reader.end_position();
  if (end < results_through) {
    // As above: damage that ends the log early is reported as damage.
    (void)reader.fetch(1, std::chrono::milliseconds(0));
    throw std::runtime_error(fmt::format(
        "the results log ends at position {}, ahead of the end of the log (position {}): the "
        "log lost entries that have results, which new entries at those positions would "
        "keep; refusing to run (move the results log away: it is rebuilt from the log)",
        results_through.to_string(), end.to_string()));
  }
}

void replay_to_end(Backend& backend, Recovered& recovered) {
  const std::unique_ptr<LogReader> reader = backend.open_reader(recovered.position);
  check_snapshot_within_log(recovered.snapshot_position, *reader);
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
