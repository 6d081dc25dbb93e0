#pragma once
// Options every command that touches a log shares: which backend (--log, or LMX_LOG), and
// how appends reach the disk (--fsync).

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "lmx/constants.hpp"
#include "lmx/core/backend.hpp"

namespace lmx::cli {

struct LogOptions {
  std::string url = "file:./data";
  std::string fsync = "always";
  std::string format = "native";
  std::string results_layout = "per-result";
  std::string snapshot_dir;
  std::string partition;
  std::uint64_t segment_size_max = journal_segment_size_max;

  // The backend options these flags select; throws CLI::ValidationError on a bad value.
  [[nodiscard]] BackendOptions backend_options() const;
  // The format events are written in: --format for a Redis stream; the file journal stores
  // every event natively.
  [[nodiscard]] EntryFormat entry_format() const;
};

// --log, from LMX_LOG when not given, and --partition KEY beside it.
void add_log_option(CLI::App& cmd, LogOptions& options);
// --snapshot-dir (Redis backend: snapshots in a directory instead of Redis keys).
void add_snapshot_dir_option(CLI::App& cmd, LogOptions& options);
// --fsync always|interval|none.
void add_fsync_option(CLI::App& cmd, LogOptions& options);
// --segment-size BYTES (file backend: where journal segments roll over).
void add_segment_size_option(CLI::App& cmd, LogOptions& options, std::string_view journal);
// --format native|seed|json (Redis entries).
void add_format_option(CLI::App& cmd, LogOptions& options);
// --results-layout per-result|packed (Redis results entries).
void add_results_layout_option(CLI::App& cmd, LogOptions& options);

// "30s", "500ms", "2m", "1h"; a bare number is seconds. Throws CLI::ValidationError.
[[nodiscard]] std::chrono::milliseconds parse_duration(const std::string& text);

}  // namespace lmx::cli
