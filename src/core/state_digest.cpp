#include "lmx/core/state_digest.hpp"

#include <bit>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>

#include "lmx/assert.hpp"

// The whole of xxHash inlined into this file: liblmx needs no xxhash library at link time,
// and neither does a project that links it.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace lmx {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the digest hashes integers as their little-endian bytes");

class Hasher {
 public:
  Hasher() noexcept {
    const XXH_errorcode reset = XXH3_64bits_reset(&state_);
    LMX_ASSERT(reset == XXH_OK);
  }

  // The streaming state buffers small inputs itself, so one call per field costs no more
  // than filling a buffer here.
  template <class T>
  requires std::is_integral_v<T>
  void add(T value) noexcept {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    add_bytes(std::string_view(bytes, sizeof(T)));
  }

  void add_bytes(std::string_view bytes) noexcept {
    const XXH_errorcode updated = XXH3_64bits_update(&state_, bytes.data(), bytes.size());
    LMX_ASSERT(updated == XXH_OK);
  }

  [[nodiscard]] std::uint64_t value() const noexcept { return XXH3_64bits_digest(&state_); }

 private:
  XXH3_state_t state_{};
};

void add_ids(Hasher& hasher, std::span<const RecordedId> ids) noexcept {
  for (const RecordedId& record : ids) {
    LMX_ASSERT(record.id.valid());
    hasher.add(record.position.major);
    hasher.add(record.position.minor);
    hasher.add(static_cast<std::uint8_t>(record.reason));
    hasher.add(record.id.size);
    hasher.add_bytes(record.id.view());
  }
}

// The ids come in the two spans the id record's ring holds them in, oldest first.
std::uint64_t digest_of(std::span<const User> users, std::span<const Item> items,
                        std::uint64_t id_horizon, std::span<const RecordedId> ids_oldest,
                        std::span<const RecordedId> ids_newest) noexcept {
  LMX_ASSERT(ids_oldest.size() + ids_newest.size() <= id_horizon);
  Hasher hasher;
  // The counts first: entities have no terminator, so without them the same bytes could
  // be read as another mix of users, items and ids.
  hasher.add<std::uint64_t>(users.size());
  hasher.add<std::uint64_t>(items.size());
  hasher.add<std::uint64_t>(ids_oldest.size() + ids_newest.size());
  hasher.add(id_horizon);
  for (const User& user : users) {
    hasher.add(user.user_id);
    hasher.add(user.balance);
  }
  for (const Item& item : items) {
    LMX_ASSERT(item.item_id.valid());
    hasher.add(item.item_id.size);
    hasher.add_bytes(item.item_id.view());
    hasher.add(item.price);
    hasher.add(item.remain);
  }
  add_ids(hasher, ids_oldest);
  add_ids(hasher, ids_newest);
  return hasher.value();
}

}  // namespace

std::uint64_t state_digest(const State& state) noexcept {
  const IdRecord& ids = state.ids();
  return digest_of(state.users(), state.items(), ids.horizon(), ids.oldest(), ids.newest());
}

std::uint64_t state_digest(const Snapshot& snapshot) noexcept {
  return digest_of(snapshot.users, snapshot.items, snapshot.id_horizon, snapshot.ids, {});
}

}  // namespace lmx
