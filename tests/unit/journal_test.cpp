// The file journal: append, read, reopen, rollover, torn tails, damage, concurrent
// appenders in several processes, and a reader waiting for another process's append.

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../support/temp_dir.hpp"
#include "backend/file/journal_reader.hpp"
#include "backend/file/journal_record.hpp"
#include "backend/file/journal_segment.hpp"
#include "backend/file/journal_writer.hpp"

namespace lmx {
namespace {

using std::chrono::milliseconds;
using Records = std::vector<std::pair<std::uint64_t, std::string>>;

const JournalWriterOptions no_fsync{.fsync = FsyncPolicy::none};
// Segments of 200 bytes, rolled in the background: two 60-byte payloads fill one.
const JournalWriterOptions small_background_roll{
    .fsync = FsyncPolicy::none, .segment_size_max = 200, .roll_in_background = true};

Records read_all(const std::filesystem::path& dir, std::uint64_t after = 0) {
  JournalReader reader(dir, after);
  Records records;
  for (;;) {
    const auto batch = reader.fetch(7, milliseconds(0));
    if (batch.empty()) return records;
    for (const JournalEntry& e : batch) records.emplace_back(e.sequence, std::string(e.payload));
  }
}

std::uint64_t append(JournalWriter& writer, const std::vector<std::string>& payloads) {
  JournalBatch batch;
  for (const std::string& p : payloads) batch.add_payload(p);
  return writer.append(batch);
}

std::filesystem::path first_segment(const std::filesystem::path& dir) {
  return dir / segment_file_name(1);
}

void append_raw(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::app);
  out << bytes;
}

void flip_byte(const std::filesystem::path& file, std::uint64_t offset) {
  std::fstream f(file, std::ios::binary | std::ios::in | std::ios::out);
  f.seekg(static_cast<std::streamoff>(offset));
  const char c = static_cast<char>(f.get());
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ 0x40));
}

// One sealed record, as a writer would put it on disk.
std::string sealed_record(std::uint64_t sequence, const std::string& payload) {
  std::string bytes(journal_record_header_size, '\0');
  bytes += payload;
  stamp_record_header(bytes.data(), static_cast<std::uint32_t>(payload.size()));
  seal_record(bytes.data(), sequence);
  return bytes;
}

TEST(Journal, AppendsAreReadBackDenseAndInOrderAfterReopen) {
  test::TempDir tmp;
  {
    JournalWriter writer(tmp.path());
    EXPECT_EQ(append(writer, {"a", "bb"}), 2u);
    EXPECT_EQ(append(writer, {}), 2u);
    EXPECT_EQ(append(writer, {"ccc"}), 3u);
  }
  JournalWriter reopened(tmp.path(), no_fsync);
  EXPECT_EQ(append(reopened, {"dddd"}), 4u);
  const Records expected = {{1, "a"}, {2, "bb"}, {3, "ccc"}, {4, "dddd"}};
  EXPECT_EQ(read_all(tmp.path()), expected);
  EXPECT_EQ(read_all(tmp.path(), 2), Records(expected.begin() + 2, expected.end()));
  EXPECT_TRUE(read_all(tmp.path(), 4).empty());
  JournalReader reader(tmp.path(), 0);
  EXPECT_EQ(reader.last_sequence(), 4u);
}

// Appends 30 records "payload-1".."payload-30" in ten batches of three; returns them.
Records append_ten_batches_of_three(JournalWriter& writer) {
  Records appended;
  for (std::uint64_t b = 0; b < 10; ++b) {
    std::vector<std::string> payloads;
    for (int i = 0; i < 3; ++i) {
      payloads.push_back("payload-" + std::to_string(appended.size() + 1));
      appended.emplace_back(appended.size() + 1, payloads.back());
    }
    append(writer, payloads);
  }
  return appended;
}

// Segment rolls with the old segment synced on the appending thread or in the background,
// by a shared writer and by a sole writer (the results journal's kind, which trusts its own
// view of the tail): the journal ends the same. A background sync of the open segment starts
// every 50 bytes, so that one is often running when a roll, a truncation or the writer's
// end closes or syncs the segment.
struct RollMode {
  const char* name;
  bool in_background;
  bool sole_writer;
};

class JournalRoll : public ::testing::TestWithParam<RollMode> {
 protected:
  static JournalWriterOptions small_segments() {
    JournalWriterOptions small = no_fsync;
    small.segment_size_max = 200;
    small.roll_in_background = GetParam().in_background;
    small.sole_writer = GetParam().sole_writer;
    small.background_sync_bytes = 50;
    return small;
  }
};

INSTANTIATE_TEST_SUITE_P(Journal, JournalRoll,
                         ::testing::Values(RollMode{"Inline", false, false},
                                           RollMode{"Background", true, false},
                                           RollMode{"InlineSoleWriter", false, true},
                                           RollMode{"SoleWriter", true, true}),
                         [](const ::testing::TestParamInfo<RollMode>& param) {
                           return std::string(param.param.name);
                         });

TEST_P(JournalRoll, RollsOverToNewSegmentsNamedByFirstSequence) {
  test::TempDir tmp;
  const JournalWriterOptions small = small_segments();
  Records expected;
  {
    JournalWriter writer(tmp.path(), small);
    expected = append_ten_batches_of_three(writer);
  }
  const auto segments = list_segments(tmp.path());
  ASSERT_GT(segments.size(), 3u);
  EXPECT_EQ(segments.front().first_sequence, 1u);
  for (const SegmentFile& s : segments)
    EXPECT_EQ((s.first_sequence - 1) % 3, 0u) << "batches stay whole";
  EXPECT_EQ(read_all(tmp.path()), expected);
  EXPECT_EQ(read_all(tmp.path(), 17), Records(expected.begin() + 17, expected.end()));
  JournalWriter reopened(tmp.path(), small);
  EXPECT_EQ(append(reopened, {"last"}), 31u);
  EXPECT_EQ(read_all(tmp.path(), 30), (Records{{31, "last"}}));
}

// Cutting after a record inside an older segment deletes the later segments, keeps the
// records before the cut, and appends carry on densely from it; cutting at a segment's
// first record leaves that segment empty, and cutting after 0 empties the journal.
TEST_P(JournalRoll, TruncateAfterCutsAcrossSegmentsAndAppendsCarryOn) {
  test::TempDir tmp;
  const JournalWriterOptions small = small_segments();
  auto writer = std::make_unique<JournalWriter>(tmp.path(), small);
  Records expected = append_ten_batches_of_three(*writer);
  ASSERT_GT(list_segments(tmp.path()).size(), 3u);
  writer->truncate_after(8);
  expected.resize(8);
  EXPECT_EQ(read_all(tmp.path()), expected);
  EXPECT_EQ(list_segments(tmp.path()).back().first_sequence, 7u) << "8 is in the segment of 7";
  EXPECT_EQ(append(*writer, {"nine"}), 9u);
  expected.emplace_back(9, "nine");
  EXPECT_EQ(read_all(tmp.path()), expected);

  writer->truncate_after(6);  // 7 starts a segment: it stays, empty, as the newest
  EXPECT_EQ(list_segments(tmp.path()).back().first_sequence, 7u);
  expected.resize(6);
  EXPECT_EQ(read_all(tmp.path()), expected);
  writer.reset();  // one writer at a time, as a sole writer requires
  JournalWriter reopened(tmp.path(), small);
  EXPECT_EQ(append(reopened, {"seven"}), 7u);

  reopened.truncate_after(0);
  EXPECT_TRUE(read_all(tmp.path()).empty());
  EXPECT_EQ(append(reopened, {"one"}), 1u);
  EXPECT_EQ(read_all(tmp.path()), (Records{{1, "one"}}));
}

// A background roll creates the new segment only once the old one is durable, so the
// batch that rolls is held: no reader sees it and no segment holds it until the next
// append finds the sync done, or sync() waits for it. A crash meanwhile loses it whole.
TEST(Journal, BackgroundRollHoldsTheNewSegmentUntilTheOldOneIsDurable) {
  test::TempDir tmp;
  JournalWriter writer(tmp.path(), small_background_roll);
  const std::string payload(60, 'p');
  ASSERT_EQ(append(writer, {payload, payload}), 2u);
  ASSERT_EQ(list_segments(tmp.path()).size(), 1u);

  EXPECT_EQ(append(writer, {"three", "four"}), 4u) << "sequences are given at once";
  EXPECT_EQ(list_segments(tmp.path()).size(), 1u);
  EXPECT_EQ(read_all(tmp.path()).size(), 2u);
  EXPECT_EQ(writer.read_last_payload(), "four") << "waits for the roll";
  EXPECT_EQ(list_segments(tmp.path()).back().first_sequence, 3u);
  EXPECT_EQ(read_all(tmp.path(), 2), (Records{{3, "three"}, {4, "four"}}));

  ASSERT_EQ(append(writer, {payload, payload}), 6u);
  // Held with the two before, it would pass the segment size: the roll to 5 is finished
  // first, and it rolls to 7 itself.
  const std::string seven(40, '7');
  EXPECT_EQ(append(writer, {seven}), 7u);
  EXPECT_EQ(list_segments(tmp.path()).back().first_sequence, 5u);
  writer.sync();
  EXPECT_EQ(list_segments(tmp.path()).back().first_sequence, 7u);
  EXPECT_EQ(read_all(tmp.path(), 6), (Records{{7, seven}}));
}

// A writer with nothing more to append lets its held records in once the old segment is
// durable, without an append or a sync that waits: finish_roll_if_synced never waits.
TEST(Journal, AHeldRollIsFinishedWithoutAnAppendOnceTheOldSegmentIsDurable) {
  test::TempDir tmp;
  JournalWriter writer(tmp.path(), small_background_roll);
  const std::string payload(60, 'p');
  ASSERT_EQ(append(writer, {payload, payload}), 2u);
  ASSERT_EQ(append(writer, {"three", "four"}), 4u);
  EXPECT_EQ(read_all(tmp.path()).size(), 2u) << "held";
  // The old segment's sync runs on the writer's sync thread: poll until it is done.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (read_all(tmp.path()).size() < 4 && std::chrono::steady_clock::now() < deadline) {
    writer.finish_roll_if_synced();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(read_all(tmp.path()).size(), 4u);
  EXPECT_EQ(list_segments(tmp.path()).back().first_sequence, 3u);
  EXPECT_EQ(read_all(tmp.path(), 2), (Records{{3, "three"}, {4, "four"}}));
  writer.finish_roll_if_synced();  // nothing pending: a no-op
  EXPECT_EQ(append(writer, {"five"}), 5u);
}

TEST(Journal, PartialRecordAtTheTailIsTruncatedOnOpen) {
  test::TempDir tmp;
  {
    JournalWriter writer(tmp.path(), no_fsync);
    append(writer, {"one", "two", "three"});
  }
  const auto good_size = std::filesystem::file_size(first_segment(tmp.path()));
  append_raw(first_segment(tmp.path()), sealed_record(4, "four-torn").substr(0, 30));

  // A reader sees the torn bytes as an append not finished yet: no error, no record.
  EXPECT_EQ(read_all(tmp.path()).size(), 3u);
  JournalWriter writer(tmp.path(), no_fsync);
  EXPECT_EQ(std::filesystem::file_size(first_segment(tmp.path())), good_size);
  EXPECT_EQ(append(writer, {"four"}), 4u);
  EXPECT_EQ(read_all(tmp.path(), 3), (Records{{4, "four"}}));
}

// A sole writer skips the tail check between its own batches, not at opening: a torn tail
// left by the writer before it (a crash mid-append) is cut off there as by any writer.
TEST(Journal, SoleWriterCutsATornTailWhenItOpens) {
  test::TempDir tmp;
  JournalWriterOptions sole = no_fsync;
  sole.sole_writer = true;
  {
    JournalWriter writer(tmp.path(), sole);
    append(writer, {"one", "two"});
    append(writer, {"three"});
  }
  const auto good_size = std::filesystem::file_size(first_segment(tmp.path()));
  append_raw(first_segment(tmp.path()), sealed_record(4, "four-torn").substr(0, 30));

  JournalWriter writer(tmp.path(), sole);
  EXPECT_EQ(std::filesystem::file_size(first_segment(tmp.path())), good_size);
  EXPECT_EQ(append(writer, {"four"}), 4u);
  EXPECT_EQ(append(writer, {"five", "six"}), 6u);
  EXPECT_EQ(read_all(tmp.path(), 3), (Records{{4, "four"}, {5, "five"}, {6, "six"}}));
}

// What sole_writer gives up: between its own batches a sole writer does not look for
// records another writer appended (the results journal has no other writer), so its next
// batch takes their place, where a shared writer's batch follows them. Reopened, it reads
// the tail again.
TEST(Journal, OnlyASharedWriterAdoptsAnotherWritersRecordsBetweenBatches) {
  for (const bool sole : {false, true}) {
    SCOPED_TRACE(sole ? "sole writer" : "shared writer");
    test::TempDir tmp;
    JournalWriterOptions options = no_fsync;
    options.sole_writer = sole;
    JournalWriter writer(tmp.path(), options);
    ASSERT_EQ(append(writer, {"one", "two"}), 2u);
    {
      JournalWriter other(tmp.path(), no_fsync);
      ASSERT_EQ(append(other, {"other"}), 3u);
    }
    const Records before_mine = {{1, "one"}, {2, "two"}};
    if (sole) {
      EXPECT_EQ(append(writer, {"mine"}), 3u);
      Records expected = before_mine;
      expected.emplace_back(3, "mine");
      EXPECT_EQ(read_all(tmp.path()), expected);
    } else {
      EXPECT_EQ(append(writer, {"mine"}), 4u);
      Records expected = before_mine;
      expected.emplace_back(3, "other");
      expected.emplace_back(4, "mine");
      EXPECT_EQ(read_all(tmp.path()), expected);
    }
  }
  test::TempDir tmp;
  JournalWriterOptions sole = no_fsync;
  sole.sole_writer = true;
  {
    JournalWriter other(tmp.path(), no_fsync);
    append(other, {"one", "two"});
  }
  JournalWriter writer(tmp.path(), sole);
  EXPECT_EQ(append(writer, {"three"}), 3u) << "a sole writer reads the tail when it opens";
}

TEST(Journal, BadChecksumOnTheLastRecordAndZeroFillAreTornTails) {
  for (const bool zeros : {false, true}) {
    test::TempDir tmp;
    {
      JournalWriter writer(tmp.path(), no_fsync);
      append(writer, {"one", "two"});
    }
    const auto good_size = std::filesystem::file_size(first_segment(tmp.path()));
    std::string tail = zeros ? std::string(100, '\0') : sealed_record(3, "three");
    if (!zeros) tail.back() ^= 1;
    append_raw(first_segment(tmp.path()), tail);
    JournalWriter writer(tmp.path(), no_fsync);
    EXPECT_EQ(std::filesystem::file_size(first_segment(tmp.path())), good_size) << zeros;
    EXPECT_EQ(append(writer, {"three"}), 3u);
  }
}

TEST(Journal, DamageBeforeTheTailIsAnErrorNamingSegmentAndOffset) {
  test::TempDir tmp;
  {
    JournalWriter writer(tmp.path(), no_fsync);
    append(writer, {"one", "two", "three"});
  }
  const std::uint64_t second_record = journal_record_header_size + 3;
  flip_byte(first_segment(tmp.path()), second_record + journal_record_header_size);
  const std::string expected = "checksum mismatch in segment 00000000000000000001.seg at offset " +
                               std::to_string(second_record);
  try {
    JournalWriter writer(tmp.path(), no_fsync);
    FAIL() << "opening a damaged journal must throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
  }
  try {
    (void)read_all(tmp.path());
    FAIL() << "reading a damaged journal must throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
  }
  EXPECT_EQ(std::filesystem::file_size(first_segment(tmp.path())),
            3 * journal_record_header_size + 11)
      << "damage is never truncated away";
}

TEST(Journal, OutOfOrderSequenceIsDamage) {
  test::TempDir tmp;
  {
    JournalWriter writer(tmp.path(), no_fsync);
    append(writer, {"one"});
  }
  append_raw(first_segment(tmp.path()), sealed_record(5, "five") + sealed_record(6, "six"));
  EXPECT_THROW(JournalWriter(tmp.path(), no_fsync), std::runtime_error);
  EXPECT_THROW((void)read_all(tmp.path()), std::runtime_error);
}

// A reader that buffered a torn tail must not keep those bytes: the next writer truncates
// them and writes a different record at the same offset.
TEST(Journal, ReaderRereadsATornTailThatAWriterReplaced) {
  test::TempDir tmp;
  {
    JournalWriter writer(tmp.path(), no_fsync);
    append(writer, {"one", "two"});
  }
  append_raw(first_segment(tmp.path()),
             sealed_record(3, "stale-bytes-of-a-crashed-append").substr(0, 40));
  JournalReader reader(tmp.path(), 0);
  EXPECT_EQ(reader.fetch(10, milliseconds(0)).size(), 2u);
  EXPECT_TRUE(reader.fetch(10, milliseconds(0)).empty());
  {
    JournalWriter writer(tmp.path(), no_fsync);
    append(writer, {"three"});
  }
  const auto batch = reader.fetch(10, milliseconds(1000));
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch[0].sequence, 3u);
  EXPECT_EQ(batch[0].payload, "three");
}

TEST(Journal, ReaderWaitsForAnAppendFromAnotherProcess) {
  test::TempDir tmp;
  {
    JournalWriter writer(tmp.path(), no_fsync);
    append(writer, {"before"});
  }
  JournalReader reader(tmp.path(), 1);
  ASSERT_TRUE(reader.fetch(10, milliseconds(0)).empty());
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Gives the parent time to block in fetch(); correctness does not depend on it.
    std::this_thread::sleep_for(milliseconds(100));
    JournalWriter writer(tmp.path(), no_fsync);
    append(writer, {"after"});
    ::_exit(0);
  }
  const auto batch = reader.fetch(10, milliseconds(30'000));
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch[0].sequence, 2u);
  EXPECT_EQ(batch[0].payload, "after");
}

TEST(Journal, ReaderFollowsAppendsAcrossSegmentsWhileReading) {
  test::TempDir tmp;
  JournalWriterOptions small = no_fsync;
  small.segment_size_max = 100;
  JournalWriter writer(tmp.path(), small);
  JournalReader reader(tmp.path(), 0);
  for (std::uint64_t i = 1; i <= 20; ++i) {
    append(writer, {"record-" + std::to_string(i)});
    const auto batch = reader.fetch(10, milliseconds(1000));
    ASSERT_EQ(batch.size(), 1u);
    EXPECT_EQ(batch[0].sequence, i);
  }
  EXPECT_GT(list_segments(tmp.path()).size(), 5u);
}

// Several processes append batches at once: every record arrives, sequences are dense,
// and each batch's records are contiguous (batches never interleave).
TEST(Journal, ConcurrentAppendersInSeveralProcessesStayDenseAndUninterleaved) {
  test::TempDir tmp;
  constexpr int children = 3;
  constexpr int batches = 40;
  constexpr int batch_size = 25;
  std::vector<pid_t> pids;
  for (int c = 0; c < children; ++c) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      JournalWriterOptions options{.fsync = c == 0 ? FsyncPolicy::always : FsyncPolicy::none};
      options.segment_size_max = 4096;
      JournalWriter writer(tmp.path(), options);
      for (int b = 0; b < batches; ++b) {
        std::vector<std::string> payloads;
        for (int i = 0; i < batch_size; ++i) payloads.push_back(fmt::format("{}/{}/{}", c, b, i));
        append(writer, payloads);
      }
      ::_exit(0);
    }
    pids.push_back(pid);
  }
  for (const pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  const Records records = read_all(tmp.path());
  ASSERT_EQ(records.size(), std::size_t{children * batches * batch_size});
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].first, i + 1);
    if (i % batch_size == 0) continue;
    const std::string& previous = records[i - 1].second;
    const std::string& current = records[i].second;
    EXPECT_EQ(previous.substr(0, previous.rfind('/')), current.substr(0, current.rfind('/')))
        << "a batch was interleaved at sequence " << i + 1;
  }
}

// A live reader follows two appending processes: it sees their appends mid-write and must
// wait for each record to be whole, never report damage, and miss nothing.
TEST(Journal, LiveReaderFollowsConcurrentAppendersWithoutFalseDamage) {
  test::TempDir tmp;
  constexpr int children = 2;
  constexpr std::uint64_t per_child = 3000;
  JournalReader reader(tmp.path(), 0);
  std::vector<pid_t> pids;
  for (int c = 0; c < children; ++c) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      JournalWriterOptions options = no_fsync;
      options.segment_size_max = 8192;
      JournalWriter writer(tmp.path(), options);
      for (std::uint64_t i = 0; i < per_child; i += 10) {
        std::vector<std::string> payloads;
        for (std::size_t k = 0; k < 10; ++k)
          payloads.push_back(std::string(40 + k, static_cast<char>('a' + c)));
        append(writer, payloads);
      }
      ::_exit(0);
    }
    pids.push_back(pid);
  }
  std::uint64_t next = 1;
  while (next <= children * per_child) {
    const auto batch = reader.fetch(500, milliseconds(10'000));
    ASSERT_FALSE(batch.empty()) << "no progress at sequence " << next;
    for (const JournalEntry& e : batch) {
      ASSERT_EQ(e.sequence, next++);
      EXPECT_EQ(e.payload.find_first_not_of(e.payload.front()), std::string_view::npos);
    }
  }
  for (const pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
}

TEST(Journal, FsyncPolicyNamesRoundTrip) {
  for (const FsyncPolicy p : {FsyncPolicy::always, FsyncPolicy::interval, FsyncPolicy::none}) {
    EXPECT_EQ(fsync_policy_from_name(fsync_policy_name(p)), p);
  }
  EXPECT_FALSE(fsync_policy_from_name("sometimes"));
}

}  // namespace
}  // namespace lmx
