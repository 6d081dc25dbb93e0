// `lmx apply [FILE]`: applies JSON-lines events to an empty state and prints the canonical
// export. The reference for every other way of running the business logic: `--results FILE`
// also writes each event's result as `lmx inspect results` prints the results log.

#include <fmt/core.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

#include "commands.hpp"
#include "result_line.hpp"
#include "json_event_input.hpp"
#include "lmx/core/business_logic.hpp"
#include "lmx/core/reason.hpp"
#include "canonical_export.hpp"
#include "summary.hpp"

namespace lmx::cli {
namespace {

struct ApplyOptions {
  std::string input = "-";
  bool summary = false;
  std::string results_path;  // empty: no per-event results
};

// Opens the per-event results file, or returns null when none was asked for.
std::unique_ptr<std::FILE, int (*)(std::FILE*)> open_results(const std::string& path) {
  if (path.empty()) return {nullptr, &std::fclose};
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) {
    throw std::system_error(errno, std::generic_category(), "cannot write results to " + path);
  }
  return {file, &std::fclose};
}

int run_apply(const ApplyOptions& options) {
  JsonEventInput input(options.input);
  auto event = std::make_unique<Event>();
  State state;
  std::array<std::uint64_t, reason_count> counts{};
  const auto results = open_results(options.results_path);
  while (input.next(*event)) {
    event->position = Position{0, input.line_number()};
    const Result result = apply(state, *event);
    ++counts[static_cast<std::size_t>(result.reason)];
    if (results) {
      fmt::print(results.get(), "{}\n", result_line(result));
    }
  }
  if (results && std::fflush(results.get()) != 0) {
    fmt::print(stderr, "lmx apply: cannot write results to {}\n", options.results_path);
    return 1;
  }
  if (!write_canonical_export(state, stdout)) {
    fmt::print(stderr, "lmx apply: cannot write the export to stdout\n");
    return 1;
  }
  if (options.summary) fmt::print(stderr, "{}\n", reasons_json(counts));
  return 0;
}

}  // namespace

Command add_apply(CLI::App& app) {
  auto options = std::make_shared<ApplyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "apply", "Apply JSON-lines events to an empty state; print the canonical export");
  cmd->add_option("file", options->input, "Events, one JSON object per line ('-' = stdin)");
  cmd->add_flag("--summary", options->summary,
                "Also print to stderr a JSON object counting results by reason");
  cmd->add_option("--results", options->results_path,
                  "Also write each event's result to this file, one '<position> <reason>' "
                  "line per event, as `lmx inspect results` prints a results log");
  return {cmd, [options] { return run_apply(*options); }};
}

}  // namespace lmx::cli
