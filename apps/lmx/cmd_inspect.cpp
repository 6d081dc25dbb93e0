// `lmx inspect journal DIR` / `lmx inspect snapshot FILE`: offline checks of lmx files,
// like redis-check-aof: a report of records, positions and checksums, exit status 1 when
// anything is damaged. Nothing is modified.

#include <fmt/core.h>

#include <memory>
#include <string>

#include "commands.hpp"
#include "lmx/log/journal_inspect.hpp"
#include "lmx/snapshot/snapshot_inspect.hpp"

namespace lmx::cli {

Command add_inspect(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("inspect", "Verify journal or snapshot files offline");
  cmd->require_subcommand(1);
  CLI::App* journal = cmd->add_subcommand("journal", "Check every record of a journal");
  journal->add_option("dir", *path, "A data directory or a journal directory")->required();
  CLI::App* snapshot = cmd->add_subcommand("snapshot", "Check one snapshot file");
  snapshot->add_option("file", *path, "A snapshot file (.lmxs)")->required();
  return {cmd, [path, journal] {
            if (journal->parsed()) {
              const JournalReport report = inspect_journal(*path);
              fmt::print("{}", format_journal_report(report));
              return report.ok() ? 0 : 1;
            }
            const SnapshotReport report = inspect_snapshot(*path);
            fmt::print("{}", format_snapshot_report(report));
            return report.ok ? 0 : 1;
          }};
}

}  // namespace lmx::cli
