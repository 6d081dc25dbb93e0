#include "lmx/core/large_vector.hpp"

#include <sys/mman.h>

#include <cstdint>

namespace lmx {

void advise_huge_pages(void* data, std::size_t bytes) noexcept {
  constexpr std::size_t huge_page = std::size_t{2} << 20;
  const std::size_t misalignment = reinterpret_cast<std::uintptr_t>(data) % huge_page;
  const std::size_t lead = misalignment == 0 ? 0 : huge_page - misalignment;
  if (bytes < lead + huge_page) return;
  // A refusal (no THP in this kernel) leaves ordinary pages: nothing to report.
  (void)madvise(static_cast<char*>(data) + lead, (bytes - lead) / huge_page * huge_page,
                MADV_HUGEPAGE);
}

}  // namespace lmx
