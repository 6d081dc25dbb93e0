#include "lmx/core/state.hpp"

#include <cassert>
#include <stdexcept>
#include <utility>

#include "lmx/core/snapshot.hpp"

namespace lmx {
const User* State::find_user(std::int64_t user_id) const noexcept {
  const std::uint32_t index = user_index_.find(
      hash_int64(user_id), [&](std::uint32_t i) { return users_[i].user_id == user_id; });
  return index == FlatIndex::npos ? nullptr : &users_[index];
}

const Item* State::find_item(const Sku& item_id) const noexcept {
  assert(item_id.valid());
  const std::uint32_t index = item_index_.find(
      hash_sku(item_id), [&](std::uint32_t i) { return items_[i].item_id == item_id; });
  return index == FlatIndex::npos ? nullptr : &items_[index];
}

User* State::find_user(std::int64_t user_id) noexcept {
  return const_cast<User*>(std::as_const(*this).find_user(user_id));
}

Item* State::find_item(const Sku& item_id) noexcept {
  return const_cast<Item*>(std::as_const(*this).find_item(item_id));
}

User& State::add_user(std::int64_t user_id) {
  assert(find_user(user_id) == nullptr);
  if (users_.size() >= FlatIndex::npos)
    throw std::length_error("too many users for a 32-bit index");
  user_index_.insert(hash_int64(user_id), static_cast<std::uint32_t>(users_.size()));
  return users_.emplace_back(User{user_id, 0});
}

Item& State::add_item(const Sku& item_id, std::int64_t price) {
  assert(item_id.valid());
  assert(find_item(item_id) == nullptr);
  if (items_.size() >= FlatIndex::npos)
    throw std::length_error("too many items for a 32-bit index");
  item_index_.insert(hash_sku(item_id), static_cast<std::uint32_t>(items_.size()));
  return items_.emplace_back(Item{item_id, price, 0});
}

void State::assign(const LargeVector<User>& users, const LargeVector<Item>& items) {
  users_.clear();
  items_.clear();
  user_index_.clear();
  item_index_.clear();
  reserve(users.size(), items.size());
  if (users.size() >= FlatIndex::npos) throw std::length_error("too many users for a 32-bit index");
  // At 1M users each insert misses the cache: the slot of the user a few ahead is prefetched.
  constexpr std::size_t ahead = 16;
  for (std::size_t i = 0; i < users.size(); ++i) {
    if (i + ahead < users.size()) user_index_.prefetch(hash_int64(users[i + ahead].user_id));
    const User& user = users[i];
    const std::uint32_t present = user_index_.insert_unless_present(
        hash_int64(user.user_id), static_cast<std::uint32_t>(i),
        [&](std::uint32_t j) { return users_[j].user_id == user.user_id; });
    if (present != FlatIndex::npos) throw std::invalid_argument("duplicate user id in state");
    users_.push_back(user);
  }
  for (const Item& item : items) {
    if (!item.item_id.valid()) throw std::invalid_argument("invalid item id in state");
    if (find_item(item.item_id) != nullptr)
      throw std::invalid_argument("duplicate item id in state");
    add_item(item.item_id, item.price).remain = item.remain;
  }
  assert(users_.size() == users.size());
  assert(items_.size() == items.size());
}

void State::reserve(std::size_t users, std::size_t items) {
  users_.reserve(users);
  items_.reserve(items);
  user_index_.reserve(users);
  item_index_.reserve(items);
}

bool operator==(const State& a, const State& b) noexcept {
  if (a.users_.size() != b.users_.size() || a.items_.size() != b.items_.size()) return false;
  for (std::size_t i = 0; i < a.users_.size(); ++i) {
    if (a.users_[i].user_id != b.users_[i].user_id || a.users_[i].balance != b.users_[i].balance) {
      return false;
    }
  }
  for (std::size_t i = 0; i < a.items_.size(); ++i) {
    const Item& x = a.items_[i];
    const Item& y = b.items_[i];
    if (!(x.item_id == y.item_id) || x.price != y.price || x.remain != y.remain) return false;
  }
  return a.ids_ == b.ids_;
}

Snapshot snapshot_of(const State& state, Position position) {
  Snapshot snapshot;
  snapshot.position = position;
  snapshot.users.assign(state.users().begin(), state.users().end());
  snapshot.items.assign(state.items().begin(), state.items().end());
  const IdRecord& ids = state.ids();
  snapshot.id_horizon = ids.horizon();
  snapshot.ids.reserve(ids.size());
  snapshot.ids.assign(ids.oldest().begin(), ids.oldest().end());
  snapshot.ids.insert(snapshot.ids.end(), ids.newest().begin(), ids.newest().end());
  return snapshot;
}

}  // namespace lmx
