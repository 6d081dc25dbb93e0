#pragma once
// A named input: a file path, or "-" for stdin. Opening failure is an operating error
// with the path and the system's reason. Read through its descriptor (JsonLinesReader),
// not stdio, so that what a pipe delivers is seen as soon as it arrives.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace lmx::cli {

class InputFile {
 public:
  explicit InputFile(const std::string& path)
      : name_(path == "-" ? "stdin" : path), fd_(path == "-" ? STDIN_FILENO : open(path)) {}
  ~InputFile() {
    if (fd_ != STDIN_FILENO) ::close(fd_);
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  [[nodiscard]] int fd() const noexcept { return fd_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

 private:
  static int open(const std::string& path) {
    int fd = -1;
    do {
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot open " + path);
    return fd;
  }

  std::string name_;
  int fd_;
};

}  // namespace lmx::cli
