#pragma once
// How a backend is opened: the durability of the file journal and the entry format written
// to a Redis Stream. Plain values, chosen on the command line (`--fsync`, `--format`).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lmx/constants.hpp"

namespace lmx {

enum class FsyncPolicy : std::uint8_t {
  always,    // each batch is on disk before append() returns (group commit per batch)
  interval,  // fdatasync at most every fsync_interval, from within append()
  none,      // leave it to the kernel: fastest, a power loss may take recent batches
};

[[nodiscard]] std::optional<FsyncPolicy> fsync_policy_from_name(std::string_view name) noexcept;
[[nodiscard]] std::string_view fsync_policy_name(FsyncPolicy policy) noexcept;

struct JournalWriterOptions {
  FsyncPolicy fsync = FsyncPolicy::always;
  std::chrono::milliseconds fsync_interval{journal_fsync_interval_ms};
  std::uint64_t segment_size_max = journal_segment_size_max;  // tests lower it
  // At a segment roll the old segment is made durable before the new one is created, so
  // that a crash never leaves a later segment after a torn one. By default the appending
  // thread waits for that sync. With this set, the writer's sync thread does it, and the
  // records appended meanwhile wait in memory (journal_roll_held_bytes_max at most) until
  // it is done: readers see them that much later. Only for a journal with one writer
  // process (the results journal, kept to one engine by the data directory's lock).
  bool roll_in_background = false;
  // No other writer appends to this journal while this one is open (the results journal,
  // kept to one engine by the data directory's lock). The writer then trusts its own view
  // of the tail: it skips the check for other writers' records that each batch makes
  // otherwise (a stat of the open segment and a lookup of the next one's name).
  bool sole_writer = false;
  // Under fsync none or interval, the writer's sync thread syncs the open segment each time
  // this many bytes were appended since the last such sync began, so that the sync at a
  // segment roll (on the appending thread) finds little left to do. Tests lower it.
  std::uint64_t background_sync_bytes = journal_background_sync_bytes;
};

// How a Redis entry carries its event (backend/redis/redis_entry.hpp has the layouts).
enum class EntryFormat : std::uint8_t { native, seed, json };

// How results are laid out in <stream>:results (backend/redis/redis_result_entry.hpp):
// one entry per result, or up to 256 consecutive results in one entry.
enum class ResultsLayout : std::uint8_t { per_result, packed };

struct BackendOptions {
  JournalWriterOptions journal;              // file backend: fsync policy of the events journal
  EntryFormat format = EntryFormat::native;  // Redis: how produced entries are written
  ResultsLayout results_layout = ResultsLayout::per_result;  // Redis: how results are written
  std::string snapshot_dir;  // Redis: keep snapshots in this directory instead of Redis keys
  // Redis: how long the engine rides out an unreachable server (zero: until it answers).
  std::chrono::milliseconds redis_outage_max{0};
  // Redis: the engine's stop flag; a reconnection waiting for the server ends when it is set.
  const std::atomic<bool>* stop = nullptr;
  // Redis: the partition this process serves (empty: none). The URL's stream S becomes
  // {partition}:S, a hash tag that keeps the stream and its keys in one cluster slot.
  std::string partition;
};

}  // namespace lmx
