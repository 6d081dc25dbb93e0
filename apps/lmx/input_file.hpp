#pragma once
// A named input: a file path, or "-" for stdin. Opening failure is an operating error
// with the path and the system's reason.

#include <cerrno>
#include <cstdio>
#include <string>
#include <system_error>

namespace lmx::cli {

class InputFile {
 public:
  explicit InputFile(const std::string& path)
      : name_(path == "-" ? "stdin" : path),
        file_(path == "-" ? stdin : std::fopen(path.c_str(), "rb")) {
    if (file_ == nullptr) {
      throw std::system_error(errno, std::generic_category(), "cannot open " + path);
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
