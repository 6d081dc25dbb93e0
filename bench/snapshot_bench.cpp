// Snapshot serialization and the file store at the scale of the recovery goal (1M users,
// 10k items), next to a baseline in the same run: a plain memcpy of the same entity bytes.
// BM_copy_state_* is the business logic thread's stall when a snapshot is taken: the flat
// copy of the state's entity vectors, into new vectors (as the engine does it) and into
// vectors kept from an earlier snapshot.

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "backend/file/file_snapshot_store.hpp"
#include "format/snapshot_codec.hpp"

namespace {

constexpr std::size_t user_count = 1'000'000;
constexpr std::size_t item_count = 10'000;

const lmx::Snapshot& snapshot() {
  static const lmx::Snapshot s = [] {
    lmx::Snapshot built;
    built.position = lmx::Position{0, 10'000'000};
    for (std::size_t i = 0; i < user_count; ++i) {
      built.users.push_back({static_cast<std::int64_t>(i), static_cast<std::int64_t>(i * 3)});
    }
    for (std::size_t i = 0; i < item_count; ++i) {
      built.items.push_back({lmx::Sku::from("item-" + std::to_string(i)), 100, 5});
    }
    return built;
  }();
  return s;
}

void BM_baseline_copy_entities(benchmark::State& st) {
  std::vector<lmx::User> users(user_count);
  std::vector<lmx::Item> items(item_count);
  for (auto _ : st) {
    std::memcpy(users.data(), snapshot().users.data(), user_count * sizeof(lmx::User));
    std::memcpy(items.data(), snapshot().items.data(), item_count * sizeof(lmx::Item));
    benchmark::DoNotOptimize(users.data());
    benchmark::DoNotOptimize(items.data());
  }
}

const lmx::State& state() {
  static const lmx::State s = [] {
    lmx::State built;
    built.assign(snapshot().users, snapshot().items);
    return built;
  }();
  return s;
}

void copy_state(const lmx::State& from, lmx::Snapshot& to) {
  to.users.assign(from.users().begin(), from.users().end());
  to.items.assign(from.items().begin(), from.items().end());
}

void BM_copy_state_fresh(benchmark::State& st) {
  (void)state();  // built before timing starts
  for (auto _ : st) {
    auto copy = std::make_unique<lmx::Snapshot>();
    copy_state(state(), *copy);
    benchmark::DoNotOptimize(copy->users.data());
    st.PauseTiming();  // freeing the copy happens on the snapshotter thread
    copy.reset();
    st.ResumeTiming();
  }
}

void BM_copy_state_reused(benchmark::State& st) {
  lmx::Snapshot copy;
  copy_state(state(), copy);  // an earlier snapshot's vectors, already faulted in
  for (auto _ : st) {
    copy_state(state(), copy);
    benchmark::DoNotOptimize(copy.users.data());
  }
}

void BM_encode_snapshot(benchmark::State& st) {
  for (auto _ : st) benchmark::DoNotOptimize(lmx::encode_snapshot(snapshot()));
}

void BM_decode_snapshot(benchmark::State& st) {
  const std::string bytes = lmx::encode_snapshot(snapshot());
  for (auto _ : st) benchmark::DoNotOptimize(lmx::decode_snapshot(bytes));
  st.SetBytesProcessed(st.iterations() * static_cast<std::int64_t>(bytes.size()));
}

// save() = encode + write + fdatasync + rename + directory fsync; load = read + decode.
void BM_store_save_then_load(benchmark::State& st) {
  std::string pattern = (std::filesystem::temp_directory_path() / "lmx-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  lmx::FileSnapshotStore store(pattern);
  std::vector<std::string> problems;
  for (auto _ : st) {
    store.save(snapshot());
    benchmark::DoNotOptimize(store.load_newest(problems, lmx::Position::last()));
  }
  std::filesystem::remove_all(pattern);
}

BENCHMARK(BM_baseline_copy_entities)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_copy_state_fresh)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_copy_state_reused)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_encode_snapshot)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_decode_snapshot)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_store_save_then_load)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
