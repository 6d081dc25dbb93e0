// `lmx inspect journal DIR` / `lmx inspect snapshot FILE`: offline checks of lmx files,
// like redis-check-aof: a report of records, positions and checksums, exit status 1 when
// anything is damaged. Nothing is modified.
// `lmx inspect results DIR`: the results journal of a data directory, one line per result
// (`<input position> <reason>`, oldest first), for scripts that check that every input
// position has its result.

#include <fmt/core.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "backend/file/file_log.hpp"
#include "backend/file/journal_inspect.hpp"
#include "backend/file/snapshot_inspect.hpp"
#include "canonical_export.hpp"
#include "commands.hpp"
#include "lmx/core/reason.hpp"
#include "result_line.hpp"

namespace lmx::cli {
namespace {

int print_results(const std::filesystem::path& data_dir) {
  // Checked first: reading a missing results journal would create it.
  if (!std::filesystem::is_directory(results_journal_dir(data_dir))) {
    throw std::runtime_error("no results journal in " + data_dir.string() + " (" +
                             results_journal_dir(data_dir).string() + " is not a directory)");
  }
  for (const Result& result : read_all_results(data_dir)) {
    fmt::print("{}\n", result_line(result));
  }
  return 0;
}

}  // namespace

Command add_inspect(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd =
      app.add_subcommand("inspect", "Verify journal or snapshot files offline; list results");
  cmd->require_subcommand(1);
  CLI::App* journal = cmd->add_subcommand("journal", "Check every record of a journal");
  journal->add_option("dir", *path, "A data directory or a journal directory")->required();
  CLI::App* snapshot = cmd->add_subcommand("snapshot", "Check one snapshot file");
  snapshot->add_option("file", *path, "A snapshot file (.lmxs)")->required();
  CLI::App* results = cmd->add_subcommand(
      "results", "Print the results journal of a data directory: '<position> <reason>' per line");
  results->add_option("dir", *path, "A data directory (its results/ journal is read)")->required();
  auto list_ids = std::make_shared<bool>(false);
  snapshot->add_flag("--ids", *list_ids,
                     "Also list the recorded command ids, oldest first, one JSON object per line");
  return {cmd, [path, journal, results, list_ids] {
            if (results->parsed()) return print_results(*path);
            if (journal->parsed()) {
              const JournalReport report = inspect_journal(*path);
              fmt::print("{}", format_journal_report(report));
              return report.ok() ? 0 : 1;
            }
            const SnapshotReport report = inspect_snapshot(*path);
            fmt::print("{}", format_snapshot_report(report));
            if (*list_ids) {
              std::string lines;
              for (const RecordedId& record : report.ids) append_recorded_id(record, lines);
              fmt::print("{}", lines);
            }
            return report.ok ? 0 : 1;
          }};
}

}  // namespace lmx::cli
