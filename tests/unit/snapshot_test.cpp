// The snapshot format and the file snapshot store: round trips, every kind of damage told
// apart, fallback to an older snapshot, and keeping the newest three.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "../support/temp_dir.hpp"
#include "backend/file/file_snapshot_store.hpp"
#include "backend/file/posix_file.hpp"
#include "backend/file/snapshot_inspect.hpp"
#include "format/bytes.hpp"
#include "format/crc32c.hpp"
#include "format/snapshot_codec.hpp"
#include "lmx/core/state.hpp"
#include "lmx/core/state_digest.hpp"
#include "pipeline/recovery.hpp"
#include "support/seed_vectors.hpp"

namespace lmx {
namespace {

Snapshot sample(std::uint64_t position) {
  Snapshot s;
  s.position = Position{0, position};
  s.entry_checksum = 0xC0FFEE00u + static_cast<std::uint32_t>(position);
  s.users = {{7, 100}, {-3, 0}, {INT64_MAX, INT64_MIN}};
  s.items = {{Sku::from("apple"), 250, 10}, {Sku::from(std::string(sku_size_max, 'z')), 1, -1}};
  return s;
}

Snapshot sample_with_ids(std::uint64_t position) {
  Snapshot s = sample(position);
  s.id_horizon = 5'000'000;
  s.ids = {{Position{0, 1}, Reason::accepted, CommandId::from("order-1")},
           {Position{0, 2}, Reason::insufficient_balance, CommandId::from(std::string(64, 'x'))},
           {Position{0, 3}, Reason::accepted, CommandId::from(std::string("\0\xff", 2))}};
  return s;
}

void expect_equal(const Snapshot& a, const Snapshot& b) {
  EXPECT_EQ(a.position, b.position);
  EXPECT_EQ(a.entry_checksum, b.entry_checksum);
  ASSERT_EQ(a.users.size(), b.users.size());
  for (std::size_t i = 0; i < a.users.size(); ++i) {
    EXPECT_EQ(a.users[i].user_id, b.users[i].user_id);
    EXPECT_EQ(a.users[i].balance, b.users[i].balance);
  }
  ASSERT_EQ(a.items.size(), b.items.size());
  for (std::size_t i = 0; i < a.items.size(); ++i) {
    EXPECT_EQ(a.items[i].item_id, b.items[i].item_id);
    EXPECT_EQ(a.items[i].price, b.items[i].price);
    EXPECT_EQ(a.items[i].remain, b.items[i].remain);
  }
  EXPECT_EQ(a.id_horizon, b.id_horizon);
  EXPECT_EQ(a.ids, b.ids);
}

std::string decode_error(std::string_view bytes) {
  try {
    (void)decode_snapshot(bytes);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "decoded";
}

// Rewrites the checksum so that a deliberate change reaches the checks after it.
std::string reseal(std::string bytes) {
  bytes.resize(bytes.size() - snapshot_checksum_size);
  put_le(bytes, crc32c(bytes));
  return bytes;
}

// The bytes an older lmx wrote for `snapshot`: the same but for the version and the header
// fields added since: the digest (version 4), the id count and horizon (version 3, so
// `snapshot` has no ids before it).
std::string as_version(const Snapshot& snapshot, std::uint16_t version) {
  EXPECT_TRUE(version >= 3 || snapshot.ids.empty());
  std::string bytes = encode_snapshot(snapshot);
  const std::size_t header_size = version == 3 ? snapshot_v3_header_size : snapshot_v2_header_size;
  bytes.erase(header_size, snapshot_header_size - header_size);
  bytes[4] = static_cast<char>(version);
  if (version == 1) std::fill(bytes.begin() + 48, bytes.begin() + 56, '\0');
  return reseal(bytes);
}

TEST(SnapshotCodec, RoundTripsIncludingEmptyAndRedisPositions) {
  expect_equal(decode_snapshot(encode_snapshot(sample(42))), sample(42));
  expect_equal(decode_snapshot(encode_snapshot(sample_with_ids(42))), sample_with_ids(42));
  Snapshot empty;
  empty.position = Position{1700000000000, 5};
  expect_equal(decode_snapshot(encode_snapshot(empty)), empty);
}

// Pieces of any size add up to the whole encoding, each of whole records at most one record
// past its limit; a header-sized limit or none at all changes nothing.
TEST(SnapshotCodec, PiecesOfAnySizeAreTheWholeEncoding) {
  Snapshot snapshot = sample_with_ids(42);
  for (std::int64_t i = 0; i < 1000; ++i) snapshot.users.push_back({1000 + i, i});
  const std::string whole = encode_snapshot(snapshot);
  for (const std::size_t max : {std::size_t{1}, std::size_t{16}, std::size_t{79}, std::size_t{80},
                                std::size_t{1000}, whole.size()}) {
    SnapshotEncoder encoder(snapshot);
    EXPECT_EQ(encoder.size(), whole.size());
    EXPECT_EQ(encoder.digest(), decode_snapshot_header(whole).digest);
    std::string joined, piece;
    std::size_t pieces = 0;
    while (encoder.next(piece, max)) {
      ASSERT_FALSE(piece.empty());
      // The largest record: an id of the longest command id.
      EXPECT_LT(piece.size(), std::max<std::size_t>(max, snapshot_header_size) + 18 + 64);
      joined += piece;
      piece.clear();
      ++pieces;
    }
    EXPECT_EQ(joined, whole) << "pieces of at most " << max;
    EXPECT_FALSE(encoder.next(piece, max));
    EXPECT_TRUE(piece.empty());
    if (max >= whole.size()) {
      EXPECT_EQ(pieces, 1u);
    } else {
      EXPECT_GE(pieces, whole.size() / (max + 18 + 64));
    }
  }
}

// The same codec reads snapshot files and Redis snapshot keys: no message may speak of a
// file when the snapshot was a key.
TEST(SnapshotCodec, MessagesFitAFileAndARedisKeyAlike) {
  const std::string good = encode_snapshot(sample(42));
  std::string flipped = good;
  flipped[snapshot_header_size + 3] ^= 1;
  for (const std::string& bad : {good.substr(0, 2), good.substr(0, 20),
                                 good.substr(0, good.size() - 1), good + "x", flipped}) {
    const std::string error = decode_error(bad);
    EXPECT_TRUE(error.starts_with("snapshot ")) << error;
    EXPECT_EQ(error.find("file"), std::string::npos) << error;
  }
}

TEST(SnapshotCodec, EachKindOfDamageIsNamed) {
  const std::string good = encode_snapshot(sample(42));
  std::string bad_magic = good;
  bad_magic[0] = 'X';
  std::string bad_version = good;
  bad_version[4] = 5;
  std::string flipped = good;
  flipped[snapshot_header_size + 3] ^= 1;
  std::string bad_count = good;
  bad_count[24] = 2;  // two users instead of three: the payload has bytes left over
  std::string bad_id = good;
  bad_id[snapshot_header_size + 3 * 16] = 0;  // first item id of size zero
  EXPECT_NE(decode_error(bad_magic).find("bad magic at offset 0"), std::string::npos);
  EXPECT_NE(decode_error(bad_version).find("unsupported snapshot version 5"), std::string::npos);
  EXPECT_EQ(decode_error(good.substr(0, 20)),
            "snapshot truncated: it ends at offset 20 inside the 80-byte header");
  EXPECT_EQ(decode_error(good.substr(0, good.size() - 1)),
            fmt::format("snapshot truncated: it ends at offset {}, expected {} bytes",
                        good.size() - 1, good.size()));
  EXPECT_NE(decode_error(good + "x").find("trailing bytes"), std::string::npos);
  EXPECT_NE(decode_error(flipped).find("checksum mismatch at offset " +
                                       std::to_string(good.size() - snapshot_checksum_size)),
            std::string::npos);
  EXPECT_NE(decode_error(reseal(bad_count)).find("count mismatch"), std::string::npos);
  EXPECT_NE(
      decode_error(reseal(bad_id)).find("at offset " + std::to_string(snapshot_header_size + 48)),
      std::string::npos)
      << decode_error(reseal(bad_id));
}

// Snapshots saved before the entry checksum was recorded still restore.
TEST(SnapshotCodec, ReadsVersion1AsNotRecordingTheEntryChecksum) {
  Snapshot expected = sample(42);
  expected.entry_checksum = 0;
  expect_equal(decode_snapshot(as_version(sample(42), 1)), expected);
}

// Snapshots saved before command ids were recorded restore with none and the default
// horizon.
TEST(SnapshotCodec, ReadsVersion2AsRecordingNoIds) {
  expect_equal(decode_snapshot(as_version(sample(42), 2)), sample(42));
}

// Snapshots saved before the state digest was stored restore as they are, unchecked.
TEST(SnapshotCodec, ReadsVersion3WithoutADigest) {
  const std::string bytes = as_version(sample_with_ids(42), 3);
  EXPECT_FALSE(decode_snapshot_header(bytes).digest.has_value());
  expect_equal(decode_snapshot(bytes), sample_with_ids(42));
}

TEST(SnapshotCodec, StoresTheDigestOfTheStateItHolds) {
  for (const Snapshot& snapshot : {sample(42), sample_with_ids(42), Snapshot{}}) {
    const std::string bytes = encode_snapshot(snapshot);
    EXPECT_EQ(load_le<std::uint64_t>(bytes.data() + snapshot_v3_header_size),
              state_digest(snapshot));
    EXPECT_EQ(decode_snapshot_header(bytes).digest, state_digest(snapshot));
    EXPECT_EQ(state_digest(decode_snapshot(bytes)), state_digest(snapshot));
  }
}

// A body rewritten with another value and a checksum to match (by hand, or by a tool that
// does not know lmx) verifies; only the digest finds that it is not the state saved.
TEST(SnapshotCodec, ABodyRewrittenUnderAGoodChecksumIsCaughtByTheDigest) {
  const std::string good = encode_snapshot(sample_with_ids(42));
  std::string rewritten = good;
  store_le<std::int64_t>(rewritten.data() + snapshot_header_size + 8, 101);  // user 7's balance
  const std::string error = decode_error(reseal(rewritten));
  EXPECT_TRUE(error.starts_with("snapshot digest mismatch: the state it holds digests to "))
      << error;
  EXPECT_NE(error.find(fmt::format("the header (offset 72) says {:016x}",
                                   state_digest(sample_with_ids(42)))),
            std::string::npos)
      << error;
  std::string other_digest = good;
  other_digest[snapshot_v3_header_size] ^= 1;
  EXPECT_TRUE(decode_error(reseal(other_digest)).starts_with("snapshot digest mismatch"));
}

TEST(SnapshotCodec, BadIdsAndHorizonsAreNamed) {
  const std::string good = encode_snapshot(sample_with_ids(42));
  const std::size_t first_id = good.size() - snapshot_checksum_size - 3 * (16 + 2) - 7 - 64 - 2;
  ASSERT_EQ(good.substr(first_id + 18, 7), "order-1");
  std::string empty_id = good;
  empty_id[first_id + 17] = 0;  // size 0: the rest of the payload is left over
  std::string duplicate_reason = good;
  duplicate_reason[first_id + 16] = static_cast<char>(Reason::duplicate);
  std::string small_horizon = good;
  small_horizon[64] = 2, std::fill(small_horizon.begin() + 65, small_horizon.begin() + 72, '\0');
  std::string no_horizon = good;
  std::fill(no_horizon.begin() + 64, no_horizon.begin() + 72, '\0');
  const std::string at_first_id = "invalid command id at offset " + std::to_string(first_id);
  EXPECT_EQ(decode_error(reseal(empty_id)), "snapshot " + at_first_id);
  EXPECT_EQ(decode_error(reseal(duplicate_reason)), "snapshot " + at_first_id);
  EXPECT_NE(decode_error(reseal(small_horizon)).find("bad id horizon 2 with 3 ids"),
            std::string::npos);
  EXPECT_NE(decode_error(reseal(no_horizon)).find("bad id horizon 0"), std::string::npos);
}

// Found by fuzz/snapshot_fuzz.cpp: an empty snapshot with a good checksum and a non-zero
// reserved field loaded, although lmx never writes one.
TEST(SnapshotCodec, ReservedFieldsThatAreNotZeroAreRefusedAfterTheChecksum) {
  const std::string fuzzed = reseal(test::from_hex(
      "4c4d58530100000000000000b60a0a000000000000000000000000000000000000000000000000000000"
      "00000000000000001c1c1c1c1c401c1c0000"));
  EXPECT_EQ(decode_error(fuzzed), "snapshot reserved field at offset 48 is not zero");
  std::string reserved_16 = encode_snapshot(sample(5));
  reserved_16[6] = 1;
  EXPECT_EQ(decode_error(reseal(reserved_16)), "snapshot reserved field at offset 6 is not zero");
  EXPECT_NE(decode_error(reserved_16).find("checksum mismatch"), std::string::npos);
}

TEST(SnapshotCodec, EveryTruncationIsRefused) {
  const std::string good = encode_snapshot(sample(1));
  for (std::size_t size = 0; size < good.size(); ++size) {
    EXPECT_THROW((void)decode_snapshot(std::string_view(good).substr(0, size)), std::runtime_error)
        << size;
  }
}

TEST(SnapshotCodec, RandomDamageNeverCrashesAndIsAlwaysCaught) {
  const std::string good = encode_snapshot(sample(3));
  std::mt19937_64 random(99);
  for (int round = 0; round < 5000; ++round) {
    std::string bytes = good;
    bytes[random() % bytes.size()] ^= static_cast<char>(1u << (random() % 8));
    EXPECT_THROW((void)decode_snapshot(bytes), std::runtime_error) << round;
  }
}

void corrupt_file(const std::filesystem::path& file) {
  std::fstream f(file, std::ios::binary | std::ios::in | std::ios::out);
  f.seekp(static_cast<std::streamoff>(snapshot_header_size + 1));
  f.put('\x7f');
}

TEST(FileSnapshotStore, SavesAtomicallyAndLoadsTheNewest) {
  test::TempDir tmp;
  FileSnapshotStore store(snapshots_dir(tmp.path()));
  std::vector<std::string> problems;
  EXPECT_FALSE(store.load_newest(problems, Position::last()).has_value());
  store.save(sample(10));
  store.save(sample(20));
  const auto loaded = store.load_newest(problems, Position::last());
  ASSERT_TRUE(loaded.has_value());
  expect_equal(*loaded, sample(20));
  EXPECT_TRUE(problems.empty());
  for (const auto& entry : std::filesystem::directory_iterator(snapshots_dir(tmp.path()))) {
    EXPECT_EQ(entry.path().extension(), ".lmxs") << "no temporary file is left behind";
  }
  State state;
  state.assign(loaded->users, loaded->items);
  EXPECT_EQ(state.find_user(7)->balance, 100);
}

TEST(FileSnapshotStore, KeepsTheNewestThree) {
  test::TempDir tmp;
  FileSnapshotStore store(tmp.path());
  for (std::uint64_t p : {5u, 1u, 9u, 30u, 12u}) store.save(sample(p));
  const auto files = store.list();
  ASSERT_EQ(files.size(), snapshot_keep_count);
  EXPECT_EQ(files[0].filename(), snapshot_file_name(Position{0, 30}));
  EXPECT_EQ(files[1].filename(), snapshot_file_name(Position{0, 12}));
  EXPECT_EQ(files[2].filename(), snapshot_file_name(Position{0, 9}));
}

TEST(FileSnapshotStore, CorruptNewestFallsBackToThePreviousAndSaysWhy) {
  test::TempDir tmp;
  FileSnapshotStore store(tmp.path());
  store.save(sample(10));
  store.save(sample(20));
  corrupt_file(store.list().front());
  std::vector<std::string> problems;
  const auto loaded = store.load_newest(problems, Position::last());
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->position, (Position{0, 10}));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find(snapshot_file_name(Position{0, 20})), std::string::npos);
  EXPECT_NE(problems[0].find("checksum mismatch"), std::string::npos) << problems[0];
}

// Recovery restores the newest snapshot whose body holds the state it was saved with: one
// rewritten under a good checksum is skipped, with the reason, for the one before it.
TEST(FileSnapshotStore, RecoverySkipsASnapshotWhoseDigestDisagreesForThePrevious) {
  test::TempDir tmp;
  FileSnapshotStore store(tmp.path());
  store.save(sample_with_ids(10));
  store.save(sample_with_ids(20));
  const std::filesystem::path newest = store.list().front();
  std::string bytes = read_whole_file(newest);
  store_le<std::int64_t>(bytes.data() + snapshot_header_size + 8, 101);  // user 7's balance
  std::ofstream(newest, std::ios::binary | std::ios::trunc) << reseal(bytes);
  const Recovered recovered = restore_snapshot(store);
  EXPECT_EQ(recovered.snapshot_position, (Position{0, 10}));
  EXPECT_EQ(recovered.state.find_user(7)->balance, 100);
  EXPECT_EQ(state_digest(recovered.state), state_digest(sample_with_ids(10)));
  ASSERT_EQ(recovered.problems.size(), 1u);
  EXPECT_TRUE(recovered.problems[0].starts_with(snapshot_file_name(Position{0, 20}) +
                                                ": snapshot digest mismatch"))
      << recovered.problems[0];
}

TEST(FileSnapshotStore, SaveReturnsTheStoredDigestAndSize) {
  test::TempDir tmp;
  FileSnapshotStore store(tmp.path());
  const SavedSnapshot saved = store.save(sample_with_ids(10));
  EXPECT_EQ(saved.position, sample_with_ids(10).position);
  EXPECT_EQ(saved.digest, state_digest(sample_with_ids(10)));
  EXPECT_EQ(saved.bytes, std::filesystem::file_size(store.list().front()));
  EXPECT_EQ(inspect_snapshot(store.list().front()).digest, state_digest(sample_with_ids(10)));
}

TEST(FileSnapshotStore, AllCorruptGivesNothingAndEveryProblem) {
  test::TempDir tmp;
  FileSnapshotStore store(tmp.path());
  store.save(sample(10));
  store.save(sample(20));
  corrupt_file(store.list()[0]);
  std::filesystem::resize_file(store.list()[1], 30);
  std::vector<std::string> problems;
  EXPECT_FALSE(store.load_newest(problems, Position::last()).has_value());
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("checksum mismatch"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("truncated"), std::string::npos) << problems[1];
}

TEST(SnapshotInspect, ReportsHeaderAndVerdict) {
  test::TempDir tmp;
  FileSnapshotStore store(tmp.path());
  store.save(sample(77));
  const auto file = store.list().front();
  SnapshotReport report = inspect_snapshot(file);
  EXPECT_TRUE(report.ok);
  EXPECT_EQ(report.position, (Position{0, 77}));
  EXPECT_EQ(report.user_count, 3u);
  EXPECT_EQ(report.item_count, 2u);
  EXPECT_NE(format_snapshot_report(report).find(
                fmt::format("digest {:016x}\nchecksum ok  digest ok\n", state_digest(sample(77)))),
            std::string::npos)
      << format_snapshot_report(report);
  corrupt_file(file);
  report = inspect_snapshot(file);
  EXPECT_FALSE(report.ok);
  EXPECT_TRUE(report.header_ok);
  EXPECT_EQ(report.user_count, 3u);
  EXPECT_NE(format_snapshot_report(report).find("DAMAGE: snapshot checksum mismatch"),
            std::string::npos);
}

}  // namespace
}  // namespace lmx
