#include "backend/file/engine_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>

#include "backend/file/posix_file.hpp"
#include "lmx/assert.hpp"

namespace lmx {
namespace {

class DirectoryLock final : public EngineLock {
 public:
  explicit DirectoryLock(UniqueFd fd) : fd_(std::move(fd)) { LMX_ASSERT(fd_.valid()); }

 private:
  UniqueFd fd_;  // closing it releases the flock
};

std::string holder_of(int fd) {
  char text[32] = {};
  const std::size_t size = pread_full(fd, text, sizeof(text) - 1, 0);
  std::string pid(text, size);
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? "unknown" : pid;
}

}  // namespace

std::unique_ptr<EngineLock> lock_data_directory(const std::filesystem::path& dir) {
  create_data_directories(dir);
  const std::filesystem::path path = dir / "engine.lock";
  UniqueFd fd = open_file(path, O_RDWR | O_CREAT);
  int status = 0;
  do {
    status = ::flock(fd.get(), LOCK_EX | LOCK_NB);
  } while (status != 0 && errno == EINTR);
  if (status != 0 && errno == EWOULDBLOCK) {
    throw std::runtime_error(fmt::format(
        "another engine (pid {}) is running on {}: one lmx run per data directory; stop it "
        "first (it holds {})",
        holder_of(fd.get()), dir.string(), path.string()));
  }
  if (status != 0) throw_errno("cannot lock " + path.string());
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd.get(), 0) != 0) throw_errno("cannot write " + path.string());
  pwrite_full(fd.get(), pid.data(), pid.size(), 0, path);
  return std::make_unique<DirectoryLock>(std::move(fd));
}

}  // namespace lmx
