#include "format/snapshot_codec.hpp"

#include <fmt/format.h>

#include <cassert>
#include <optional>
#include <stdexcept>

#include "format/bytes.hpp"
#include "format/crc32c.hpp"
#include "lmx/assert.hpp"
#include "lmx/core/state_digest.hpp"

namespace lmx {
namespace {

constexpr std::size_t user_size = 16;
constexpr std::size_t item_size_min = 1 + 1 + 16;
constexpr std::size_t id_size_min = 16 + 1 + 1 + 1;

[[noreturn]] void fail(const std::string& why) {
  throw std::runtime_error("snapshot " + why);
}

void decode_users(ByteCursor& in, std::uint64_t count, LargeVector<User>& users) {
  if (count > in.remaining() / user_size) {
    fail(fmt::format("count mismatch: {} users do not fit in the payload", count));
  }
  users.resize(count);
  for (User& user : users) {
    const bool read = in.read(user.user_id) && in.read(user.balance);
    LMX_ASSERT(read);  // the count was checked against the bytes left
  }
}

void decode_items(ByteCursor& in, std::size_t base, std::uint64_t count, LargeVector<Item>& items) {
  if (count > in.remaining() / item_size_min) {
    fail(fmt::format("count mismatch: {} items do not fit in the payload", count));
  }
  items.resize(count);
  for (Item& item : items) {
    const std::size_t offset = base + in.offset();
    std::uint8_t size = 0;
    std::string_view id;
    if (!in.read(size) || !in.read_bytes(size, id) || !in.read(item.price) ||
        !in.read(item.remain)) {
      fail(fmt::format("count mismatch: the payload ends inside item {} at offset {}",
                       &item - items.data(), offset));
    }
    item.item_id = Sku::from(id);
    if (!item.item_id.valid()) fail(fmt::format("invalid item id at offset {}", offset));
  }
  LMX_ASSERT(items.size() == count);
}

// Reasons an id is recorded with: any but those that record nothing.
bool recordable(std::uint8_t code) noexcept {
  const std::optional<Reason> reason = reason_from_code(code);
  return reason && *reason != Reason::malformed && *reason != Reason::invalid_id &&
         *reason != Reason::duplicate;
}

void decode_ids(ByteCursor& in, std::size_t base, std::uint64_t count,
                std::vector<RecordedId>& ids) {
  if (count > in.remaining() / id_size_min) {
    fail(fmt::format("count mismatch: {} ids do not fit in the payload", count));
  }
  ids.resize(count);
  for (RecordedId& record : ids) {
    const std::size_t offset = base + in.offset();
    std::uint8_t reason = 0;
    std::uint8_t size = 0;
    std::string_view id;
    if (!in.read(record.position.major) || !in.read(record.position.minor) || !in.read(reason) ||
        !in.read(size) || !in.read_bytes(size, id)) {
      fail(fmt::format("count mismatch: the payload ends inside id {} at offset {}",
                       &record - ids.data(), offset));
    }
    record.id = CommandId::from(id);
    if (!record.id.valid() || !recordable(reason)) {
      fail(fmt::format("invalid command id at offset {}", offset));
    }
    record.reason = static_cast<Reason>(reason);
  }
}

// Reserved fields are zero in every snapshot lmx writes. Checked after the checksum: a
// snapshot that verifies with other values there was written by something else, and
// guessing what they mean could restore a wrong state.
void check_reserved(std::string_view bytes) {
  LMX_ASSERT(bytes.size() >= snapshot_v2_header_size);
  if (load_le<std::uint16_t>(bytes.data() + 6) != 0) fail("reserved field at offset 6 is not zero");
  // Version 1 reserved bytes 48..56; version 2 keeps 52..56 of them (48 is the checksum).
  if (load_le<std::uint16_t>(bytes.data() + 4) == 1 &&
      load_le<std::uint32_t>(bytes.data() + 48) != 0) {
    fail("reserved field at offset 48 is not zero");
  }
  if (load_le<std::uint32_t>(bytes.data() + 52) != 0)
    fail("reserved field at offset 52 is not zero");
}

// A body that decodes but digests to another value than the header's does not hold the
// state that was saved: restoring it would silently give a different state.
void check_digest(const SnapshotHeader& header, const Snapshot& snapshot) {
  if (!header.digest) return;
  const std::uint64_t computed = state_digest(snapshot);
  if (computed != *header.digest) {
    fail(
        fmt::format("digest mismatch: the state it holds digests to {:016x}, the header (offset "
                    "72) says {:016x}; the body is not the state that was saved",
                    computed, *header.digest));
  }
}

// The payload's size, before it is written: the header holds it.
std::size_t payload_size_of(const Snapshot& snapshot) {
  std::size_t size = snapshot.users.size() * user_size;
  for (const Item& item : snapshot.items) size += item_size_min - 1 + item.item_id.size;
  for (const RecordedId& record : snapshot.ids) size += id_size_min - 1 + record.id.size;
  return size;
}

}  // namespace

SnapshotEncoder::SnapshotEncoder(const Snapshot& snapshot)
    : snapshot_(snapshot),
      payload_size_(payload_size_of(snapshot)),
      digest_(state_digest(snapshot)) {
  LMX_ASSERT(snapshot.ids.size() <= snapshot.id_horizon);
}

bool SnapshotEncoder::next(std::string& out, std::size_t max) {
  LMX_ASSERT(max > 0);
  if (part_ == Part::done) return false;
  const std::size_t start = out.size();
  const auto room = [&] { return out.size() - start < max; };
  while (part_ != Part::checksum && room()) {
    switch (part_) {
      case Part::header:
        put_header(out);
        part_ = Part::users;
        break;
      case Part::users:
        for (; index_ < snapshot_.users.size() && room(); ++index_) {
          put_le(out, snapshot_.users[index_].user_id);
          put_le(out, snapshot_.users[index_].balance);
        }
        if (index_ == snapshot_.users.size()) next_part(Part::items);
        break;
      case Part::items:
        for (; index_ < snapshot_.items.size() && room(); ++index_) {
          const Item& item = snapshot_.items[index_];
          LMX_ASSERT(item.item_id.valid());
          put_le(out, item.item_id.size);
          out.append(item.item_id.view());
          put_le(out, item.price);
          put_le(out, item.remain);
        }
        if (index_ == snapshot_.items.size()) next_part(Part::ids);
        break;
      case Part::ids:
        for (; index_ < snapshot_.ids.size() && room(); ++index_) {
          const RecordedId& record = snapshot_.ids[index_];
          LMX_ASSERT(record.id.valid());
          put_le(out, record.position.major);
          put_le(out, record.position.minor);
          put_le(out, static_cast<std::uint8_t>(record.reason));
          put_le(out, record.id.size);
          out.append(record.id.view());
        }
        if (index_ == snapshot_.ids.size()) next_part(Part::checksum);
        break;
      case Part::checksum:
      case Part::done:
        break;
    }
  }
  // The checksum covers every byte before it: this piece's included.
  crc_ = crc32c_extend(crc_, out.data() + start, out.size() - start);
  written_ += out.size() - start;
  if (part_ == Part::checksum && room()) {
    LMX_ASSERT(written_ == snapshot_header_size + payload_size_);
    put_le(out, crc_);
    written_ += snapshot_checksum_size;
    part_ = Part::done;
  }
  return true;
}

void SnapshotEncoder::put_header(std::string& out) const {
  const std::size_t start = out.size();
  put_le(out, snapshot_magic);
  put_le(out, snapshot_version);
  put_le(out, std::uint16_t{0});
  put_le(out, snapshot_.position.major);
  put_le(out, snapshot_.position.minor);
  put_le<std::uint64_t>(out, snapshot_.users.size());
  put_le<std::uint64_t>(out, snapshot_.items.size());
  put_le<std::uint64_t>(out, payload_size_);
  put_le(out, snapshot_.entry_checksum);
  put_le<std::uint32_t>(out, 0);
  put_le<std::uint64_t>(out, snapshot_.ids.size());
  put_le(out, snapshot_.id_horizon);
  put_le(out, digest_);
  LMX_ASSERT(out.size() - start == snapshot_header_size);
}

void SnapshotEncoder::next_part(Part part) noexcept {
  part_ = part;
  index_ = 0;
}

std::string encode_snapshot(const Snapshot& snapshot) {
  SnapshotEncoder encoder(snapshot);
  std::string out;
  out.reserve(encoder.size());
  while (encoder.next(out, encoder.size())) {
  }
  LMX_ASSERT(out.size() == encoder.size());
  // cppcheck-suppress assertWithSideEffect ; decode_snapshot_header() only reads `out`
  assert(decode_snapshot_header(out).user_count == snapshot.users.size());
  // cppcheck-suppress assertWithSideEffect ; as above
  assert(decode_snapshot_header(out).position == snapshot.position);
  return out;
}

SnapshotHeader decode_snapshot_header(std::string_view bytes) {
  ByteCursor in(bytes);
  std::uint32_t magic = 0;
  if (!in.read(magic)) fail(fmt::format("truncated: {} bytes, not even a magic", bytes.size()));
  if (magic != snapshot_magic) fail("bad magic at offset 0: not an lmx snapshot");
  std::uint16_t version = 0;
  if (in.read(version) && (version == 0 || version > snapshot_version)) {
    fail(fmt::format("unsupported snapshot version {} (this lmx reads 1 to {})", version,
                     snapshot_version));
  }
  SnapshotHeader header;
  header.header_size = version >= 4   ? snapshot_header_size
                       : version == 3 ? snapshot_v3_header_size
                                      : snapshot_v2_header_size;
  if (bytes.size() < header.header_size) {
    fail(fmt::format("truncated: it ends at offset {} inside the {}-byte header", bytes.size(),
                     header.header_size));
  }
  const char* h = bytes.data();
  header.position = Position{load_le<std::uint64_t>(h + 8), load_le<std::uint64_t>(h + 16)};
  header.user_count = load_le<std::uint64_t>(h + 24);
  header.item_count = load_le<std::uint64_t>(h + 32);
  header.payload_size = load_le<std::uint64_t>(h + 40);
  if (version >= 2) header.entry_checksum = load_le<std::uint32_t>(h + 48);
  if (version >= 3) {
    header.id_count = load_le<std::uint64_t>(h + 56);
    header.id_horizon = load_le<std::uint64_t>(h + 64);
  }
  if (version >= 4) header.digest = load_le<std::uint64_t>(h + 72);
  return header;
}

Snapshot decode_snapshot(std::string_view bytes) {
  const SnapshotHeader header = decode_snapshot_header(bytes);
  const std::size_t base = header.header_size;
  const std::uint64_t room = bytes.size() - base;
  if (header.payload_size > room || room - header.payload_size < snapshot_checksum_size) {
    fail(fmt::format("truncated: it ends at offset {}, expected {} bytes", bytes.size(),
                     base + header.payload_size + snapshot_checksum_size));
  }
  const std::size_t checksum_offset = base + header.payload_size;
  if (bytes.size() > checksum_offset + snapshot_checksum_size) {
    fail(fmt::format("has trailing bytes after offset {}",
                     checksum_offset + snapshot_checksum_size));
  }
  const auto stored = load_le<std::uint32_t>(bytes.data() + checksum_offset);
  const std::uint32_t computed = crc32c(bytes.substr(0, checksum_offset));
  if (stored != computed) {
    fail(fmt::format("checksum mismatch at offset {} (stored {:08x}, computed {:08x})",
                     checksum_offset, stored, computed));
  }
  check_reserved(bytes);
  if (header.id_horizon == 0 || header.id_horizon > id_horizon_max ||
      header.id_count > header.id_horizon) {
    fail(fmt::format("bad id horizon {} with {} ids at offset 56 (this lmx keeps 1 to {})",
                     header.id_horizon, header.id_count, id_horizon_max));
  }
  Snapshot snapshot;
  snapshot.position = header.position;
  snapshot.entry_checksum = header.entry_checksum;
  snapshot.id_horizon = header.id_horizon;
  ByteCursor payload(bytes.substr(base, header.payload_size));
  decode_users(payload, header.user_count, snapshot.users);
  decode_items(payload, base, header.item_count, snapshot.items);
  decode_ids(payload, base, header.id_count, snapshot.ids);
  if (payload.remaining() != 0) {
    fail(fmt::format("count mismatch: {} bytes left after the last id, at offset {}",
                     payload.remaining(), base + payload.offset()));
  }
  LMX_ASSERT(snapshot.users.size() == header.user_count);
  LMX_ASSERT(snapshot.items.size() == header.item_count);
  LMX_ASSERT(snapshot.ids.size() == header.id_count);
  check_digest(header, snapshot);
  return snapshot;
}

}  // namespace lmx
