// JSON entry decoding: how fast JsonEventDecoder turns JSON events (the generated workload,
// written as `lmx produce --format json` writes them, half with a command id) into events,
// next to a baseline measured in the same run: simdjson parsing the same lines into its DOM
// and nothing more, which any decoder built on it pays. The ratio is what lmx's own work
// (finding the fields, refusing repeated keys, checking types) costs on top.
//
//   cmake --build --preset release --target json_bench && build/release/bench/json_bench

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "format/json_codec.hpp"
#include "ratio_reporter.hpp"
#include "workload.hpp"

namespace {

constexpr std::size_t line_count = 200000;

// Each line followed by the padding the decoder may read past its end.
struct Lines {
  std::string bytes;
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // offset, length
};

Lines make_lines() {
  lmx::Workload with_ids({.seed = 7, .users = 10000, .items = 1000, .ids = true});
  lmx::Workload without_ids({.seed = 8, .users = 10000, .items = 1000});
  Lines lines;
  lmx::Event event;
  std::string line;
  for (std::size_t i = 0; i < line_count; ++i) {
    (i % 2 == 0 ? with_ids : without_ids).next(event);
    line.clear();
    lmx::append_json(event, line);
    lines.spans.emplace_back(lines.bytes.size(), line.size());
    lines.bytes += line;
    lines.bytes.append(lmx::JsonEventDecoder::padding, '\0');
  }
  return lines;
}

const Lines& lines() {
  static const Lines all = make_lines();
  return all;
}

std::string_view line_at(const Lines& all, std::size_t i) {
  return {all.bytes.data() + all.spans[i].first, all.spans[i].second};
}

void BM_baseline_parse(benchmark::State& st) {
  const Lines& all = lines();
  simdjson::dom::parser parser;
  for (auto _ : st) {
    for (std::size_t i = 0; i < all.spans.size(); ++i) {
      const std::string_view line = line_at(all, i);
      simdjson::dom::element root;
      if (parser.parse(line.data(), line.size(), false).get(root) != simdjson::SUCCESS) {
        st.SkipWithError("a generated line is not valid JSON");
        return;
      }
      benchmark::DoNotOptimize(root.type());
    }
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(all.spans.size()));
}
BENCHMARK(BM_baseline_parse);

void BM_json_decode(benchmark::State& st) {
  const Lines& all = lines();
  lmx::JsonEventDecoder decoder;
  lmx::Event event;
  for (auto _ : st) {
    for (std::size_t i = 0; i < all.spans.size(); ++i) {
      if (!decoder.decode(line_at(all, i), event)) {
        st.SkipWithError("a generated line did not decode");
        return;
      }
      benchmark::DoNotOptimize(event.user_id);
    }
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(all.spans.size()));
}
BENCHMARK(BM_json_decode);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  lmx::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const std::pair<const char*, const char*> pairs[] = {{"BM_json_decode", "BM_baseline_parse"}};
  reporter.print_ratios("decode vs parse alone (lines/s)", pairs);
  benchmark::Shutdown();
  return 0;
}
