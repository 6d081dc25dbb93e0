// lmx: an LMAX-style event-sourcing engine for an e-commerce back end.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "commands.hpp"

namespace {

int run(int argc, char** argv) {
  // A write to a socket the server closed (or to a closed pipe) must be an error that lmx
  // reports and handles (a Redis reconnect), not a signal that kills it without a word.
  (void)std::signal(SIGPIPE, SIG_IGN);
  // Likewise a write past the file size limit (ulimit -f) must fail with EFBIG, which the
  // journal writer handles like a full disk (the partial batch cut off, `lmx produce`
  // saying how much it appended), instead of killing lmx mid-batch.
  (void)std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"lmx: an LMAX-style event-sourcing engine (users, balances, stock, orders)"};
  app.set_version_flag("--version", "lmx " LMX_VERSION);
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level,
                 "Least severe log line written to stderr: trace, debug (e.g. the reason of each "
                 "malformed Redis entry), info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->envname("LMX_LOG_LEVEL")
      ->capture_default_str();

  const std::vector<lmx::cli::Command> commands = {
      lmx::cli::add_produce(app), lmx::cli::add_submit(app),   lmx::cli::add_run(app),
      lmx::cli::add_status(app),  lmx::cli::add_export(app),   lmx::cli::add_digest(app),
      lmx::cli::add_query(app),   lmx::cli::add_inspect(app),  lmx::cli::add_trim(app),
      lmx::cli::add_apply(app),   lmx::cli::add_generate(app),
  };

  CLI11_PARSE(app, argc, argv);
  // Logs go to stderr: stdout carries only what a command outputs (exports, reports).
  spdlog::set_default_logger(spdlog::stderr_color_mt("lmx"));
  spdlog::set_level(spdlog::level::from_str(log_level));
  for (const auto& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  // Every failure ends here as one line naming the cause (what() says what and where).
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lmx: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "lmx: stopped by an unknown exception\n");
  }
  return 1;
}
