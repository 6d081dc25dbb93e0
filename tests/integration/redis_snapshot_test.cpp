// Snapshots in Redis: the newest K kept without expiry, the newest valid one loaded, and
// every damaged or missing one skipped with a reason.

#include <gtest/gtest.h>

#include "integration/redis_support.hpp"
#include "backend/redis/redis_snapshot_store.hpp"

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
    store.emplace(url);
    for (const std::string& name : store->list()) (void)admin->command({"DEL", name});
    (void)admin->command({"DEL", store->index_key()});
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

}  // namespace
}  // namespace lmx
