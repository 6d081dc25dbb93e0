#pragma once
// A cache hint the compiler keeps. GCC 12 deletes a __builtin_prefetch whose address comes
// out of a loop (a hash over an id's bytes, a probe of the index) along with the loop, since
// the hint has no effect it must preserve; on x86-64 the hint is therefore written as the
// instruction itself, in a volatile asm that the loop feeds.

namespace lmx {

inline void prefetch_read(const void* address) noexcept {
#if defined(__x86_64__)
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(address)));
#else
  __builtin_prefetch(address);
#endif
}

}  // namespace lmx
