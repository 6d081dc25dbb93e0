// lmx: an LMAX-style event-sourcing engine for an e-commerce back end.

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <vector>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"lmx: an LMAX-style event-sourcing engine (users, balances, stock, orders)"};
  app.set_version_flag("--version", "lmx " LMX_VERSION);
  app.require_subcommand(1);

  const std::vector<lmx::cli::Command> commands = {
      lmx::cli::add_apply(app),
      lmx::cli::add_generate(app),
  };

  CLI11_PARSE(app, argc, argv);
  try {
    for (const auto& command : commands) {
      if (command.app->parsed()) return command.run();
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "lmx: {}\n", e.what());
    return 1;
  }
  return 1;
}
