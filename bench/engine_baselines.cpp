// Baselines for the end-to-end engine benchmark (bench/engine_bench.sh), measured on the
// same journal as `lmx run`, and recovery as `lmx run` and `lmx export` do it:
//
//   engine_baselines read DATA_DIR      fetch + decode every event, nothing else
//   engine_baselines apply DATA_DIR     apply only: batches decoded untimed, apply timed
//   engine_baselines write DATA_DIR     the result writer alone: batches decoded and applied
//                                       untimed, their results written to DATA_DIR's
//                                       results journal timed (run it on a copy: it appends)
//   engine_baselines recover DATA_DIR   newest snapshot load + replay of the log after it
//
// Like `lmx run`, read, apply and write start after the newest snapshot (loaded untimed), so
// that all four cover the same events from the same state. Read, apply and write are the
// three stages of `lmx run`'s pipeline, each on its own and at its best (read decodes into
// one slot that stays in cache; write leaves writeback to the kernel): their sum is the
// least CPU time an event costs the engine, whatever the number of cores.
//
// Each prints one line of `key=value` fields for the script to pick up.

#include <fmt/core.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <string_view>
#include <vector>

#include "lmx/constants.hpp"
#include "lmx/core/backend.hpp"
#include "lmx/core/business_logic.hpp"
#include "lmx/core/prefetch.hpp"
#include "lmx/core/result_writer.hpp"
#include "pipeline/recovery.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

lmx::Recovered restored(lmx::Backend& backend) {
  const auto store = backend.open_snapshot_store();
  return lmx::restore_snapshot(*store);
}

// The reader thread's loop without a ring. Every event is decoded into the same slot, which
// stays in cache, where the engine's reader writes to a new ring slot each time: an upper
// bound for the reader thread.
int read_only(lmx::Backend& backend) {
  const auto reader = backend.open_reader(restored(backend).position);
  auto event = std::make_unique<lmx::Event>();
  std::uint64_t count = 0;
  std::uint64_t checksum = 0;  // keeps the decode from being optimised away
  const auto start = Clock::now();
  for (std::size_t n; (n = reader->fetch(lmx::reader_batch_size, std::chrono::milliseconds(0)));) {
    for (std::size_t i = 0; i < n; ++i) {
      reader->decode(i, *event);
      checksum += static_cast<std::uint64_t>(event->type) + event->line_count;
    }
    count += n;
  }
  const double seconds = seconds_since(start);
  fmt::print("mode=read events={} seconds={:.3f} events_per_sec={:.0f} checksum={}\n", count,
             seconds, static_cast<double>(count) / seconds, checksum);
  return 0;
}

// The business logic alone: each batch is decoded into memory untimed, then applied timed.
int apply_only(lmx::Backend& backend) {
  lmx::Recovered start_state = restored(backend);
  lmx::State& state = start_state.state;
  const auto reader = backend.open_reader(start_state.position);
  std::vector<lmx::Event> batch(lmx::reader_batch_size);
  std::uint64_t count = 0;
  std::uint64_t accepted = 0;
  Clock::duration applying{};
  lmx::Lookahead lookahead;
  for (std::size_t n; (n = reader->fetch(batch.size(), std::chrono::milliseconds(0)));) {
    for (std::size_t i = 0; i < n; ++i) reader->decode(i, batch[i]);
    const auto start = Clock::now();
    // As the logic stage applies a batch: with the cache hints of core/prefetch.hpp.
    const auto at = [&](std::int64_t k) -> const lmx::Event& {
      return batch[static_cast<std::size_t>(k)];
    };
    const auto last = static_cast<std::int64_t>(n) - 1;
    lookahead.start_batch(state, 0, last, at);
    for (std::int64_t i = 0; i <= last; ++i) {
      const lmx::LookupHint& hint = lookahead.advance(state, i, last, at);
      accepted += lmx::apply(state, batch[static_cast<std::size_t>(i)], hint).accepted();
    }
    applying += Clock::now() - start;
    count += n;
  }
  const double seconds = std::chrono::duration<double>(applying).count();
  fmt::print("mode=apply events={} seconds={:.3f} events_per_sec={:.0f} accepted={}\n", count,
             seconds, static_cast<double>(count) / seconds, accepted);
  return 0;
}

// The result stage's work alone: the results of each batch (decoded and applied untimed)
// written to the results journal as the result stage writes them, unsynced as `lmx run`
// leaves them between snapshots. The one sync at the end is timed apart.
int write_only(lmx::Backend& backend) {
  // The engine's lock, as for `lmx run`: the results journal's writer is its only one.
  const auto lock = backend.lock_engine();
  lmx::Recovered start_state = restored(backend);
  lmx::State& state = start_state.state;
  const auto reader = backend.open_reader(start_state.position);
  const auto writer = backend.open_result_writer();
  auto event = std::make_unique<lmx::Event>();
  std::vector<lmx::Result> results;
  results.reserve(lmx::result_publish_batch_max);
  std::uint64_t count = 0;
  Clock::duration writing{};
  for (std::size_t n;
       (n = reader->fetch(lmx::result_publish_batch_max, std::chrono::milliseconds(0)));) {
    results.clear();
    for (std::size_t i = 0; i < n; ++i) {
      reader->decode(i, *event);
      results.push_back(lmx::apply(state, *event));
    }
    const auto start = Clock::now();
    writer->write(results);
    writing += Clock::now() - start;
    count += n;
  }
  const auto sync_start = Clock::now();
  writer->sync();
  const double sync_seconds = seconds_since(sync_start);
  const double seconds = std::chrono::duration<double>(writing).count();
  fmt::print("mode=write events={} seconds={:.3f} events_per_sec={:.0f} sync_seconds={:.3f}\n",
             count, seconds, static_cast<double>(count) / seconds, sync_seconds);
  return 0;
}

int recover(lmx::Backend& backend) {
  const auto start = Clock::now();
  lmx::Recovered recovered = restored(backend);
  const double load_seconds = seconds_since(start);
  lmx::replay_to_end(backend, recovered);
  const double total_seconds = seconds_since(start);
  fmt::print(
      "mode=recover snapshot_position={} users={} items={} load_seconds={:.3f} "
      "replayed={} replay_seconds={:.3f} total_seconds={:.3f}\n",
      recovered.snapshot_position.to_string(), recovered.state.users().size(),
      recovered.state.items().size(), load_seconds, recovered.replayed_count,
      total_seconds - load_seconds, total_seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s read|apply|write|recover DATA_DIR\n", argv[0]);
    return 2;
  }
  try {
    const std::string_view mode = argv[1];
    const auto backend = lmx::open_backend(std::string("file:") + argv[2]);
    if (mode == "read") return read_only(*backend);
    if (mode == "apply") return apply_only(*backend);
    if (mode == "write") return write_only(*backend);
    if (mode == "recover") return recover(*backend);
    std::fprintf(stderr, "unknown mode %s: use read, apply, write or recover\n", argv[1]);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "engine_baselines: %s\n", e.what());
    return 1;
  }
}
