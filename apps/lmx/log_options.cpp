#include "log_options.hpp"

#include <fmt/format.h>

#include <charconv>

namespace lmx::cli {

BackendOptions LogOptions::backend_options() const {
  BackendOptions options;
  options.journal.fsync = *fsync_policy_from_name(fsync);  // validated by the option's check
  options.format = format == "seed"   ? EntryFormat::seed
                   : format == "json" ? EntryFormat::json
                                      : EntryFormat::native;  // validated by the option's check
  options.results_layout =
      results_layout == "packed" ? ResultsLayout::packed : ResultsLayout::per_result;
  options.snapshot_dir = snapshot_dir;
  options.partition = partition;
  options.journal.segment_size_max = segment_size_max;
  return options;
}

EntryFormat LogOptions::entry_format() const {
  return url.starts_with("redis://") ? backend_options().format : EntryFormat::native;
}

void add_log_option(CLI::App& cmd, LogOptions& options) {
  cmd.add_option("--log", options.url,
                 "Log backend: file:DIR (the embedded journal) or "
                 "redis://[user:password@]host:port[/db][?stream=NAME]")
      ->envname("LMX_LOG")
      ->capture_default_str();
  cmd.add_option("--partition", options.partition,
                 "Redis backend: serve one partition of a sharded deployment: the stream S of "
                 "--log becomes {KEY}:S (e.g. --partition shop-7 with stream=orders uses "
                 "{shop-7}:orders), its results, snapshots and keys beside it, all in one Redis "
                 "Cluster slot. Run one engine per partition; an order stays within its "
                 "partition. Refused with a file: log (give each partition its own directory)")
      ->type_name("KEY")
      ->envname("LMX_PARTITION");
}

void add_snapshot_dir_option(CLI::App& cmd, LogOptions& options) {
  cmd.add_option("--snapshot-dir", options.snapshot_dir,
                 "Redis backend: keep snapshots in this directory instead of in Redis keys "
                 "(<stream>:snapshot:*); the file backend always uses DIR/snapshots");
}

void add_fsync_option(CLI::App& cmd, LogOptions& options) {
  cmd.add_option("--fsync", options.fsync,
                 "File journal durability: always (each batch on disk before it counts), "
                 "interval (at most every 100 ms), none (left to the OS)")
      ->check(CLI::IsMember({"always", "interval", "none"}))
      ->capture_default_str();
}

void add_segment_size_option(CLI::App& cmd, LogOptions& options, std::string_view journal) {
  cmd.add_option("--segment-size", options.segment_size_max,
                 fmt::format("File backend: the size at which the {} starts a new segment "
                             "(e.g. 16MiB, 512KiB; at least {} bytes). lmx trim removes whole "
                             "segments, so smaller ones keep the log closer to the oldest "
                             "snapshot",
                             journal, journal_segment_size_min))
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::Range(journal_segment_size_min, journal_segment_size_max))
      ->capture_default_str();
}

void add_format_option(CLI::App& cmd, LogOptions& options) {
  cmd.add_option("--format", options.format,
                 "Redis entry format: native (lmx binary), seed (type + msgpack data, as "
                 "the original Go producer wrote) or json (one field json holding the event's "
                 "JSON line, as any Redis client can write it); the engine reads all three, "
                 "mixed in one stream. The file journal always stores native events")
      ->check(CLI::IsMember({"native", "seed", "json"}))
      ->capture_default_str();
}

void add_results_layout_option(CLI::App& cmd, LogOptions& options) {
  cmd.add_option("--results-layout", options.results_layout,
                 "Redis backend: how results go to <stream>:results: per-result (one entry per "
                 "input entry, fields pos, type, reason, ...) or packed (up to 256 consecutive "
                 "results in one entry, as a JSON array: far less work for the server per "
                 "result; docs/REDIS.md). lmx reads both, mixed in one stream")
      ->check(CLI::IsMember({"per-result", "packed"}))
      ->capture_default_str();
}

std::chrono::milliseconds parse_duration(const std::string& text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, value);
  const std::string_view unit(p, static_cast<std::size_t>(end - p));
  std::uint64_t ms_per_unit = 0;
  if (unit.empty() || unit == "s") ms_per_unit = 1000;
  if (unit == "ms") ms_per_unit = 1;
  if (unit == "m") ms_per_unit = 60'000;
  if (unit == "h") ms_per_unit = 3'600'000;
  if (ec != std::errc{} || p == text.data() || ms_per_unit == 0 || value == 0 ||
      value > UINT32_MAX) {
    throw CLI::ValidationError("duration '" + text +
                               "': use a positive number with ms, s, m or h (e.g. 30s)");
  }
  return std::chrono::milliseconds(value * ms_per_unit);
}

}  // namespace lmx::cli
