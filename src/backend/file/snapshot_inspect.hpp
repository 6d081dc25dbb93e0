#pragma once
// Offline verification of one snapshot file (`lmx inspect snapshot FILE`): what its header
// says and whether the whole file checks out.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lmx/core/id_record.hpp"
#include "lmx/core/position.hpp"

namespace lmx {

struct SnapshotReport {
  std::filesystem::path path;
  std::uint64_t size_bytes = 0;
  bool header_ok = false;  // the fields below come from a readable header
  Position position;
  std::uint32_t entry_checksum = 0;
  std::uint64_t user_count = 0;
  std::uint64_t item_count = 0;
  std::uint64_t id_count = 0;
  std::uint64_t id_horizon = 0;
  std::optional<std::uint64_t> digest;  // the stored state digest (none before version 4)
  std::vector<RecordedId> ids;          // the recorded command ids, oldest first, when ok
  bool ok = false;                      // checksum, counts, entities and digest all verified
  std::string error;                    // why not, when !ok
};

// Throws only when the file cannot be read at all.
[[nodiscard]] SnapshotReport inspect_snapshot(const std::filesystem::path& path);

[[nodiscard]] std::string format_snapshot_report(const SnapshotReport& report);

}  // namespace lmx
