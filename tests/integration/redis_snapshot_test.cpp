// Snapshots in Redis: the newest K kept without expiry, the newest valid one loaded, and
// every damaged or missing one skipped with a reason.

#include <gtest/gtest.h>

#include "backend/redis/redis_snapshot_store.hpp"
#include "integration/redis_support.hpp"

namespace lmx {
namespace {

Snapshot snapshot_at(std::uint64_t ms) {
  Snapshot snapshot;
  snapshot.position = Position{ms, 3};
  snapshot.users = {User{7, static_cast<std::int64_t>(ms)}, User{-2, 5}};
  snapshot.items = {Item{Sku::from("cpu"), 30, 4}};
  return snapshot;
}

class RedisSnapshots : public test::RedisTest {
 protected:
  void SetUp() override {
    test::RedisTest::SetUp();
    if (IsSkipped()) return;
    // By pattern, not through the index: a test may have left the index of another type.
    const RedisReply keys = admin->command({"KEYS", url.stream + ":snapshot*"});
    for (std::size_t i = 0; i < keys->elements; ++i) {
      (void)admin->command({"DEL", reply_text(*keys->element[i])});
    }
    store.emplace(url);
  }

  std::optional<RedisSnapshotStore> store;
};

TEST_F(RedisSnapshots, EmptyStoreHasNoneAndNoProblem) {
  std::vector<std::string> problems;
  EXPECT_FALSE(store->load_newest(problems, Position::last()).has_value());
  EXPECT_TRUE(problems.empty());
}

TEST_F(RedisSnapshots, NewestKAreKeptWithoutExpiry) {
  for (std::uint64_t ms = 1; ms <= 5; ++ms) store->save(snapshot_at(ms * 1000));
  const std::vector<std::string> names = store->list();
  ASSERT_EQ(names.size(), snapshot_keep_count);
  EXPECT_EQ(names.front(), store->key(Position{5000, 3}));
  EXPECT_EQ(admin->command({"EXISTS", store->key(Position{1000, 3})})->integer, 0);
  EXPECT_EQ(admin->command({"TTL", names.front()})->integer, -1);
  std::vector<std::string> problems;
  const auto loaded = store->load_newest(problems, Position::last());
  ASSERT_TRUE(loaded.has_value());
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(loaded->position, (Position{5000, 3}));
  ASSERT_EQ(loaded->users.size(), 2u);
  EXPECT_EQ(loaded->users[0].balance, 5000);
  ASSERT_EQ(loaded->items.size(), 1u);
  EXPECT_EQ(loaded->items[0].remain, 4);
}

TEST_F(RedisSnapshots, SnapshotOfSeveralPiecesIsSavedWholeAndLeavesNoStagingKey) {
  Snapshot snapshot = snapshot_at(1000);
  snapshot.users.clear();
  for (std::int64_t i = 1; i <= 300000; ++i) snapshot.users.push_back(User{i, i * 7 - 5});
  store->save(snapshot);
  const RedisReply length = admin->command({"STRLEN", store->key(snapshot.position)});
  EXPECT_GT(static_cast<std::size_t>(length->integer), 3 * snapshot_piece_bytes);
  EXPECT_EQ(admin->command({"KEYS", url.stream + ":snapshot-staging:*"})->elements, 0u);
  std::vector<std::string> problems;
  const auto loaded = store->load_newest(problems, Position::last());
  ASSERT_TRUE(loaded.has_value()) << (problems.empty() ? "" : problems.front());
  ASSERT_EQ(loaded->users.size(), snapshot.users.size());
  for (std::size_t i = 0; i < snapshot.users.size(); i += 997) {
    EXPECT_EQ(loaded->users[i].balance, snapshot.users[i].balance);
  }
  EXPECT_EQ(loaded->users.back().balance, snapshot.users.back().balance);
}

TEST_F(RedisSnapshots, DamagedAndMissingSnapshotsAreSkippedWithReasons) {
  for (std::uint64_t ms = 1; ms <= 3; ++ms) store->save(snapshot_at(ms * 1000));
  (void)admin->command({"SETRANGE", store->key(Position{3000, 3}), "60", "X"});
  (void)admin->command({"DEL", store->key(Position{2000, 3})});
  std::vector<std::string> problems;
  const auto loaded = store->load_newest(problems, Position::last());
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->position, (Position{1000, 3}));
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("checksum"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("missing"), std::string::npos) << problems[1];
}

TEST_F(RedisSnapshots, SnapshotUnderAnotherPositionsNameIsRefused) {
  store->save(snapshot_at(1000));
  store->save(snapshot_at(2000));
  const RedisReply older = admin->command({"GET", store->key(Position{1000, 3})});
  (void)admin->command({"SET", store->key(Position{2000, 3}), std::string(reply_text(*older))});
  std::vector<std::string> problems;
  const auto loaded = store->load_newest(problems, Position::last());
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->position, (Position{1000, 3}));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("holds position 1000-3"), std::string::npos) << problems[0];
}

// Another client wrote a list or a hash at a snapshot key: like a damaged snapshot file, it
// is skipped with a reason naming its type, and an older snapshot is used.
TEST_F(RedisSnapshots, SnapshotKeyOfAnotherTypeIsSkippedForAnOlderOne) {
  for (std::uint64_t ms = 1; ms <= 3; ++ms) store->save(snapshot_at(ms * 1000));
  const std::string newest = store->key(Position{3000, 3});
  const std::string middle = store->key(Position{2000, 3});
  (void)admin->command({"DEL", newest, middle});
  (void)admin->command({"RPUSH", newest, "x"});
  (void)admin->command({"HSET", middle, "f", "v"});
  std::vector<std::string> problems;
  const auto loaded = store->load_newest(problems, Position::last());
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->position, (Position{1000, 3}));
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find(newest + ": holds a list, not a snapshot string (GET refused: "
                                      "WRONGTYPE"),
            std::string::npos)
      << problems[0];
  EXPECT_NE(problems[1].find(middle + ": holds a hash"), std::string::npos) << problems[1];

  // None left of the right type: no snapshot, so the engine replays from the start.
  (void)admin->command({"DEL", store->key(Position{1000, 3})});
  (void)admin->command({"SADD", store->key(Position{1000, 3}), "x"});
  problems.clear();
  EXPECT_FALSE(store->load_newest(problems, Position::last()).has_value());
  EXPECT_EQ(problems.size(), 3u);

  // Saving over such a key replaces it with the snapshot.
  store->save(snapshot_at(3000));
  problems.clear();
  const auto saved = store->load_newest(problems, Position::last());
  ASSERT_TRUE(saved.has_value());
  EXPECT_EQ(saved->position, (Position{3000, 3}));
  EXPECT_TRUE(problems.empty());
}

// The index of another type: no snapshot can be found or saved there, so loading refuses
// with the key, its type and what to do; saving names the command and the key.
TEST_F(RedisSnapshots, IndexOfAnotherTypeIsRefusedNamingItAndTheRemedy) {
  store->save(snapshot_at(1000));
  (void)admin->command({"DEL", store->index_key()});
  (void)admin->command({"SET", store->index_key(), "not a sorted set"});
  std::vector<std::string> problems;
  try {
    (void)store->load_newest(problems, Position::last());
    FAIL() << "loaded through an index of the wrong type";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("the snapshot index " + store->index_key() + " holds a string"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("RENAME " + store->index_key()), std::string::npos) << message;
  }
  try {
    store->save(snapshot_at(2000));
    FAIL() << "saved through an index of the wrong type";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("ZADD " + store->index_key() + " refused: WRONGTYPE"),
              std::string::npos)
        << e.what();
  }
  // Refused before anything was put in place: no snapshot key, no staging key left.
  EXPECT_EQ(admin->command({"EXISTS", store->key(Position{2000, 3})})->integer, 0);
  EXPECT_EQ(admin->command({"KEYS", url.stream + ":snapshot-staging:*"})->elements, 0u);
}

}  // namespace
}  // namespace lmx
