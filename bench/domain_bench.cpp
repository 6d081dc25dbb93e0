// Business logic throughput: how fast `apply` consumes a generated workload, next to a
// baseline measured in the same run (copying the same events without applying them), so
// the ratio means something on a noisy shared machine.

#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "lmx/core/business_logic.hpp"
#include "workload.hpp"

namespace {

std::vector<lmx::Event> make_events(std::size_t count) {
  lmx::Workload workload({.seed = 7, .users = 10000, .items = 1000});
  std::vector<lmx::Event> events(count);
  for (auto& e : events) workload.next(e);
  return events;
}

const std::vector<lmx::Event>& events() {
  static const std::vector<lmx::Event> all = make_events(200000);
  return all;
}

void BM_baseline_touch_events(benchmark::State& st) {
  std::int64_t sum = 0;
  for (auto _ : st) {
    for (const auto& e : events()) sum += e.user_id + e.line_count;
    benchmark::DoNotOptimize(sum);
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(events().size()));
}
BENCHMARK(BM_baseline_touch_events);

void BM_apply(benchmark::State& st) {
  for (auto _ : st) {
    lmx::State state;
    for (const auto& e : events()) benchmark::DoNotOptimize(lmx::apply(state, e));
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(events().size()));
}
BENCHMARK(BM_apply);

}  // namespace

BENCHMARK_MAIN();
