#include "pipeline/recovery.hpp"

#include <fmt/format.h>

#include <cassert>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>

#include "lmx/assert.hpp"
#include "lmx/core/business_logic.hpp"
#include "lmx/core/prefetch.hpp"
#include "lmx/core/state_digest.hpp"
#include "pipeline/decode_window.hpp"

namespace lmx {

Recovered restore_snapshot(SnapshotStore& store, Position at_most,
                           std::optional<std::uint64_t> id_horizon) {
  Recovered recovered;
  std::optional<Snapshot> snapshot = store.load_newest(recovered.problems, at_most);
  if (!snapshot) {
    recovered.state.ids() = IdRecord(id_horizon.value_or(id_horizon_default));
    return recovered;
  }
  // Replicas agree on which ids are still recorded only if they keep the same number of
  // them: a horizon is set once, when the state starts empty, and kept with it.
  if (id_horizon && *id_horizon != snapshot->id_horizon) {
    throw std::runtime_error(fmt::format(
        "the id horizon is {} but the state (snapshot at position {}) was built with {}: a "
        "different horizon would make this state disagree with every replica of it; run "
        "with --id-horizon {}, or rebuild the state from the start of the log with the new "
        "horizon (move the snapshots away)",
        *id_horizon, snapshot->position.to_string(), snapshot->id_horizon, snapshot->id_horizon));
  }
  recovered.state.assign(snapshot->users, snapshot->items);
  recovered.state.ids().assign(snapshot->id_horizon, snapshot->ids);
  // Loading checked the snapshot's body against its stored digest (a mismatch made the
  // store skip it, with the reason, for an older one). The state rebuilt from that body
  // must digest alike, or rebuilding it lost or reordered something.
  LMX_ASSERT(state_digest(recovered.state) == state_digest(*snapshot));
  recovered.snapshot_position = snapshot->position;
  recovered.snapshot_entry_checksum = snapshot->entry_checksum;
  recovered.position = snapshot->position;
  return recovered;
}

void check_snapshot_within_log(EntryRef snapshot, LogReader& reader, Backend& backend) {
  const Position snapshot_position = snapshot.position;
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
  if (!backend.holds(snapshot)) {
    throw std::runtime_error(fmt::format(
        "the entry at position {} is not the one the snapshot at that position applied: the "
        "log lost entries that the snapshot has applied and was appended to again; refusing "
        "to replay after it (move that snapshot away to recover from an older one)",
        snapshot_position.to_string()));
  }
}

void replay_to_end(Backend& backend, Recovered& recovered) {
  const std::unique_ptr<LogReader> reader = backend.open_reader(recovered.position);
  check_snapshot_within_log({recovered.snapshot_position, recovered.snapshot_entry_checksum},
                            *reader, backend);
  DecodeWindow window(*reader);
  Lookahead lookahead;
  for (;;) {
    const std::size_t count = reader->fetch(replay_batch_size, std::chrono::milliseconds(0));
    if (count == 0) return;
    window.start_batch();
    const auto last = static_cast<std::int64_t>(count) - 1;
    lookahead.start_batch(recovered.state, 0, last, window);
    for (std::int64_t i = 0; i <= last; ++i) {
      const LookupHint& hint = lookahead.advance(recovered.state, i, last, window);
      const Event& event = window(i);
      assert(recovered.position < event.position);
      (void)apply(recovered.state, event, hint);
      recovered.position = event.position;
    }
    recovered.replayed_count += count;
  }
}

}  // namespace lmx
