// The lease of a Redis stream and the writes it fences: one holder at a time, epochs that
// only grow, a lapsed lease taken with the next epoch, and every result or snapshot write of
// an epoch that is over refused by the server, leaving nothing behind.

#include "backend/redis/redis_lease.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "backend/redis/redis_result_writer.hpp"
#include "backend/redis/redis_snapshot_store.hpp"
#include "integration/redis_support.hpp"

namespace lmx {
namespace {

using std::chrono::milliseconds;

class RedisLeases : public test::RedisTest {
 protected:
  void SetUp() override {
    test::RedisTest::SetUp();
    if (IsSkipped()) return;
    const RedisReply keys = admin->command({"KEYS", url.stream + ":*"});
    for (std::size_t i = 0; i < keys->elements; ++i) {
      (void)admin->command({"DEL", reply_text(*keys->element[i])});
    }
  }

  [[nodiscard]] long long results() {
    return admin->command({"XLEN", url.stream + ":results"})->integer;
  }
};

Result accepted_at(std::uint64_t ms) {
  return Result{.position = Position{ms, 0}, .type = EventType::topup, .user_id = 1, .balance = 5};
}

TEST_F(RedisLeases, OneHolderAtATimeAndEpochsOnlyGrow) {
  RedisLease first(url, "a:1", milliseconds{10000});
  RedisLease second(url, "b:2", milliseconds{10000});
  EXPECT_FALSE(first.holder().has_value());
  const auto epoch = first.try_acquire();
  ASSERT_EQ(epoch, 1u);
  EXPECT_FALSE(second.try_acquire().has_value());
  const std::optional<LeaseHolder> holder = second.holder();
  ASSERT_TRUE(holder.has_value());
  EXPECT_EQ(holder->epoch, 1u);
  EXPECT_EQ(holder->owner, "a:1");
  EXPECT_GT(holder->expires_in.count(), 0);
  EXPECT_TRUE(first.renew(1));
  first.release(1);
  EXPECT_EQ(second.try_acquire(), 2u);
  EXPECT_FALSE(first.renew(1));  // its epoch is over
  EXPECT_EQ(first.current_epoch(), 2u);
}

TEST_F(RedisLeases, LapsedLeaseIsTakenWithTheNextEpochAndTheOldOneStaysOver) {
  RedisLease paused(url, "a:1", milliseconds{100});
  RedisLease standby(url, "b:2", milliseconds{100});
  ASSERT_EQ(paused.try_acquire(), 1u);
  std::this_thread::sleep_for(milliseconds{250});
  EXPECT_FALSE(standby.holder().has_value());
  ASSERT_EQ(standby.try_acquire(), 2u);
  EXPECT_FALSE(paused.renew(1));
  EXPECT_EQ(standby.holder()->owner, "b:2");
}

TEST_F(RedisLeases, LapsedLeaseNobodyTookIsRenewedByItsHolder) {
  RedisLease lease(url, "a:1", milliseconds{100});
  ASSERT_EQ(lease.try_acquire(), 1u);
  std::this_thread::sleep_for(milliseconds{250});
  EXPECT_TRUE(lease.renew(1));  // no other engine wrote: the epoch is still the stream's
  EXPECT_EQ(lease.holder()->epoch, 1u);
}

TEST_F(RedisLeases, ResultsOfAnEpochThatIsOverAreRefusedAndNothingIsWritten) {
  RedisLease old_primary(url, "a:1", milliseconds{10000});
  RedisLease new_primary(url, "b:2", milliseconds{10000});
  Fence old_fence;
  old_fence.set(*old_primary.try_acquire());
  RedisResultWriter old_writer(url, ResultsLayout::per_result, {}, &old_fence);
  old_writer.write(std::vector{accepted_at(1), accepted_at(2)});
  EXPECT_EQ(results(), 2);
  EXPECT_EQ(old_writer.last_answered().position, (Position{2, 0}));

  old_primary.release(old_fence.epoch());
  Fence new_fence;
  new_fence.set(*new_primary.try_acquire());
  EXPECT_THROW(old_writer.write(std::vector{accepted_at(3)}), Fenced);
  EXPECT_EQ(results(), 2);
  RedisResultWriter new_writer(url, ResultsLayout::per_result, {}, &new_fence);
  new_writer.write(std::vector{accepted_at(3)});
  EXPECT_EQ(results(), 3);

  Fence none;  // a standby holds no epoch: refused without asking the server
  RedisResultWriter standby_writer(url, ResultsLayout::per_result, {}, &none);
  EXPECT_THROW(standby_writer.write(std::vector{accepted_at(4)}), Fenced);
  EXPECT_EQ(results(), 3);
}

// Results at 1 ms .. one script's worth and 10 more.
std::vector<Result> longer_than_one_script() {
  std::vector<Result> batch;
  for (std::uint64_t ms = 1; ms <= redis_pipeline_depth_max + 10; ++ms) {
    batch.push_back(accepted_at(ms));
  }
  return batch;
}

TEST_F(RedisLeases, AFencedBatchLongerThanOneScriptIsWrittenWholeAndInOrder) {
  RedisLease lease(url, "a:1", milliseconds{10000});
  Fence fence;
  fence.set(*lease.try_acquire());
  RedisResultWriter writer(url, ResultsLayout::per_result, {}, &fence);
  const std::vector<Result> batch = longer_than_one_script();
  writer.write(batch);
  EXPECT_EQ(results(), static_cast<long long>(batch.size()));
  EXPECT_EQ(writer.last_answered().position, batch.back().position);
}

TEST_F(RedisLeases, PackedResultsAreFencedAndReadBackWhole) {
  RedisLease lease(url, "a:1", milliseconds{10000});
  Fence fence;
  fence.set(*lease.try_acquire());
  RedisResultWriter writer(url, ResultsLayout::packed, {}, &fence);
  const std::vector<Result> batch = longer_than_one_script();
  writer.write(batch);
  // 4096 results in 16 entries of 256, then 10 in one more.
  EXPECT_EQ(results(), 17);
  EXPECT_EQ(writer.last_answered().position, batch.back().position);
  lease.release(fence.epoch());
  RedisLease next(url, "b:2", milliseconds{10000});
  ASSERT_TRUE(next.try_acquire());
  EXPECT_THROW(writer.write(std::vector{accepted_at(5000)}), Fenced);
  EXPECT_EQ(results(), 17);
}

TEST_F(RedisLeases, SnapshotOfAnEpochThatIsOverIsRefusedAndNotIndexed) {
  RedisLease old_primary(url, "a:1", milliseconds{10000});
  RedisLease new_primary(url, "b:2", milliseconds{10000});
  Fence old_fence;
  old_fence.set(*old_primary.try_acquire());
  RedisSnapshotStore old_store(url, snapshot_keep_count, {}, &old_fence);
  Snapshot snapshot;
  snapshot.position = Position{10, 0};
  snapshot.users = {User{1, 5}};
  EXPECT_EQ(old_store.save(snapshot).position, snapshot.position);

  old_primary.release(old_fence.epoch());
  ASSERT_TRUE(new_primary.try_acquire().has_value());
  snapshot.position = Position{20, 0};
  EXPECT_THROW((void)old_store.save(snapshot), Fenced);
  EXPECT_EQ(old_store.list().size(), 1u);
  EXPECT_EQ(admin->command({"EXISTS", old_store.key(snapshot.position)})->integer, 0);
  // A standby (no epoch) is refused too. Neither sent its snapshot: no staging key is left.
  const Fence standby_fence;
  RedisSnapshotStore standby_store(url, snapshot_keep_count, {}, &standby_fence);
  EXPECT_THROW((void)standby_store.save(snapshot), Fenced);
  EXPECT_EQ(old_store.list().size(), 1u);
  EXPECT_EQ(admin->command({"KEYS", url.stream + ":snapshot-staging:*"})->elements, 0u);
}

}  // namespace
}  // namespace lmx
