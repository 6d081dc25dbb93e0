#pragma once
// Subcommands of the `lmx` binary. Each registers its options on the CLI11 app and returns
// the function that runs it; main() dispatches to the one the user chose.

#include <CLI/CLI.hpp>
#include <functional>

namespace lmx::cli {

struct Command {
  CLI::App* app;             // the parsed subcommand
  std::function<int()> run;  // runs it; returns the process exit status
};

Command add_apply(CLI::App& app);
Command add_generate(CLI::App& app);
Command add_produce(CLI::App& app);
Command add_run(CLI::App& app);
Command add_submit(CLI::App& app);
Command add_export(CLI::App& app);
Command add_query(CLI::App& app);
Command add_digest(CLI::App& app);
Command add_inspect(CLI::App& app);
Command add_trim(CLI::App& app);
Command add_status(CLI::App& app);

}  // namespace lmx::cli
