#pragma once
// A Google Benchmark reporter that keeps each benchmark's items/s, so that main() can print
// each measured figure as a ratio to its baseline from the same run: the ratios are what to
// compare across machines and runs, not the raw rates.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace lmx::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      // With --benchmark_repetitions the median stands for the benchmark.
      if (!run.aggregate_name.empty() && run.aggregate_name != "median") continue;
      const auto it = run.counters.find("items_per_second");
      if (it != run.counters.end()) rates_[run.run_name.function_name] = it->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }

  // One line per (measured, baseline) pair that both ran: their items/s and the ratio.
  void print_ratios(const char* title,
                    std::span<const std::pair<const char*, const char*>> pairs) const {
    std::printf("\n%-40s %14s %14s %8s\n", title, "measured", "baseline", "ratio");
    for (const auto& [measured, baseline] : pairs) {
      const auto m = rates_.find(measured);
      const auto b = rates_.find(baseline);
      if (m == rates_.end() || b == rates_.end()) continue;
      std::printf("%-40s %14.0f %14.0f %8.2f\n", measured, m->second, b->second,
                  m->second / b->second);
    }
  }

 private:
  std::map<std::string, double> rates_;
};

}  // namespace lmx::bench
