// `lmx apply [FILE]`: applies JSON-lines events to an empty state and prints the canonical
// export. The reference for every other way of running the business logic.

#include <fmt/core.h>

#include <cstdio>
#include <memory>
#include <string>

#include "commands.hpp"
#include "json_event_input.hpp"
#include "lmx/core/business_logic.hpp"
#include "canonical_export.hpp"
#include "summary.hpp"

namespace lmx::cli {
namespace {

struct ApplyOptions {
  std::string input = "-";
  bool summary = false;
};

int run_apply(const ApplyOptions& options) {
  JsonEventInput input(options.input);
  auto event = std::make_unique<Event>();
  State state;
  std::array<std::uint64_t, reason_count> counts{};
  while (input.next(*event)) {
    event->position = Position{0, input.line_number()};
    const Result result = apply(state, *event);
    ++counts[static_cast<std::size_t>(result.reason)];
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
  return {cmd, [options] { return run_apply(*options); }};
}

}  // namespace lmx::cli
