#include "backend/file/file_snapshot_store.hpp"

#include <fcntl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <stdexcept>
#include <system_error>

#include "backend/file/posix_file.hpp"
#include "format/snapshot_codec.hpp"
#include "lmx/constants.hpp"

namespace lmx {
namespace {

constexpr std::string_view name_prefix = "snapshot-";
constexpr std::string_view name_suffix = ".lmxs";

bool is_snapshot_name(const std::string& name) {
  return name.size() == name_prefix.size() + 20 + 1 + 20 + name_suffix.size() &&
         name.starts_with(name_prefix) && name.ends_with(name_suffix);
}

}  // namespace

std::filesystem::path snapshots_dir(const std::filesystem::path& data_dir) {
  return data_dir / "snapshots";
}

std::string snapshot_file_name(Position position) {
  return fmt::format("{}{:020}-{:020}{}", name_prefix, position.major, position.minor, name_suffix);
}

FileSnapshotStore::FileSnapshotStore(std::filesystem::path dir, std::size_t keep_count)
    : dir_(std::move(dir)), keep_count_(keep_count) {
  if (keep_count_ == 0) throw std::invalid_argument("a snapshot store must keep at least one");
  create_data_directories(dir_);
}

std::vector<std::filesystem::path> FileSnapshotStore::list() const {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (is_snapshot_name(entry.path().filename().string())) files.push_back(entry.path());
  }
  // Zero-padded positions: the greatest name is the newest snapshot.
  std::sort(files.begin(), files.end(), std::greater<>());
  return files;
}

// Written as it is encoded, a piece at a time: saving holds no second copy of the state.
SavedSnapshot FileSnapshotStore::save(const Snapshot& snapshot) {
  SnapshotEncoder encoder(snapshot);
  const std::filesystem::path final_path = dir_ / snapshot_file_name(snapshot.position);
  std::filesystem::path temp_path = final_path;
  temp_path += ".tmp";
  {
    const UniqueFd fd = open_file(temp_path, O_WRONLY | O_CREAT | O_TRUNC);
    std::string piece;
    piece.reserve(snapshot_piece_bytes + 1024);
    for (std::uint64_t offset = 0; encoder.next(piece, snapshot_piece_bytes); piece.clear()) {
      pwrite_full(fd.get(), piece.data(), piece.size(), offset, temp_path);
      offset += piece.size();
    }
    fdatasync_or_throw(fd.get(), temp_path);
  }
  std::filesystem::rename(temp_path, final_path);
  fsync_directory(dir_);
  drop_oldest();
  return {snapshot.position, encoder.digest(), encoder.size()};
}

void FileSnapshotStore::drop_oldest() {
  const std::vector<std::filesystem::path> files = list();
  for (std::size_t i = keep_count_; i < files.size(); ++i) std::filesystem::remove(files[i]);
  assert(list().size() <= keep_count_);
}

std::optional<Snapshot> FileSnapshotStore::load_newest(std::vector<std::string>& problems,
                                                       Position at_most) {
  for (const std::filesystem::path& file : list()) {
    std::optional<Snapshot> snapshot = load(file, problems);
    if (!snapshot) continue;
    if (at_most < snapshot->position) {
      problems.push_back(file.filename().string() + ": " + after_limit(at_most));
      continue;
    }
    return snapshot;
  }
  return std::nullopt;
}

std::optional<Position> FileSnapshotStore::oldest_valid(std::vector<std::string>& problems) {
  const std::vector<std::filesystem::path> files = list();
  for (auto file = files.rbegin(); file != files.rend(); ++file) {
    if (const std::optional<Snapshot> snapshot = load(*file, problems)) return snapshot->position;
  }
  return std::nullopt;
}

std::optional<Snapshot> FileSnapshotStore::load(const std::filesystem::path& file,
                                                std::vector<std::string>& problems) const {
  try {
    Snapshot snapshot = decode_snapshot(read_whole_file(file));
    if (file.filename() != snapshot_file_name(snapshot.position)) {
      throw std::runtime_error("snapshot holds position " + snapshot.position.to_string() +
                               ", not the one in its name");
    }
    return snapshot;
  } catch (const std::runtime_error& e) {  // std::system_error too: an unreadable file
    problems.push_back(file.filename().string() + ": " + e.what());
    return std::nullopt;
  }
}

}  // namespace lmx
