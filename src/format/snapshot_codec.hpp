#pragma once
// The snapshot format: the bytes of a snapshot file, and of the Redis key that holds one.
// Version 4, little-endian, an 80-byte header, the payload, then a CRC32C:
//
//   offset 0        4         6          8                16               24
//          +--------+---------+----------+----------------+----------------+
//          | magic  | version | reserved | position major | position minor |
//          | "LMXS" | u16 = 4 | u16 = 0  | u64            | u64            |
//          +--------+---------+----------+----------------+----------------+
//   offset 24               32               40               48         52         56
//          +----------------+----------------+----------------+----------+----------+
//          | user_count u64 | item_count u64 | payload_size   | entry    | reserved |
//          |                |                | u64            | checksum | u32 = 0  |
//          |                |                |                | u32      |          |
//          +----------------+----------------+----------------+----------+----------+
//   offset 56               64               72               80
//          +----------------+----------------+----------------+
//          | id_count u64   | id_horizon u64 | digest u64     |
//          +----------------+----------------+----------------+
//   offset 80                                                          80 + payload_size
//          +--------------------------------------------------------------+--------------+
//          | payload: user_count users, item_count items, id_count ids    | crc32c u32   |
//          +--------------------------------------------------------------+--------------+
//
//   user   +-------------+-------------+                 (16 bytes)
//          | user_id i64 | balance i64 |
//          +-------------+-------------+
//   item   +--------------+-------------------+-----------+------------+
//          | id size u8   | id bytes[size]    | price i64 | remain i64 |  size 1..sku_size_max
//          +--------------+-------------------+-----------+------------+
//   id     +----------------+----------------+-----------+---------+-------------+
//          | position major | position minor | reason u8 | size u8 | bytes[size] |
//          | u64            | u64            |           |         |             |
//          +----------------+----------------+-----------+---------+-------------+
//          a recorded command id (size 1..command_id_size_max), the entry that carried it
//          first and the reason it got; ids oldest first, at most id_horizon of them.
//
// `entry checksum` is the Event::entry_checksum of the entry at `position`, so that a
// restart can tell the snapshot still covers the log as it is, not just as many entries.
// `digest` is state_digest() of the state the snapshot holds (lmx/core/state_digest.hpp).
// Version 3 (a 72-byte header: no digest) is still read, unchecked; version 2 (a 56-byte
// header: no id_count or id_horizon, no ids) and version 1 (the same with the entry
// checksum zero) as a state with no recorded ids and the default horizon, whose entry
// checksum was not recorded (0) in version 1.
//
// The CRC32C covers every byte before it: it finds bytes damaged after they were written.
// The digest, checked once the entities are decoded, finds a body that no longer holds the
// state it was written from although its checksum verifies (rewritten by hand or by a
// tool, or decoded wrongly). Entities and ids are in the state's own order, so that a
// restored state iterates (and exports) exactly like the one that was saved.
//
// decode_snapshot() throws std::runtime_error starting "snapshot " and saying what and
// where, in words that fit a file and a Redis key alike: "bad magic", "unsupported snapshot
// version 5", "truncated: it ends at offset N, expected M bytes" (short), "checksum mismatch
// at offset N" (damage), "reserved field at offset N is not zero", "count mismatch ...",
// "invalid item id at offset N", "invalid command id at offset N", "bad id horizon",
// "digest mismatch ...". The store adds which file or key it was.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lmx/core/snapshot.hpp"

namespace lmx {

inline constexpr std::uint32_t snapshot_magic = 0x53584D4Cu;  // "LMXS" in stored byte order
inline constexpr std::uint16_t snapshot_version = 4;
inline constexpr std::size_t snapshot_header_size = 80;
inline constexpr std::size_t snapshot_v3_header_size = 72;
inline constexpr std::size_t snapshot_v2_header_size = 56;  // versions 1 and 2
inline constexpr std::size_t snapshot_checksum_size = 4;

struct SnapshotHeader {
  Position position;
  std::uint32_t entry_checksum = 0;
  std::uint64_t user_count = 0;
  std::uint64_t item_count = 0;
  std::uint64_t payload_size = 0;
  std::uint64_t id_count = 0;
  std::uint64_t id_horizon = id_horizon_default;
  std::optional<std::uint64_t> digest;             // none before version 4
  std::size_t header_size = snapshot_header_size;  // of the version read
};

// Encodes a snapshot a piece at a time, so that a store writes or sends one without
// holding all of its bytes at once. The pieces, in order, are encode_snapshot()'s bytes.
// The snapshot must outlive the encoder and not change meanwhile.
class SnapshotEncoder {
 public:
  // Computes the size and the digest (state_digest()); encodes nothing yet.
  explicit SnapshotEncoder(const Snapshot& snapshot);

  // Appends the next piece to `out`: whole records while fewer than `max` (> 0) bytes were
  // appended by this call (so at most `max` plus one record, under 300 bytes). False, and
  // nothing appended, once every byte was.
  bool next(std::string& out, std::size_t max);

  // The encoded snapshot's size in bytes, and the digest its header holds.
  [[nodiscard]] std::size_t size() const noexcept {
    return snapshot_header_size + payload_size_ + snapshot_checksum_size;
  }
  [[nodiscard]] std::uint64_t digest() const noexcept { return digest_; }

 private:
  enum class Part : std::uint8_t { header, users, items, ids, checksum, done };
  void put_header(std::string& out) const;
  void next_part(Part part) noexcept;

  const Snapshot& snapshot_;
  std::size_t payload_size_;
  std::uint64_t digest_;
  Part part_ = Part::header;
  std::size_t index_ = 0;    // the next user, item or id of the part
  std::uint32_t crc_ = 0;    // over every byte appended so far
  std::size_t written_ = 0;  // bytes appended so far
};

[[nodiscard]] std::string encode_snapshot(const Snapshot& snapshot);

// Reads only the header (magic, version, position, counts); throws as decode_snapshot.
[[nodiscard]] SnapshotHeader decode_snapshot_header(std::string_view bytes);

// Verifies size, checksum and counts, decodes the entities, then checks that they digest
// to the stored digest.
[[nodiscard]] Snapshot decode_snapshot(std::string_view bytes);

}  // namespace lmx
