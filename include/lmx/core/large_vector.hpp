#pragma once
// The vector of the state's large arrays (entity vectors, hash index slots, snapshot copies):
// at 1M users they span tens of MiB, touched at random, and their first touch after a load
// or a snapshot copy faults every 4 KiB page in. Their allocator asks the kernel to back
// them with transparent huge pages where the system leaves that to the program
// (/sys/kernel/mm/transparent_hugepage/enabled set to "madvise", as on this project's
// benchmark machine): one fault and one TLB entry per 2 MiB. A hint only: with huge pages
// off ("never") or on for every program ("always"), nothing changes. Measured in
// BENCHMARKS.md, Engine ("Huge pages for the state's arrays").

#include <cstddef>
#include <memory>
#include <vector>

namespace lmx {

// Asks for huge pages for the whole 2 MiB pages within [data, data + bytes), before their
// first touch. Does nothing for arrays smaller than that, or where the kernel refuses.
void advise_huge_pages(void* data, std::size_t bytes) noexcept;

template <class T>
struct HugePageAllocator {
  using value_type = T;

  HugePageAllocator() noexcept = default;
  template <class U>
  explicit HugePageAllocator(const HugePageAllocator<U>& /*unused*/) noexcept {}

  [[nodiscard]] T* allocate(std::size_t n) {
    T* data = std::allocator<T>{}.allocate(n);
    advise_huge_pages(data, n * sizeof(T));
    return data;
  }
  void deallocate(T* data, std::size_t n) noexcept { std::allocator<T>{}.deallocate(data, n); }

  friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) noexcept {
    return true;
  }
};

template <class T>
using LargeVector = std::vector<T, HugePageAllocator<T>>;

}  // namespace lmx
