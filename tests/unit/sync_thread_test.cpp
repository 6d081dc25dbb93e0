// The journal writer's sync thread: each sync's outcome reaches the future it returned, a
// failed sync does not stop the ones after it, syncs run in the order asked, and destroying
// the thread first runs every sync still queued.

#include "backend/file/sync_thread.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <future>
#include <string>
#include <system_error>
#include <vector>

#include "../support/temp_dir.hpp"
#include "backend/file/posix_file.hpp"

namespace lmx {
namespace {

TEST(SyncThread, ASyncOfAFileSucceeds) {
  const test::TempDir dir;
  const UniqueFd file = open_file(dir.path() / "segment", O_RDWR | O_CREAT);
  SyncThread syncs;
  std::future<void> synced = syncs.sync(file.get(), dir.path() / "segment");
  EXPECT_NO_THROW(synced.get());
}

TEST(SyncThread, AFailedSyncReachesItsFutureNamingThePathAndLaterSyncsStillRun) {
  const test::TempDir dir;
  const UniqueFd file = open_file(dir.path() / "segment", O_RDWR | O_CREAT);
  std::array<int, 2> pipe_fds{};
  ASSERT_EQ(::pipe(pipe_fds.data()), 0);
  const UniqueFd read_end(pipe_fds[0]);
  const UniqueFd write_end(pipe_fds[1]);
  SyncThread syncs;
  // fdatasync of a pipe fails with EINVAL.
  std::future<void> failed = syncs.sync(write_end.get(), "the-pipe");
  std::future<void> after = syncs.sync(file.get(), dir.path() / "segment");
  try {
    failed.get();
    FAIL() << "an fdatasync of a pipe succeeded";
  } catch (const std::system_error& error) {
    EXPECT_NE(std::string(error.what()).find("the-pipe"), std::string::npos) << error.what();
  }
  EXPECT_NO_THROW(after.get());
}

TEST(SyncThread, SyncsRunInTheOrderAskedAndDestructionRunsThoseLeft) {
  const test::TempDir dir;
  const UniqueFd file = open_file(dir.path() / "segment", O_RDWR | O_CREAT);
  std::vector<std::future<void>> synced;
  {
    SyncThread syncs;
    for (int i = 0; i < 8; ++i) synced.push_back(syncs.sync(file.get(), dir.path() / "segment"));
    // The last one done means every one before it is: the thread runs them in order.
    synced.back().wait();
    for (const std::future<void>& each : synced) {
      EXPECT_EQ(each.wait_for(std::chrono::seconds(0)), std::future_status::ready);
    }
    synced.clear();
    for (int i = 0; i < 8; ++i) synced.push_back(syncs.sync(file.get(), dir.path() / "segment"));
  }
  for (std::future<void>& each : synced) {
    ASSERT_EQ(each.wait_for(std::chrono::seconds(0)), std::future_status::ready);
    EXPECT_NO_THROW(each.get());
  }
}

}  // namespace
}  // namespace lmx
