#include "pipeline/log_trim.hpp"

#include <fmt/format.h>

#include "lmx/assert.hpp"

namespace lmx {
namespace {

std::string removed(const TrimmedLog& log, std::string_view what) {
  std::string text = fmt::format("{} {}", log.entry_count, what);
  if (log.segment_count > 0) {
    text +=
        fmt::format(" ({} segment{}, {:.1f} MB)", log.segment_count,
                    log.segment_count == 1 ? "" : "s", static_cast<double>(log.byte_count) / 1e6);
  }
  return text;
}

std::string start(const TrimmedLog& log) {
  return log.start.is_zero() ? "nothing" : log.start.to_string();
}

}  // namespace

std::optional<TrimReport> trim_to_oldest_snapshot(SnapshotStore& store, LogTrimmer& trimmer,
                                                  std::vector<std::string>& problems) {
  const std::optional<Position> oldest = store.oldest_valid(problems);
  if (!oldest) return std::nullopt;
  LMX_ASSERT(!oldest->is_zero());
  return trimmer.trim(*oldest);
}

std::string describe_trim(const TrimReport& report) {
  return fmt::format(
      "before the snapshot at {}, removed {} and {}; the log now starts at {}, the results at {}",
      report.keep_from.to_string(), removed(report.events, "entries"),
      removed(report.results, "results"), start(report.events), start(report.results));
}

}  // namespace lmx
