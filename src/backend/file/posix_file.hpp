#pragma once
// Private helpers over POSIX file calls: an owning descriptor, and reads and writes that
// retry on EINTR and short counts and throw std::system_error naming what was being done.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace lmx {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  [[nodiscard]] int get() const noexcept { return fd_; }
  [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
  int release() noexcept;

 private:
  int fd_ = -1;
};

[[noreturn]] void throw_errno(const std::string& what);

// Modes of what lmx creates: balances and orders are nobody else's business, so data
// files are readable by their owner only, whatever the umask.
inline constexpr int data_file_mode = 0600;
inline constexpr int data_directory_mode = 0700;

// Opens `path` with `flags` (O_CLOEXEC is added); throws naming the path on failure.
[[nodiscard]] UniqueFd open_file(const std::filesystem::path& path, int flags,
                                 int mode = data_file_mode);

// Creates `path` and any missing parents with data_directory_mode (existing ones keep
// theirs); throws naming the path on failure.
void create_data_directories(const std::filesystem::path& path);

// Reads up to `size` bytes at `offset`; fewer only at the end of the file.
[[nodiscard]] std::size_t pread_full(int fd, char* data, std::size_t size, std::uint64_t offset);

// Writes all of `size` bytes at `offset`, or throws naming `path` (the file behind `fd`) and
// the offset: "write to DIR/results/…seg at offset 65536: No space left on device".
void pwrite_full(int fd, const char* data, std::size_t size, std::uint64_t offset,
                 const std::filesystem::path& path);

void fdatasync_or_throw(int fd, const std::filesystem::path& what);

// Makes a rename or a new file in `dir` durable.
void fsync_directory(const std::filesystem::path& dir);

// The whole file; throws on an I/O error.
[[nodiscard]] std::string read_whole_file(const std::filesystem::path& path);

}  // namespace lmx
