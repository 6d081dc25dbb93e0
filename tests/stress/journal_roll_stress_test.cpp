// The results journal's background roll under ThreadSanitizer: one thread appends small
// batches to small segments with roll_in_background, so that the writer's sync thread syncs
// a rolled segment every few batches (and the open segment every 4 KiB appended), and
// calls sync() now and then; another follows with a reader.
// The reader must see every record once, dense and in order, and nothing else.
// LMX_STRESS_SCALE multiplies the record count.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <string>
#include <thread>

#include "../support/temp_dir.hpp"
#include "backend/file/journal_reader.hpp"
#include "backend/file/journal_writer.hpp"
#include "stress_scale.hpp"

namespace lmx {
namespace {

TEST(JournalRollStress, AReaderFollowsAWriterThatRollsInTheBackground) {
  const auto total = static_cast<std::uint64_t>(test::stress_scaled(200000));
  test::TempDir tmp;
  JournalWriter writer(
      tmp.path(),
      {.fsync = FsyncPolicy::none,
       .segment_size_max = 16u << 10,
       .roll_in_background = true,
       .background_sync_bytes = 4u << 10});
  std::atomic<bool> writer_done{false};
  std::exception_ptr writer_error;
  std::thread appender([&] {
    try {
      JournalBatch batch;
      std::uint64_t next = 1;
      while (next <= total) {
        batch.clear();
        for (int i = 0; i < 40 && next <= total; ++i) batch.add_payload(std::to_string(next++));
        writer.append(batch);
        if (next % 10000 < 40) writer.sync();
      }
      writer.sync();  // the last held records go to their segment
    } catch (...) {
      writer_error = std::current_exception();
    }
    writer_done.store(true, std::memory_order_release);  // publishes writer_error
  });

  JournalReader reader(tmp.path(), 0);
  std::uint64_t expected = 1;
  bool in_order = true;
  for (;;) {
    const bool done = writer_done.load(std::memory_order_acquire);
    const auto batch = reader.fetch(512, std::chrono::milliseconds(20));
    for (const JournalEntry& entry : batch) {
      if (entry.sequence != expected || entry.payload != std::to_string(expected)) {
        ADD_FAILURE() << "record " << entry.sequence << " (" << entry.payload << ") where record "
                      << expected << " was due";
        in_order = false;
        break;
      }
      ++expected;
    }
    if (!in_order || (done && batch.empty())) break;
  }
  appender.join();
  if (writer_error) std::rethrow_exception(writer_error);
  EXPECT_EQ(expected, total + 1) << "every record read, once";
}

}  // namespace
}  // namespace lmx
