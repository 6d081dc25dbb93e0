#include "backend/file/posix_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <system_error>
#include <utility>

namespace lmx {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    UniqueFd old(std::exchange(fd_, other.release()));
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

int UniqueFd::release() noexcept {
  return std::exchange(fd_, -1);
}

void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), "" + what);
}

UniqueFd open_file(const std::filesystem::path& path, int flags, int mode) {
  int fd = -1;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) throw_errno("cannot open " + path.string());
  return UniqueFd(fd);
}

void create_data_directories(const std::filesystem::path& path) {
  std::filesystem::path prefix;
  for (const std::filesystem::path& part : path) {
    prefix /= part;
    if (::mkdir(prefix.c_str(), static_cast<mode_t>(data_directory_mode)) != 0 && errno != EEXIST) {
      throw_errno("cannot create directory " + prefix.string());
    }
  }
  if (!std::filesystem::is_directory(path)) {
    throw std::system_error(ENOTDIR, std::generic_category(), path.string());
  }
}

std::size_t pread_full(int fd, char* data, std::size_t size, std::uint64_t offset) {
  assert(fd >= 0);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, data + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("read at offset " + std::to_string(offset + done));
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  assert(done <= size);
  return done;
}

void pwrite_full(int fd, const char* data, std::size_t size, std::uint64_t offset,
                 const std::filesystem::path& path) {
  assert(fd >= 0);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pwrite(fd, data + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw_errno("write to " + path.string() + " at offset " + std::to_string(offset + done));
    done += static_cast<std::size_t>(n);
  }
}

void fdatasync_or_throw(int fd, const std::filesystem::path& what) {
  if (::fdatasync(fd) != 0) throw_errno("fdatasync of " + what.string());
}

void fsync_directory(const std::filesystem::path& dir) {
  const UniqueFd fd = open_file(dir, O_RDONLY | O_DIRECTORY);
  if (::fsync(fd.get()) != 0) throw_errno("fsync of directory " + dir.string());
}

std::string read_whole_file(const std::filesystem::path& path) {
  const UniqueFd fd = open_file(path, O_RDONLY);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw_errno("stat of " + path.string());
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  bytes.resize(pread_full(fd.get(), bytes.data(), bytes.size(), 0));
  return bytes;
}

}  // namespace lmx
