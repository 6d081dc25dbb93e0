#include "backend/file/snapshot_inspect.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "backend/file/posix_file.hpp"
#include "format/snapshot_codec.hpp"

namespace lmx {

SnapshotReport inspect_snapshot(const std::filesystem::path& path) {
  SnapshotReport report;
  report.path = path;
  const std::string bytes = read_whole_file(path);
  report.size_bytes = bytes.size();
  try {
    const SnapshotHeader header = decode_snapshot_header(bytes);
    report.header_ok = true;
    report.position = header.position;
    report.entry_checksum = header.entry_checksum;
    report.user_count = header.user_count;
    report.item_count = header.item_count;
    report.id_count = header.id_count;
    report.id_horizon = header.id_horizon;
    report.digest = header.digest;
    report.ids = decode_snapshot(bytes).ids;
    report.ok = true;
  } catch (const std::runtime_error& e) {
    report.error = e.what();
  }
  return report;
}

std::string format_snapshot_report(const SnapshotReport& report) {
  std::string text =
      fmt::format("snapshot {}  bytes {}\n", report.path.string(), report.size_bytes);
  if (report.header_ok) {
    text += fmt::format(
        "position {}  entry checksum {:08x}  users {}  items {}  command ids {} (horizon {})\n",
        report.position.to_string(), report.entry_checksum, report.user_count, report.item_count,
        report.id_count, report.id_horizon);
    text += report.digest ? fmt::format("digest {:016x}\n", *report.digest)
                          : "digest not stored (a snapshot older than version 4)\n";
  }
  text += report.ok ? (report.digest ? "checksum ok  digest ok\n" : "checksum ok\n")
                    : "DAMAGE: " + report.error + "\n";
  return text;
}

}  // namespace lmx
