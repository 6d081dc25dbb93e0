// The low-level file calls: a failed write names the file and the offset, so that "No space
// left on device" tells an operator which file could not grow.

#include "backend/file/posix_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <string>
#include <system_error>

#include "../support/temp_dir.hpp"

namespace lmx {
namespace {

TEST(PosixFile, AFailedWriteNamesTheFileAndTheOffset) {
  const test::TempDir dir;
  const std::filesystem::path path = dir.path() / "00000000000000000001.seg";
  { const UniqueFd created = open_file(path, O_WRONLY | O_CREAT); }
  const UniqueFd read_only = open_file(path, O_RDONLY);  // a write fails with EBADF
  const std::string bytes(16, 'x');
  try {
    pwrite_full(read_only.get(), bytes.data(), bytes.size(), 4096, path);
    FAIL() << "a write through a read-only descriptor succeeded";
  } catch (const std::system_error& error) {
    const std::string what = error.what();
    EXPECT_NE(what.find("write to " + path.string() + " at offset 4096"), std::string::npos)
        << what;
  }
}

}  // namespace
}  // namespace lmx
