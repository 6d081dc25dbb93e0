// `lmx generate`: prints a seeded workload as JSON lines, the input for `lmx apply` and
// `lmx produce --input -`. The same options always print the same bytes.

#include <fmt/core.h>

#include <cstdio>
#include <memory>
#include <string>

#include "commands.hpp"
#include "format/json_codec.hpp"
#include "workload.hpp"

namespace lmx::cli {
namespace {

struct GenerateOptions {
  std::uint64_t events = 1000;
  WorkloadConfig workload;
};

int run_generate(const GenerateOptions& options) {
  Workload workload(options.workload);
  auto event = std::make_unique<Event>();
  std::string out;
  for (std::uint64_t i = 0; i < options.events; ++i) {
    workload.next(*event);
    append_json(*event, out);
    out += '\n';
    if (out.size() >= (1u << 20) || i + 1 == options.events) {
      if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) {
        fmt::print(stderr, "lmx generate: write error on stdout\n");
        return 1;
      }
      out.clear();
    }
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace

Command add_generate(CLI::App& app) {
  auto options = std::make_shared<GenerateOptions>();
  CLI::App* cmd = app.add_subcommand("generate", "Print a seeded event workload as JSON lines");
  cmd->add_option("--events", options->events, "Number of events")->capture_default_str();
  cmd->add_option("--users", options->workload.users, "Number of users (ids 1..U)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--items", options->workload.items, "Number of items (ids sku-1..sku-I)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--seed", options->workload.seed, "Seed: the same seed gives the same events")
      ->capture_default_str();
  cmd->add_flag("--ids", options->workload.ids,
                "Give event N the command id \"<seed>-<N>\" (a retry of the same output is "
                "then a duplicate)");
  return {cmd, [options] { return run_generate(*options); }};
}

}  // namespace lmx::cli
