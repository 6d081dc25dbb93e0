// `lmx trim`: removes from the log what no kept snapshot needs (pipeline/log_trim.hpp):
// journal segments wholly before the oldest valid snapshot, or Redis entries below it
// (XTRIM MINID), and the results that answer them. Safe while an engine runs.

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "log_options.hpp"
#include "pipeline/log_trim.hpp"

namespace lmx::cli {
namespace {

int run_trim(const LogOptions& log) {
  const std::unique_ptr<Backend> backend = open_backend(log.url, log.backend_options());
  const std::unique_ptr<SnapshotStore> store = backend->open_snapshot_store();
  const std::unique_ptr<LogTrimmer> trimmer = backend->open_trimmer();
  std::vector<std::string> problems;
  const std::optional<TrimReport> report = trim_to_oldest_snapshot(*store, *trimmer, problems);
  for (const std::string& problem : problems) spdlog::warn("snapshot skipped: {}", problem);
  if (!report) {
    fmt::print(
        "nothing removed: {} has no valid snapshot, so its state can only be rebuilt from the "
        "first entry; run lmx run until it saves one, then trim\n",
        backend->describe());
    return 0;
  }
  fmt::print("trimmed {}: {}\n", backend->describe(), describe_trim(*report));
  return 0;
}

}  // namespace

Command add_trim(CLI::App& app) {
  auto options = std::make_shared<LogOptions>();
  CLI::App* cmd = app.add_subcommand(
      "trim",
      "Remove the log entries (and their results) before the oldest valid snapshot kept: "
      "whole journal segments, or Redis entries below it (XTRIM MINID). The entry at that "
      "snapshot's position stays. Safe while an engine runs");
  add_log_option(*cmd, *options);
  add_snapshot_dir_option(*cmd, *options);
  return {cmd, [options] { return run_trim(*options); }};
}

}  // namespace lmx::cli
