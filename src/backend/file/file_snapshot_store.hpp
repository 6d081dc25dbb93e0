#pragma once
// Snapshots as files in a directory (DATA_DIR/snapshots/), in the format of
// snapshot_codec.hpp, one per position, named so that names sort like positions:
//
//   snapshot-00000000000000000000-00000000000001000000.lmxs    position 1000000
//   snapshot-<major, 20 digits>-<minor, 20 digits>.lmxs
//
// save() writes "<name>.tmp", fsyncs it, renames it over <name> and fsyncs the directory,
// so a crash leaves either the whole new snapshot or none of it; then it deletes all but
// the newest `keep_count`. load_newest() tries the newest first and falls back to older
// ones, describing each one it had to skip; oldest_valid() goes the other way.
//
//   FileSnapshotStore store(snapshots_dir(data_dir));

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lmx/constants.hpp"
#include "lmx/core/snapshot_store.hpp"

namespace lmx {

[[nodiscard]] std::filesystem::path snapshots_dir(const std::filesystem::path& data_dir);
[[nodiscard]] std::string snapshot_file_name(Position position);

class FileSnapshotStore final : public SnapshotStore {
 public:
  // Creates `dir` if needed.
  explicit FileSnapshotStore(std::filesystem::path dir,
                             std::size_t keep_count = snapshot_keep_count);

  SavedSnapshot save(const Snapshot& snapshot) override;
  [[nodiscard]] std::optional<Snapshot> load_newest(std::vector<std::string>& problems,
                                                    Position at_most) override;
  [[nodiscard]] std::optional<Position> oldest_valid(std::vector<std::string>& problems) override;

  // The snapshot files, newest first.
  [[nodiscard]] std::vector<std::filesystem::path> list() const;

 private:
  void drop_oldest();
  // The snapshot in `file` when it loads and holds the position its name says; otherwise
  // nullopt, with why in `problems`.
  [[nodiscard]] std::optional<Snapshot> load(const std::filesystem::path& file,
                                             std::vector<std::string>& problems) const;

  std::filesystem::path dir_;
  std::size_t keep_count_;
};

}  // namespace lmx
