#pragma once
// A named input: a file path, or "-" for stdin. Opening failure is an operating error
// with the path and the system's reason.

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

namespace lmx::cli {

class InputFile {
 public:
  explicit InputFile(const std::string& path)
      : name_(path == "-" ? "stdin" : path),
        file_(path == "-" ? stdin : std::fopen(path.c_str(), "rb")) {
    if (file_ == nullptr) {
      throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
    }
  }
  ~InputFile() {
    if (file_ != stdin) std::fclose(file_);
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  [[nodiscard]] std::FILE* get() const noexcept { return file_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

 private:
  std::string name_;
  std::FILE* file_;
};

}  // namespace lmx::cli
