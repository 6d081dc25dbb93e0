#pragma once
// An open-addressing hash index from a key to a dense `uint32_t` index into a vector the
// caller owns. Flat (one array, linear probing), so lookups touch one or two cache lines
// and no node is ever allocated. A slot keeps the low 32 bits of the key's hash (they pick
// its home slot too) beside the index: 8 bytes, so that 1M users' index is 16 MiB where
// whole 64-bit hashes made it 32 MiB, twice the cache misses at that size. Keys whose
// hashes share those bits cost one more key comparison, never a wrong answer. The index
// never iterates in hash order for anyone: callers iterate their own dense vectors, which
// are in insertion (log) order.

#include <cassert>
#include <cstdint>

#include "lmx/core/cache_hint.hpp"
#include "lmx/core/large_vector.hpp"

namespace lmx {

class FlatIndex {
 public:
  static constexpr std::uint32_t npos = UINT32_MAX;

  FlatIndex() { slots_.resize(initial_capacity); }

  // Returns the dense index whose key `matches` (called with candidate indices of equal
  // hash), or npos.
  template <class Matches>
  [[nodiscard]] std::uint32_t find(std::uint64_t hash, Matches&& matches) const noexcept {
    const std::uint32_t kept = kept_bits(hash);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = kept & mask;; i = (i + 1) & mask) {
      const Slot& slot = slots_[i];
      if (slot.index == npos) return npos;
      if (slot.hash == kept && matches(slot.index)) return slot.index;
    }
  }

  // Starts loading the slot a find(hash) looks at first, without waiting for it: a hint
  // that changes no result.
  void prefetch(std::uint64_t hash) const noexcept {
    prefetch_read(&slots_[kept_bits(hash) & (slots_.size() - 1)]);
  }

  // The dense index of the first entry recorded under `hash`, or npos, without comparing
  // keys (so without loading the caller's entry): what a prefetch of the entry needs. It is
  // the entry find(hash, ...) returns unless two keys share the slot's 32 bits of hash.
  [[nodiscard]] std::uint32_t first_candidate(std::uint64_t hash) const noexcept {
    const std::uint32_t kept = kept_bits(hash);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = kept & mask;; i = (i + 1) & mask) {
      const Slot& slot = slots_[i];
      if (slot.index == npos || slot.hash == kept) return slot.index;
    }
  }

  // Records `index` under `hash` unless an entry of equal hash `matches` (called with
  // candidate indices, as in find): then returns that entry's index and records nothing.
  // Returns npos once `index` is recorded. One probe where find, then insert, take two.
  template <class Matches>
  [[nodiscard]] std::uint32_t insert_unless_present(std::uint64_t hash, std::uint32_t index,
                                                    Matches&& matches) {
    assert(index != npos);
    if ((size_ + 1) * 2 > slots_.size()) grow();
    const std::uint32_t kept = kept_bits(hash);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = kept & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.index == npos) {
        slot = Slot{kept, index};
        ++size_;
        return npos;
      }
      if (slot.hash == kept && matches(slot.index)) return slot.index;
    }
  }

  // Records `index` under `hash`. The caller has checked that the key is not present.
  void insert(std::uint64_t hash, std::uint32_t index) {
    assert(index != npos);
    if ((size_ + 1) * 2 > slots_.size()) grow();
    place(kept_bits(hash), index);
    ++size_;
  }

  // Removes the entry for dense index `index`, recorded under `hash`. Later entries of the
  // probe run shift back into the hole (no tombstones), so lookups stay as short as if the
  // entry had never been inserted.
  void erase(std::uint64_t hash, std::uint32_t index) noexcept {
    const std::size_t mask = slots_.size() - 1;
    std::size_t hole = kept_bits(hash) & mask;
    while (slots_[hole].index != index) {
      assert(slots_[hole].index != npos && "erase of an index that is not in the map");
      hole = (hole + 1) & mask;
    }
    for (std::size_t next = (hole + 1) & mask; slots_[next].index != npos;
         next = (next + 1) & mask) {
      // An entry may move into the hole only if its home slot is not between the hole
      // (exclusive) and its own slot (inclusive), cyclically: else the move would put it
      // before its home, where a lookup never looks.
      const std::size_t home = slots_[next].hash & mask;
      if (((next - home) & mask) >= ((next - hole) & mask)) {
        slots_[hole] = slots_[next];
        hole = next;
      }
    }
    slots_[hole] = Slot{};
    --size_;
  }

  // Sizes the table for `entries` without growing on the way, as a load of that many does.
  void reserve(std::size_t entries) {
    std::size_t capacity = slots_.size();
    while (entries * 2 > capacity) capacity *= 2;
    if (capacity != slots_.size()) rehash(capacity);
  }

  void clear() {
    slots_.assign(initial_capacity, Slot{});
    size_ = 0;
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  static constexpr std::size_t initial_capacity = 1024;
  static_assert((initial_capacity & (initial_capacity - 1)) == 0, "capacity is a power of two");

  struct Slot {
    std::uint32_t hash = 0;  // kept_bits of the key's hash
    std::uint32_t index = npos;
  };
  static_assert(sizeof(Slot) == 8);

  // What a slot keeps of a hash, and what picks its home slot.
  [[nodiscard]] static constexpr std::uint32_t kept_bits(std::uint64_t hash) noexcept {
    return static_cast<std::uint32_t>(hash);
  }

  void place(std::uint32_t kept, std::uint32_t index) noexcept {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = kept & mask;
    while (slots_[i].index != npos) i = (i + 1) & mask;
    slots_[i] = Slot{kept, index};
  }

  void grow() { rehash(slots_.size() * 2); }

  void rehash(std::size_t capacity) {
    LargeVector<Slot> old(capacity);
    old.swap(slots_);
    for (const Slot& slot : old) {
      if (slot.index != npos) place(slot.hash, slot.index);
    }
  }

  LargeVector<Slot> slots_;
  std::size_t size_ = 0;
};

// Mixes a 64-bit key (splitmix64's finalizer): sequential user ids spread across slots.
[[nodiscard]] constexpr std::uint64_t hash_int64(std::int64_t key) noexcept {
  auto x = static_cast<std::uint64_t>(key);
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// FNV-1a over the bytes, then mixed: deterministic across runs and machines.
[[nodiscard]] constexpr std::uint64_t hash_bytes(const char* data, std::size_t size) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (std::size_t i = 0; i < size; ++i) {
    h ^= static_cast<unsigned char>(data[i]);
    h *= 0x100000001b3ULL;
  }
  return hash_int64(static_cast<std::int64_t>(h));
}

}  // namespace lmx
