#pragma once
// The in-memory state the business logic owns: users with balances, items with price and
// remaining stock, and the record of client command ids (id_record.hpp). Entities live in dense
// vectors in the order the log created them; a flat hash index finds them by key. A snapshot is a
// flat copy of the two vectors.

#include <cstdint>
#include <cstring>
#include <span>

#include "lmx/core/flat_index.hpp"
#include "lmx/core/id_record.hpp"
#include "lmx/core/large_vector.hpp"
#include "lmx/core/sku.hpp"

namespace lmx {

struct User {
  std::int64_t user_id = 0;
  std::int64_t balance = 0;
};

struct Item {
  Sku item_id;
  std::int64_t price = 0;
  std::int64_t remain = 0;
};

// A word at a time over the id's bytes (the array's unused tail, which may hold anything,
// masked off), then mixed: a few multiplies where a byte-wise hash takes one per byte, which
// matters because every order line is hashed on the business logic thread.
[[nodiscard]] inline std::uint64_t hash_sku(const Sku& sku) noexcept {
  static_assert(sku_size_max % 8 == 0, "the id's array is whole words");
  std::uint64_t h = 0xcbf29ce484222325ULL ^ sku.size;
  for (std::size_t i = 0; i < sku.size; i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, sku.bytes.data() + i, sizeof word);
    const std::size_t left = sku.size - i;
    if (left < 8) word &= (std::uint64_t{1} << (8 * left)) - 1;
    h = (h ^ word) * 0x9e3779b97f4a7c15ULL;
  }
  return hash_int64(static_cast<std::int64_t>(h));
}

class State {
 public:
  [[nodiscard]] User* find_user(std::int64_t user_id) noexcept;
  [[nodiscard]] Item* find_item(const Sku& item_id) noexcept;
  [[nodiscard]] const User* find_user(std::int64_t user_id) const noexcept;
  [[nodiscard]] const Item* find_item(const Sku& item_id) const noexcept;

  // The same, looked for first at dense index `candidate` (a LookupHint's): one key
  // comparison when it holds, the full lookup when it does not or is npos.
  [[nodiscard]] User* find_user(std::int64_t user_id, std::uint32_t candidate) noexcept {
    if (candidate < users_.size() && users_[candidate].user_id == user_id) {
      return &users_[candidate];
    }
    return find_user(user_id);
  }
  [[nodiscard]] Item* find_item(const Sku& item_id, std::uint32_t candidate) noexcept {
    if (candidate < items_.size() && items_[candidate].item_id == item_id) {
      return &items_[candidate];
    }
    return find_item(item_id);
  }

  // Cache hints for the entities of an event about to be applied, which change no result:
  // at 1M users the index slot and the user each miss the cache. prefetch_user_slot starts
  // loading the index slot for the key's hash (user_hash); prefetch_user, called later
  // (once that slot is in), finds the first candidate there, starts loading it and returns
  // its dense index (npos when there is none): what a LookupHint holds.
  [[nodiscard]] static std::uint64_t user_hash(std::int64_t user_id) noexcept {
    return hash_int64(user_id);
  }
  void prefetch_user_slot(std::uint64_t hash) const noexcept { user_index_.prefetch(hash); }
  std::uint32_t prefetch_user(std::uint64_t hash) const noexcept {
    const std::uint32_t index = user_index_.first_candidate(hash);
    if (index != FlatIndex::npos) prefetch_read(&users_[index]);
    return index;
  }
  // The same for an item (a valid id): at 1M users the user traffic evicts even 10k items'
  // index and entries from the cache.
  [[nodiscard]] static std::uint64_t item_hash(const Sku& item_id) noexcept {
    return hash_sku(item_id);
  }
  void prefetch_item_slot(std::uint64_t hash) const noexcept { item_index_.prefetch(hash); }
  std::uint32_t prefetch_item(std::uint64_t hash) const noexcept {
    const std::uint32_t index = item_index_.first_candidate(hash);
    if (index != FlatIndex::npos) prefetch_read(&items_[index]);
    return index;
  }

  // Adds an entity the caller checked is absent. References returned by earlier calls
  // may be invalidated (the vectors can grow).
  User& add_user(std::int64_t user_id);
  Item& add_item(const Sku& item_id, std::int64_t price);

  [[nodiscard]] std::span<const User> users() const noexcept { return users_; }
  [[nodiscard]] std::span<const Item> items() const noexcept { return items_; }
  [[nodiscard]] IdRecord& ids() noexcept { return ids_; }
  [[nodiscard]] const IdRecord& ids() const noexcept { return ids_; }

  // Rebuilds the state from entity lists (a snapshot). Keys must be unique.
  void assign(const LargeVector<User>& users, const LargeVector<Item>& items);

  // Reserves room so that the hot path does not reallocate while the state grows to this.
  void reserve(std::size_t users, std::size_t items);

  friend bool operator==(const State& a, const State& b) noexcept;

 private:
  LargeVector<User> users_;
  LargeVector<Item> items_;
  FlatIndex user_index_;
  FlatIndex item_index_;
  IdRecord ids_;
};

}  // namespace lmx
