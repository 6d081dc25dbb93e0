// The state's large arrays ask for transparent huge pages: the kernel records the request on
// the mapping that holds them (the "hg" flag of /proc/self/smaps).

#include "lmx/core/large_vector.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace lmx {
namespace {

constexpr std::uintptr_t huge_page = std::uintptr_t{2} << 20;

// The VmFlags of the mapping of this process that holds `address`; empty when none does.
std::string vm_flags_at(const void* address) {
  const auto at = reinterpret_cast<std::uintptr_t>(address);
  std::ifstream smaps("/proc/self/smaps");
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    std::uintptr_t begin = 0;
    std::uintptr_t end = 0;
    char dash = 0;
    std::istringstream range(line);
    if (range >> std::hex >> begin >> dash >> end && dash == '-') {
      inside = begin <= at && at < end;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line;
    }
  }
  return "";
}

bool kernel_has_huge_pages() {
  return std::filesystem::exists("/sys/kernel/mm/transparent_hugepage/enabled");
}

TEST(LargeVector, AskedForHugePagesOverTheWhole2MiBPagesItHolds) {
  if (!kernel_has_huge_pages()) GTEST_SKIP() << "this kernel has no transparent huge pages";
  LargeVector<std::uint64_t> large(3 * huge_page / sizeof(std::uint64_t), 7);
  const auto begin = reinterpret_cast<std::uintptr_t>(large.data());
  const std::uintptr_t first_whole_page = (begin + huge_page - 1) / huge_page * huge_page;
  const auto* inside = large.data() + (first_whole_page - begin) / sizeof(std::uint64_t);
  EXPECT_NE(vm_flags_at(inside).find(" hg"), std::string::npos) << vm_flags_at(inside);
  EXPECT_EQ(large.back(), 7u);
}

}  // namespace
}  // namespace lmx
